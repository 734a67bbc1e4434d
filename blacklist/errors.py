"""Domain errors of the blacklists."""

from django.utils.translation import gettext_lazy as _

from core.errors import NotFound


class InnNotBlacklisted(NotFound):
    default_detail = _("This INN is not in your blacklist.")


class DomainNotBlacklisted(NotFound):
    default_detail = _("This domain is not in the blacklist.")
