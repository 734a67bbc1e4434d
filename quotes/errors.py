"""Domain errors of the quotes app."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotFound


class QuoteLinkUnknown(NotFound):
    default_detail = _("This quote link does not exist.")


class QuoteLinkGone(DomainError):
    """A link that existed but no longer opens the page: revoked, expired, or its request is closed."""

    status_code = 410
    code = "link_gone"
    default_detail = _("This quote link is no longer valid.")

    def __init__(self, reason: str) -> None:
        self.reason = reason  # "revoked" | "expired" | "closed"
        super().__init__(reason=reason)
