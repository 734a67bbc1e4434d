from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from blacklist.extensions import register_inn_cards


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Suppliers")

    def ready(self) -> None:
        """Tell the INN blacklist (below us) which supplier card an INN belongs to."""
        from .selectors import supplier_cards_by_inn

        register_inn_cards(supplier_cards_by_inn)
