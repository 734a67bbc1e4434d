from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from requests_app.extensions import register_supplier_states

        from . import (
            deadlines,  # noqa: F401 - connects the receivers of requests_app.signals.deadline_changed / request_closed
            notices,  # noqa: F401 - connects the receiver of requests_app.signals.moderation_done (the buyer's e-mail)
            receivers,  # noqa: F401 - connects the receivers of blacklist.signals (recipients follow)
            tasks,  # noqa: F401 - registers the tasks in every process: ``queueing`` publishes by name
        )
        from .selectors import recipient_states_for_request

        # The request detail shows each linked supplier's recipient state; requests_app cannot import messaging.
        register_supplier_states(recipient_states_for_request)
