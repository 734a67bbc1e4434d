"""Domain errors of the blacklists."""

from core.errors import NotFound


class InnNotBlacklisted(NotFound):
    default_detail = "This INN is not in your blacklist."


class DomainNotBlacklisted(NotFound):
    default_detail = "This domain is not in the blacklist."
