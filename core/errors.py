"""Domain errors: raised by services, turned into HTTP answers by one exception handler.

Each subclass carries a stable machine-readable ``code`` and an HTTP status, so services never
import DRF and clients can branch on ``code``.
"""

from typing import Any, ClassVar


class DomainError(Exception):
    """Base class of every error a service may raise on purpose."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "error"
    default_detail: ClassVar[str] = "The request could not be processed."

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.default_detail
        # Extra keys are added to the JSON body next to detail and code (e.g. supplierids).
        self.extra = extra
        super().__init__(self.detail)

    def as_body(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, **self.extra}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_detail = "The request conflicts with the current state."


class InvalidState(Conflict):
    code = "invalid_state"
    default_detail = "This action is not allowed in the current state."


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"
    default_detail = "You do not have permission to perform this action."


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"
    default_detail = "Too many requests. Try again later."

    def __init__(self, detail: str | None = None, *, retry_after: int, **extra: Any) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(detail, **extra)


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"
    default_detail = "The uploaded file is too large."


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    default_detail = "This file type is not supported."


class ValidationFailed(DomainError):
    """A validation error found by a service; rendered in the 422 list shape.

    ``errors`` is a list of ``(path, msg, type)`` tuples whose path names the input in Python terms, e.g.
    ``(("keys", 3, "text"), "...", "value_error")`` or ``(("attachment_ids",), ...)``. Services do not know
    where the input came from or how the contract spells it: the view that called them does, and the
    exception handler turns the path into the contract's ``loc`` with the view's ``error_locations``
    (see ``core.exceptions.locate``).
    """

    status_code = 422
    code = "validation_error"

    def __init__(self, errors: list[tuple[tuple[str | int, ...], str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(msg for _, msg, _ in errors) or "Invalid input.")
