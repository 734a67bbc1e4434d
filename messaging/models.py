"""Recipients of a request and the outbox of e-mails to suppliers.

The ``Message`` table is the outbox: a row per (request, supplier, mailing) is written before anything
is queued, and the delivery task moves it through ``queued → sending → sent | failed``.
"""

import secrets
import string

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blacklist.models import BlockedReason


class ReplyStatus(models.TextChoices):
    """What came back from a recipient, as ``replystatus`` shows it: a quote outranks a reply; a bounce is final."""

    NONE = "none", _("No answer")
    REPLIED = "replied", _("Replied")
    QUOTED = "quoted", _("Quoted")
    BOUNCED = "bounced", _("Bounced")


def new_reply_token() -> str:
    """The per-recipient part of the reply address ``<local>+<token>@<domain>``: 20 random lowercase letters
    and digits (about 103 bits; case-insensitive mail systems cannot damage it)."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _index in range(20))


class Recipient(models.Model):
    """A supplier the buyer may send the request to; ``selected`` mirrors the buyer's checkbox."""

    request = models.ForeignKey(
        "requests_app.Request", verbose_name=_("request"), on_delete=models.CASCADE, related_name="recipients"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="recipients"
    )
    selected = models.BooleanField(_("selected"), default=False)
    blocked_reason = models.CharField(
        _("blocked reason"), max_length=32, choices=BlockedReason.choices, null=True, blank=True
    )
    reply_status = models.CharField(
        _("reply status"), max_length=16, choices=ReplyStatus.choices, default=ReplyStatus.NONE
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)  # the latest reply or quote
    # The plus-part of this recipient's reply address (``rfq+<token>@…``): unguessable, made once, never reused.
    reply_token = models.CharField(
        _("reply token"), max_length=32, unique=True, null=True, blank=True, default=new_reply_token, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("request_id", "supplier_id")
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="messaging_recipient_unique"),
            models.CheckConstraint(
                condition=~(models.Q(selected=True) & models.Q(blocked_reason__isnull=False)),
                name="messaging_recipient_blocked_not_selected",
            ),
            models.CheckConstraint(
                condition=models.Q(reply_status__in=ReplyStatus.values), name="messaging_recipient_reply_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.request_id} → supplier {self.supplier_id}"


class MailingKind(models.TextChoices):
    SEND = "send", _("First mailing")
    SEND_NEW = "send_new", _("New recipients")
    # Written by the platform for the buyer (docs/deadlines.md): a reminder slot (one per request, deadline and
    # offset), the notice of a set or moved deadline, the notice of a request closed before its deadline.
    REMINDER = "reminder", _("Reminder")
    DEADLINE = "deadline", _("Deadline changed")
    CLOSED = "closed", _("Request closed")


# The buyer's own mailings: a supplier they reached is "contacted" (reminders, notices).
REQUEST_MAILINGS = (MailingKind.SEND, MailingKind.SEND_NEW)


class Mailing(models.Model):
    """One press of "send" or "send new": the shared subject, body and attachments."""

    request = models.ForeignKey(
        "requests_app.Request", verbose_name=_("request"), on_delete=models.CASCADE, related_name="mailings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MailingKind.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    attach_request_file = models.BooleanField(_("attach request file"), default=True)
    attachments = models.ManyToManyField(
        "attachments.Attachment", verbose_name=_("attachments"), blank=True, related_name="mailings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Reminders and deadline notices: the deadline they speak of. A reminder slot also has its offset, when it is
    # due (deadline − offset) and when its deadline was (last) set: a slot due before that is skipped, not late.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    reminder_offset = models.DurationField(_("reminder offset"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        constraints = [
            # One reminder slot per request, deadline and offset: two planners, or a deadline moved back, reuse it.
            models.UniqueConstraint(
                fields=["request", "deadline", "reminder_offset"],
                condition=models.Q(kind="reminder"),
                name="messaging_one_reminder_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="reminder")
                | models.Q(
                    deadline__isnull=False,
                    reminder_offset__isnull=False,
                    due_at__isnull=False,
                    planned_at__isnull=False,
                ),
                name="messaging_reminder_slot_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Mailing #{self.pk} of request {self.request_id}"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class DeliveryErrorReason(models.TextChoices):
    """Why the last attempt failed, as a buyer may see it: a fixed label, never the server's error text."""

    RECIPIENT_REFUSED = "recipient_refused", _("The supplier's mail server refused the address")
    MESSAGE_REFUSED = "message_refused", _("The mail server refused the message")
    TRY_LATER = "try_later", _("The mail server asked to try again later")
    RELAY_UNAVAILABLE = "relay_unavailable", _("Our mail server could not be reached")
    ATTACHMENT_UNAVAILABLE = "attachment_unavailable", _("An attachment could not be read")
    INVALID_MESSAGE = "invalid_message", _("The e-mail could not be composed (address or header)")
    INTERRUPTED = "interrupted", _("Sending was interrupted")
    INTERNAL_ERROR = "internal_error", _("Internal error while sending")


class Message(models.Model):
    request = models.ForeignKey(
        "requests_app.Request", verbose_name=_("request"), on_delete=models.CASCADE, related_name="messages"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        verbose_name=_("supplier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    mailing = models.ForeignKey(
        Mailing, verbose_name=_("mailing"), on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices, default=Direction.OUTGOING)
    to_email = models.EmailField(_("to email"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), null=True, blank=True)  # full text, for moderators only
    last_error_reason = models.CharField(
        _("last error reason"), max_length=32, choices=DeliveryErrorReason.choices, null=True, blank=True
    )
    last_error_smtp_code = models.PositiveSmallIntegerField(_("SMTP reply code"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, null=True, blank=True)
    # Incoming replies: who wrote, their References, and when the buyer's copy went out (None: still to send).
    from_email = models.CharField(_("from e-mail"), max_length=254, blank=True, default="")
    references = models.TextField(_("references"), blank=True, default="")
    copy_sent_at = models.DateTimeField(_("buyer's copy sent at"), null=True, blank=True)
    # Outgoing messages a DSN reported undeliverable: ``status`` stays ``sent`` (the relay took it), the
    # bounce is recorded here and on the recipient (``reply_status = bounced``); decision 0013.
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=255, blank=True, default="")
    attachments = models.ManyToManyField(
        "attachments.Attachment", verbose_name=_("attachments"), blank=True, related_name="messages"
    )
    is_deleted = models.BooleanField(_("is deleted"), default=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["request", "-created_at", "-id"], name="message_request_created_idx"),
            models.Index(fields=["status", "updated_at"], name="message_status_updated_idx"),
            models.Index(Lower("to_email"), name="message_to_email_lower_idx"),  # filing a reply by its sender
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "supplier", "mailing"],
                condition=models.Q(mailing__isnull=False),
                name="messaging_one_message_per_mailing_supplier",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MessageStatus.values), name="messaging_message_status_valid"
            ),
            models.CheckConstraint(  # no error text without the reason a buyer is shown, and vice versa
                condition=models.Q(last_error__isnull=True, last_error_reason__isnull=True)
                | models.Q(last_error__isnull=False, last_error_reason__isnull=False),
                name="messaging_message_error_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Message #{self.pk} to {self.to_email} ({self.status})"

    @property
    def public_last_error(self) -> str | None:
        """The buyer's ``lasterror``: the reason's label and the SMTP reply code — no paths, exception class
        names or server texts, which stay in ``last_error`` for moderators (docs/security.md)."""
        if self.last_error_reason is None:
            return None
        label = DeliveryErrorReason(self.last_error_reason).label
        if self.last_error_smtp_code is None:
            return str(label)
        return gettext("%(reason)s (SMTP %(code)s)") % {"reason": label, "code": self.last_error_smtp_code}


# --- inbound mail (replies, bounces, the moderators' queue) ----------------------------------------------


class SuppressedAddress(models.Model):
    """An address that bounced (or a moderator stopped): sending skips it until a moderator removes the row."""

    email = models.CharField(_("e-mail"), max_length=254, unique=True)  # stored lower-cased
    reason = models.CharField(_("reason"), max_length=255, blank=True, default="")
    bounced_message = models.ForeignKey(
        "Message",
        verbose_name=_("bounced message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("email",)
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class MailboxState(models.Model):
    """Where reading a mailbox stopped: per mailbox, its ``UIDVALIDITY`` and the last UID filed (IMAP), so
    nothing is read twice; a new ``UIDVALIDITY`` starts over (the Message-ID keeps that from doubling)."""

    mailbox = models.CharField(_("mailbox"), max_length=255, unique=True)  # e.g. imap://user@host:993/INBOX
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID"), default=0)
    last_fetch_at = models.DateTimeField(_("last fetch at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")

    def __str__(self) -> str:
        return f"{self.mailbox} (UID {self.last_uid})"


class UnmatchedStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    FILED = "filed", _("Filed")
    DISCARDED = "discarded", _("Discarded")


class UnmatchedMail(models.Model):
    """Inbound mail that matched no request and supplier: kept whole for moderators to file or discard."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    from_email = models.CharField(_("from e-mail"), max_length=254, blank=True, default="")
    to_header = models.TextField(_("to"), blank=True, default="")
    subject = models.CharField(_("subject"), max_length=255, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=255, blank=True, default="")
    raw = models.BinaryField(_("raw message"))
    status = models.CharField(
        _("status"), max_length=16, choices=UnmatchedStatus.choices, default=UnmatchedStatus.PENDING
    )
    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("file under request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        verbose_name=_("file under supplier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_message = models.ForeignKey(
        "Message", verbose_name=_("filed as"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ("-received_at", "-id")
        verbose_name = _("unmatched mail")
        verbose_name_plural = _("unmatched mail")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=UnmatchedStatus.values), name="messaging_unmatched_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_email or '?'}: {self.subject or '(no subject)'}"
