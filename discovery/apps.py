from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "discovery"
    verbose_name = _("Web discovery")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401 - connects the receiver of suppliers.signals.domain_decided (the queue follows)
            tasks,  # noqa: F401 - registers the tasks in every process: ``queueing`` publishes by name
        )
