"""Shapes of the quotes API (names follow API.md's DTOs; drf-spectacular drops "Serializer")."""

from rest_framework import serializers

from core.fields import id_field
from requests_app.models import MAX_KEYS

from .models import (
    CURRENCIES,
    DEFAULT_CURRENCY,
    MAX_ANALOGUE,
    MAX_LINE_COMMENT,
    MAX_QUOTE_COMMENT,
    QuoteSource,
)

MAX_ATTACHMENT_IDS = 100  # the service enforces the real limit (10) with its own message


def _decimal(**kwargs: object) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False, **kwargs)  # type: ignore[arg-type]


class QuoteLineInputDTOSerializer(serializers.Serializer):
    keyid = id_field()
    price = _decimal(required=False, allow_null=True, min_value=0)
    qty = _decimal(required=False, allow_null=True)
    leadtimedays = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3650)
    analogue = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=MAX_ANALOGUE)
    comment = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=MAX_LINE_COMMENT)


class QuoteInputDTOSerializer(serializers.Serializer):
    supplierid = id_field()
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False, default=DEFAULT_CURRENCY)
    vatincluded = serializers.BooleanField(required=False, default=True)
    validuntil = serializers.DateField(required=False, allow_null=True)
    lines = QuoteLineInputDTOSerializer(many=True, max_length=MAX_KEYS)  # type: ignore[call-arg]
    comment = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=MAX_QUOTE_COMMENT)
    attachmentids = serializers.ListField(child=id_field(), required=False, default=list, max_length=MAX_ATTACHMENT_IDS)


class QuoteLineDTOSerializer(serializers.Serializer):
    keyid = serializers.IntegerField(source="key_id")
    price = _decimal(allow_null=True)
    qty = _decimal(allow_null=True)
    leadtimedays = serializers.IntegerField(source="lead_time_days", allow_null=True)
    analogue = serializers.CharField(allow_null=True)
    comment = serializers.CharField(allow_null=True)

    def to_representation(self, instance: object) -> dict[str, object]:
        data = super().to_representation(instance)
        data["analogue"] = data["analogue"] or None
        data["comment"] = data["comment"] or None
        return data


class QuoteDTOSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requestid = serializers.IntegerField(source="request_id")
    supplierid = serializers.IntegerField(source="supplier_id")
    suppliername = serializers.CharField(source="supplier.name")
    revision = serializers.IntegerField()
    source = serializers.ChoiceField(choices=QuoteSource.values)  # type: ignore[assignment]
    currency = serializers.CharField()
    vatincluded = serializers.BooleanField(source="vat_included")
    validuntil = serializers.DateField(source="valid_until", allow_null=True)
    lines = QuoteLineDTOSerializer(many=True, source="lines.all")
    comment = serializers.CharField(allow_null=True)
    attachmentids = serializers.SerializerMethodField()
    submittedat = serializers.DateTimeField(source="submitted_at")

    def get_attachmentids(self, quote: object) -> list[int]:
        return sorted(attachment.pk for attachment in quote.attachments.all())  # type: ignore[attr-defined]

    def to_representation(self, instance: object) -> dict[str, object]:
        data = super().to_representation(instance)
        data["comment"] = data["comment"] or None
        return data


class QuoteListResponseDTOSerializer(serializers.Serializer):
    requestid = serializers.IntegerField()
    quotes = QuoteDTOSerializer(many=True)


class ComparisonOfferDTOSerializer(serializers.Serializer):
    supplierid = serializers.IntegerField()
    suppliername = serializers.CharField()
    currency = serializers.CharField()
    vatincluded = serializers.BooleanField()
    price = _decimal(allow_null=True)
    qty = _decimal(allow_null=True, help_text="The quantity offered; null: the key's quantity.")
    total = _decimal(allow_null=True, help_text="price × (qty offered, else the key's qty); null if either is missing")
    leadtimedays = serializers.IntegerField(allow_null=True)
    analogue = serializers.CharField(allow_null=True)
    isbestprice = serializers.BooleanField(help_text="The lowest price of the key among offers in this currency.")
    isfastest = serializers.BooleanField()
    awarded = serializers.BooleanField()


class ComparisonKeyDTOSerializer(serializers.Serializer):
    keyid = serializers.IntegerField()
    pos = serializers.IntegerField()
    text = serializers.CharField()
    qty = _decimal(allow_null=True)
    unit = serializers.CharField(allow_null=True)
    awardedsupplierid = serializers.IntegerField(allow_null=True)
    offers = ComparisonOfferDTOSerializer(many=True)
    noanswer = serializers.ListField(child=serializers.IntegerField())


class ComparisonTotalDTOSerializer(serializers.Serializer):
    supplierid = serializers.IntegerField()
    suppliername = serializers.CharField()
    currency = serializers.CharField()
    vatincluded = serializers.BooleanField()
    total = _decimal()
    keyscovered = serializers.IntegerField()


class ComparisonDTOSerializer(serializers.Serializer):
    requestid = serializers.IntegerField()
    keys = ComparisonKeyDTOSerializer(many=True)
    totals = ComparisonTotalDTOSerializer(many=True)


class AwardInputDTOSerializer(serializers.Serializer):
    keyid = id_field()
    supplierid = id_field(required=False, allow_null=True, default=None)


class AwardsInputDTOSerializer(serializers.Serializer):
    awards = AwardInputDTOSerializer(many=True, max_length=MAX_KEYS)  # type: ignore[call-arg]


class QuoteLinkRevokeResponseDTOSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    revoked = serializers.IntegerField(help_text="Open links closed (0 when there was none).")
