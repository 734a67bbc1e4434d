"""Domain errors of the accounts app (see core/errors.py for the shapes)."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, TooManyRequests


class InvalidCode(DomainError):
    """One answer for a wrong, expired, used, exhausted or never requested code, and for inactive users."""

    status_code = 400
    code = "invalid_code"
    default_detail = _("The code is invalid or has expired. Request a new one.")


class InvalidRefreshToken(DomainError):
    """A refresh token that is forged, expired, blacklisted, foreign or whose user is gone or inactive."""

    status_code = 401
    code = "token_not_valid"
    default_detail = _("The refresh token is invalid or expired.")


class AddressLocked(TooManyRequests):
    code = "too_many_requests"
    default_detail = _("Too many failed codes for this address. Try again later.")
