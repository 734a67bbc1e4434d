"""Shapes of the messaging API (names follow the contract's DTOs; drf-spectacular drops "Serializer")."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from .models import BlockedReason, Direction, Message, MessageStatus, ReplyStatus
from .services import BODY_MAX, SUBJECT_MAX

SEND_STATUSES = ["notsent", "queued", "sent", "failed"]
BODY_PREVIEW_CHARS = 200
MAX_RECIPIENTS = 5000
MAX_ATTACHMENT_IDS = 100  # the attachments app enforces the real limit (10) with its own message


class RecipientSelectionDTOSerializer(serializers.Serializer):
    """One checkbox of the PUT: the contract's ``RecipientDTO`` input shape."""

    supplierid = serializers.IntegerField(min_value=1)
    selected = serializers.BooleanField()


class UpdateRecipientsRequestDTOSerializer(serializers.Serializer):
    recipients = RecipientSelectionDTOSerializer(many=True, max_length=MAX_RECIPIENTS)


# Serializes a ``selectors.RecipientRow`` (no docstring: it would become the contract's description).
class RecipientDTOSerializer(serializers.Serializer):
    supplierid = serializers.IntegerField(source="supplier_id")
    selected = serializers.BooleanField()
    suppliername = serializers.CharField(source="supplier_name")
    inn = serializers.CharField()
    email = serializers.CharField()
    isreseller = serializers.BooleanField(source="is_reseller")
    sendstatus = serializers.ChoiceField(source="send_status", choices=SEND_STATUSES)
    replystatus = serializers.ChoiceField(source="reply_status", choices=ReplyStatus.values)
    blockedreason = serializers.ChoiceField(source="blocked_reason", choices=BlockedReason.values, allow_null=True)


class RecipientsResponseDTOSerializer(serializers.Serializer):
    recipients = RecipientDTOSerializer(many=True)


class SendRequestMessagesRequestDTOSerializer(serializers.Serializer):
    """Body of ``send`` and ``send-new``; the service re-checks subject and body (they reach e-mail headers)."""

    subject = serializers.CharField(
        max_length=SUBJECT_MAX,
        required=False,
        allow_null=True,
        help_text="Omitted or null: the buyer's default subject (PUT /auth/profile); 422 when there is none.",
    )
    body = serializers.CharField(
        max_length=BODY_MAX,
        required=False,
        allow_null=True,
        help_text="Omitted or null: the buyer's default body (PUT /auth/profile); 422 when there is none.",
    )
    attachrequestfile = serializers.BooleanField(default=True)
    attachmentids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), default=list, max_length=MAX_ATTACHMENT_IDS
    )

    def validate_subject(self, value: str | None) -> str | None:
        if value is not None and ("\r" in value or "\n" in value):
            raise serializers.ValidationError(_("Must not contain line breaks."), code="value_error")
        return value


class SendRequestMessagesResponseDTOSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    requestid = serializers.IntegerField()
    sentcount = serializers.IntegerField()
    skippedalreadysent = serializers.IntegerField()
    skippedblacklisted = serializers.IntegerField()
    skippedsuppressed = serializers.IntegerField(
        help_text="Ticked suppliers not e-mailed because their address bounced before (suppressed)."
    )
    messageids = serializers.ListField(child=serializers.IntegerField())


class MessageDTOSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requestid = serializers.IntegerField(source="request_id")
    supplierid = serializers.IntegerField(source="supplier_id", allow_null=True)
    suppliername = serializers.SerializerMethodField()
    toemail = serializers.CharField(source="to_email")
    direction = serializers.ChoiceField(choices=Direction.values)
    subject = serializers.CharField()
    bodypreview = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=MessageStatus.values)
    attempts = serializers.IntegerField()
    # A fixed reason and the SMTP code; the full error text (paths, class names) is for moderators only.
    lasterror = serializers.CharField(source="public_last_error", allow_null=True)
    messageid = serializers.CharField(source="message_id")
    inreplyto = serializers.CharField(source="in_reply_to", allow_null=True)
    fromemail = serializers.SerializerMethodField(help_text="Who wrote an incoming reply; null for outgoing e-mail.")
    bouncedat = serializers.DateTimeField(
        source="bounced_at",
        allow_null=True,
        help_text="An outgoing e-mail a delivery report returned as undeliverable (status stays sent).",
    )
    attachmentids = serializers.SerializerMethodField()
    isdeleted = serializers.BooleanField(source="is_deleted")
    createdat = serializers.DateTimeField(source="created_at")
    sentat = serializers.DateTimeField(source="sent_at", allow_null=True)

    def get_suppliername(self, message: Message) -> str | None:
        return message.supplier.name if message.supplier is not None else None

    def get_fromemail(self, message: Message) -> str | None:
        return message.from_email or None if message.direction == Direction.INCOMING else None

    def get_bodypreview(self, message: Message) -> str:
        """The start of the body on one line, for the thread view."""
        flat = " ".join(message.body.split())
        return flat if len(flat) <= BODY_PREVIEW_CHARS else flat[: BODY_PREVIEW_CHARS - 1] + "…"

    def get_attachmentids(self, message: Message) -> list[int]:
        return sorted(attachment.pk for attachment in message.attachments.all())


# The page `LimitOffsetPagination` answers for the thread (no docstring: it would become the contract's description).
@extend_schema_serializer(many=False)
class MessageListResponseDTOSerializer(serializers.Serializer):
    items = MessageDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class MessageDeletedResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
