"""Why a delivery attempt failed: retry or not, the full text for moderators, a short reason for the buyer.

``detail`` keeps everything an operator needs (exception class, the relay's reply text, a file path); the
buyer's thread shows only ``reason`` — a fixed, translatable label — and the SMTP reply code, because the
rest is server internals (docs/security.md). Where the error happened decides the reason as much as its
class: an ``OSError`` while reading the attachments is a missing file, while talking SMTP it is the network.
"""

import smtplib
from dataclasses import dataclass

from .models import DeliveryErrorReason as Reason

DETAIL_MAX = 2000


@dataclass(frozen=True, slots=True)
class DeliveryError:
    permanent: bool
    reason: Reason
    detail: str
    smtp_code: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", self.detail[:DETAIL_MAX])


def classify_build_error(exc: BaseException) -> DeliveryError:
    """An error while loading the row or composing the e-mail (attachments read from storage)."""
    detail = _describe(exc)
    if isinstance(exc, OSError):  # storage not mounted, file missing: an operator can restore it, so retry
        return DeliveryError(False, Reason.ATTACHMENT_UNAVAILABLE, detail)
    if isinstance(exc, ValueError):
        return DeliveryError(True, Reason.INVALID_MESSAGE, detail)
    return DeliveryError(False, Reason.INTERNAL_ERROR, detail)


def classify_send_error(exc: BaseException) -> DeliveryError:
    """SMTP 5xx answers are permanent; 4xx, network and unknown errors are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.items())
        detail = "; ".join(f"{rcpt}: {code} {_text(reply)}" for rcpt, (code, reply) in answers)
        permanent = bool(answers) and all(code >= 500 for _, (code, _) in answers)
        code = _code(answers[0][1][0]) if answers else None
        return DeliveryError(permanent, Reason.RECIPIENT_REFUSED if permanent else Reason.TRY_LATER, detail, code)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # Our credentials, not the recipient: retrying lets an operator fix the relay configuration.
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return DeliveryError(False, Reason.RELAY_UNAVAILABLE, detail, _code(exc.smtp_code))
    if isinstance(exc, smtplib.SMTPResponseException):
        detail, code = f"{exc.smtp_code} {_text(exc.smtp_error)}", _code(exc.smtp_code)
        if code is None:  # smtplib's -1: the relay's answer had no reply code at all
            return DeliveryError(False, Reason.RELAY_UNAVAILABLE, detail)
        permanent = code >= 500
        return DeliveryError(permanent, Reason.MESSAGE_REFUSED if permanent else Reason.TRY_LATER, detail, code)
    if isinstance(exc, smtplib.SMTPException | OSError):
        return DeliveryError(False, Reason.RELAY_UNAVAILABLE, _describe(exc))
    if isinstance(exc, ValueError):  # a header Django refuses, an address that cannot be encoded
        return DeliveryError(True, Reason.INVALID_MESSAGE, _describe(exc))
    return DeliveryError(False, Reason.INTERNAL_ERROR, _describe(exc))


def _code(code: int) -> int | None:
    return code if 200 <= code <= 599 else None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
