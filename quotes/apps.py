from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = _("Quotes")

    def ready(self) -> None:
        from messaging.extensions import register_quote_link

        from .services import link_url_for_message

        register_quote_link(link_url_for_message)
