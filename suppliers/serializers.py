"""Serializers of the supplier directory (names follow the contract's schemas)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import InnField

from .decisions import CARD_STATUSES, NEEDS_CARD, CardData, domain_urls
from .models import MAX_EXTRA_EMAILS, DomainDecision, DomainDecisionStatus, Supplier, SupplierType
from .services import SupplierFields


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
class SiteUrlsField(serializers.Field):
    """The card's site URLs, read from the prefetched ``sites``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, supplier: Supplier) -> list[str]:
        return [site.url for site in supplier.sites.all()]


class SupplierCardDTOSerializer(serializers.Serializer):
    supplierid = serializers.IntegerField(source="pk")
    type = serializers.ChoiceField(choices=SupplierType.choices)
    inn = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField()
    emails = serializers.ListField(child=serializers.EmailField())
    phone = serializers.CharField(allow_null=True)
    urls = SiteUrlsField()
    comment = serializers.CharField(allow_null=True)
    checko = serializers.JSONField(source="checko_data", allow_null=True)
    checkoupdatedat = serializers.DateTimeField(source="checko_updated_at", allow_null=True)
    checkoerror = serializers.CharField(
        source="checko_error", allow_null=True, help_text="Why the Checko record is missing or stale, if it is."
    )
    createdat = serializers.DateTimeField(source="created_at")
    updatedat = serializers.DateTimeField(source="updated_at")


class SupplierSearchItemSerializer(serializers.Serializer):
    supplierid = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    inn = serializers.CharField()
    email = serializers.EmailField()
    emails = serializers.ListField(child=serializers.EmailField())
    urls = SiteUrlsField()
    checko = serializers.JSONField(source="checko_data", allow_null=True)
    isreseller = serializers.BooleanField(source="is_reseller")
    blacklisted = serializers.SerializerMethodField()

    def get_blacklisted(self, supplier: Supplier) -> bool:
        return supplier.pk in self.context.get("blocked", {})


class SupplierSearchResponseSerializer(serializers.Serializer):
    items = SupplierSearchItemSerializer(many=True)
    q = serializers.CharField()
    limit = serializers.IntegerField()


class SupplierSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=1, max_length=200, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=200, default=20)


class ModeratorSupplierListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    type = serializers.ChoiceField(choices=SupplierType.choices, required=False)


class SupplierCardWriteSerializer(serializers.Serializer):
    """Fields a moderator may set; PUT takes any subset (all but ``inn``)."""

    type = serializers.ChoiceField(choices=SupplierType.choices, required=False)
    name = serializers.CharField(max_length=500)
    email = serializers.EmailField(max_length=254)
    emails = serializers.ListField(
        child=serializers.EmailField(max_length=254), required=False, max_length=MAX_EXTRA_EMAILS
    )
    phone = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True)
    urls = serializers.ListField(child=serializers.CharField(max_length=2000), min_length=1, max_length=100)
    comment = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=10000)

    def to_fields(self) -> SupplierFields:
        data = dict(self.validated_data)
        data.pop("inn", None)
        data.pop("refreshchecko", None)
        if data.get("emails") is None and "emails" in data:
            data["emails"] = []
        for name in ("phone", "comment"):
            if name in data and not (data[name] or "").strip():
                data[name] = None  # an emptied field is "no value", not ""
        return SupplierFields(**data)


class SupplierCardCreateSerializer(SupplierCardWriteSerializer):
    inn = InnField()


class SupplierCardUpdateSerializer(SupplierCardWriteSerializer):
    refreshchecko = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict) and "inn" in self.initial_data:
            raise serializers.ValidationError({"inn": [_("The INN of a card cannot be changed.")]})
        return attrs


class ExistingSupplierSerializer(serializers.Serializer):
    supplierid = serializers.IntegerField()
    name = serializers.CharField()
    urls = serializers.ListField(child=serializers.CharField())


class SupplierConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="duplicate_inn or duplicate_url")
    inn = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    existingsupplier = ExistingSupplierSerializer()


class DomainDecisionConflictSerializer(serializers.Serializer):
    """409 of a card decision: the root is globally blacklisted, already on another card, or one of its URLs is."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="domain_blacklisted, duplicate_domain or duplicate_url")
    domain = serializers.CharField(
        required=False, help_text="domain_blacklisted: the blacklisted root; duplicate_domain: the root on another card"
    )
    url = serializers.CharField(required=False, help_text="duplicate_url: the URL already taken")
    existingsupplier = ExistingSupplierSerializer(
        required=False, help_text="duplicate_domain / duplicate_url: the card holding it"
    )


class DomainDecisionCardDataDTOSerializer(serializers.Serializer):
    inn = InnField()
    name = serializers.CharField(max_length=500)
    email = serializers.EmailField(max_length=254)
    emails = serializers.ListField(
        child=serializers.EmailField(max_length=254), required=False, allow_null=True, max_length=MAX_EXTRA_EMAILS
    )
    phone = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True)
    comment = serializers.CharField(max_length=2000, required=False, allow_null=True, allow_blank=True)

    @staticmethod
    def to_card(data: dict[str, Any]) -> CardData:
        return CardData(
            inn=data["inn"],
            name=data["name"],
            email=data["email"],
            emails=data.get("emails"),
            phone=(data.get("phone") or "").strip() or None,
            comment=(data.get("comment") or "").strip() or None,
        )


class DomainDecisionRequestDTOSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DomainDecisionStatus.choices)
    carddata = DomainDecisionCardDataDTOSerializer(required=False, allow_null=True)
    comment = serializers.CharField(max_length=2000, required=False, allow_null=True, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["status"] in CARD_STATUSES and not attrs.get("carddata"):
            raise serializers.ValidationError({"carddata": [NEEDS_CARD]})
        return attrs

    def to_card(self) -> CardData | None:
        data = self.validated_data.get("carddata")
        return DomainDecisionCardDataDTOSerializer.to_card(data) if data else None


class DomainDecisionResponseDTOSerializer(serializers.Serializer):
    domain = serializers.CharField()
    status = serializers.ChoiceField(choices=DomainDecisionStatus.choices)
    decisionat = serializers.DateTimeField(source="decided_at")
    supplierid = serializers.IntegerField(source="supplier_id", allow_null=True)
    card = SupplierCardDTOSerializer(source="supplier", allow_null=True)
    comment = serializers.CharField(allow_null=True)
    urls = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_urls(self, decision: DomainDecision) -> list[str]:
        return domain_urls(root=decision.domain)
