"""Domain errors: raised by services, turned into HTTP answers by one exception handler.

Each subclass carries a stable machine-readable ``code`` and an HTTP status, so services never
import DRF and clients can branch on ``code``.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A message: a plain string, or a lazy translation that becomes text in the language of the request that
# renders it (LocaleMiddleware / Accept-Language). ``code`` never changes with the language.
Message = str | Promise


class DomainError(Exception):
    """Base class of every error a service may raise on purpose."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "error"
    default_detail: ClassVar[Message] = _("The request could not be processed.")

    def __init__(self, detail: Message | None = None, **extra: Any) -> None:
        self.detail = detail or self.default_detail
        # Extra keys are added to the JSON body next to detail and code (e.g. supplierids).
        self.extra = extra
        super().__init__(self.detail)

    def as_body(self) -> dict[str, Any]:
        return {"detail": str(self.detail), "code": self.code, **self.extra}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = _("Not found.")


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_detail = _("The request conflicts with the current state.")


class InvalidState(Conflict):
    code = "invalid_state"
    default_detail = _("This action is not allowed in the current state.")


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"
    default_detail = _("You do not have permission to perform this action.")


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"
    default_detail = _("Too many requests. Try again later.")

    def __init__(self, detail: Message | None = None, *, retry_after: int, **extra: Any) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(detail, **extra)


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"
    default_detail = _("The uploaded file is too large.")


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    default_detail = _("This file type is not supported.")


class ValidationFailed(DomainError):
    """A validation error found by a service; rendered in the 422 list shape.

    ``errors`` is a list of ``(path, msg, type)`` tuples whose path names the input in Python terms, e.g.
    ``(("keys", 3, "text"), _("..."), "value_error")`` or ``(("attachment_ids",), ...)``. Services do not know
    where the input came from or how the contract spells it: the view that called them does, and the
    exception handler turns the path into the contract's ``loc`` with the view's ``error_locations``
    (see ``core.exceptions.locate``).
    """

    status_code = 422
    code = "validation_error"

    def __init__(self, errors: Sequence[tuple[tuple[str | int, ...], Message, str]]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(msg) for _path, msg, _type in errors) or _("Invalid input."))
