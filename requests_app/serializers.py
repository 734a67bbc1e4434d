"""Wire shapes of buyer requests (names follow the contract, api-contracts.yaml: `requestid`, `createdat`, …)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.fields import id_field

from .extensions import NOT_A_RECIPIENT, SupplierState
from .importers import WARNING_TYPES
from .models import MAX_KEY_NOTE, MAX_KEY_TEXT, MAX_KEYS, MAX_UNIT, ModeratorTaskStatus, RequestKey
from .services import KeyData

_MAX_POS = 2_147_483_647  # the database integer column


# --- input ----------------------------------------------------------------------------------------------------


class RequestKeyInputDTOSerializer(serializers.Serializer):
    pos = serializers.IntegerField(min_value=1, max_value=_MAX_POS)
    text = serializers.CharField(max_length=MAX_KEY_TEXT)
    qty = serializers.DecimalField(
        max_digits=18, decimal_places=4, required=False, allow_null=True, coerce_to_string=False
    )
    unit = serializers.CharField(max_length=MAX_UNIT, required=False, allow_null=True, allow_blank=True)
    note = serializers.CharField(max_length=MAX_KEY_NOTE, required=False, allow_null=True, allow_blank=True)

    def validate_qty(self, value: Decimal | None) -> Decimal | None:
        if value is not None and value <= 0:
            raise serializers.ValidationError(_("Ensure this value is greater than 0."), code="greater_than")
        return value

    def to_internal_value(self, data: Any) -> KeyData:
        values = super().to_internal_value(data)
        return KeyData(
            pos=values["pos"],
            text=values["text"],
            qty=values.get("qty"),
            unit=values.get("unit"),
            note=values.get("note"),
        )


class UpdateRequestKeysRequestDTOSerializer(serializers.Serializer):
    keys = RequestKeyInputDTOSerializer(many=True, min_length=1, max_length=MAX_KEYS)


class CreateRequestManualRequestDTOSerializer(UpdateRequestKeysRequestDTOSerializer):
    title = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)


# --- the lean reading of the create body (decision 0011) -------------------------------------------------------
# ``CreateRequestManualRequestDTOSerializer`` costs a deep copy of its fields and a validator chain per key on
# every call. ``create_body`` accepts only bodies whose every value the serializer accepts unchanged (plain
# ``str`` / ``int`` / ``null``, within the same limits) and gives the same ``(title, keys)``; for anything else
# (a wrong type, a number as a string, an empty list, a value over a limit) it answers ``None`` and the view
# runs the serializer, so every 422 is still the serializer's own. ``qty`` goes through the serializer's own field
# (its decimal rules are subtle) unless it is a plain number plainly within them (``_plain_qty``).
# ``tests/test_hot_path.py`` compares both on a corpus of bodies.
_QTY = copy.deepcopy(RequestKeyInputDTOSerializer._declared_fields["qty"])
_NOT_SET = object()
# What the field's ``quantize`` gives: 4 places in an 18-digit context (exact here, so no rounding happens).
_QTY_PLACES = Decimal("0.0001")
_QTY_CONTEXT = Context(prec=18)
_QTY_LIMIT = 10**14  # 14 digits before the point


def _plain_qty(value: Any) -> Decimal | None:
    """``_QTY.run_validation(value)`` for an ``int``, or a ``float`` whose ``repr`` has at most 4 decimals, in
    (0, 10¹⁴): ``Decimal(str(value))`` quantized, as the field does; ``None`` for anything else (ask the field).
    ``DecimalField.run_validation`` was a third of ``create_body``'s time."""
    kind = type(value)
    if kind is int:
        return Decimal(value).quantize(_QTY_PLACES, context=_QTY_CONTEXT) if 0 < value < _QTY_LIMIT else None
    if kind is float and 0 < value < _QTY_LIMIT:
        text = repr(value)  # str() of a float, which the field reads: "2.5", or "1e-05" for the small ones
        if "e" not in text and len(text) - text.index(".") <= 5:
            return Decimal(text).quantize(_QTY_PLACES, context=_QTY_CONTEXT)
    return None


def _char(value: Any, max_length: int, *, allow_blank: bool) -> str | None | object:
    """What ``CharField(trim_whitespace=True, allow_null=allow_blank)`` would return, or ``_NOT_SET`` to give up."""
    if value is None:
        return None if allow_blank else _NOT_SET
    if type(value) is not str:
        return _NOT_SET
    text = value.strip()
    if not text:
        return "" if allow_blank else _NOT_SET  # DRF returns "" before its validators run
    if len(text) > max_length or "\x00" in text:
        return _NOT_SET
    try:
        text.encode()  # a lone surrogate (ProhibitSurrogateCharactersValidator) cannot be encoded
    except UnicodeEncodeError:
        return _NOT_SET
    return text


def create_body(data: Any) -> tuple[str | None, list[KeyData]] | None:
    """``(title, keys)`` as ``CreateRequestManualRequestDTOSerializer`` validates them, or ``None``: ask it."""
    if type(data) is not dict:
        return None
    title: Any = None
    if "title" in data:
        title = _char(data["title"], 255, allow_blank=True)
    raw_keys = data.get("keys")
    if title is _NOT_SET or type(raw_keys) is not list or not 1 <= len(raw_keys) <= MAX_KEYS:
        return None
    keys = []
    for item in raw_keys:
        if type(item) is not dict:
            return None
        pos, qty = item.get("pos"), item.get("qty")
        if type(pos) is not int or not 1 <= pos <= _MAX_POS:
            return None
        text = _char(item.get("text"), MAX_KEY_TEXT, allow_blank=False)
        unit = _char(item["unit"], MAX_UNIT, allow_blank=True) if "unit" in item else None
        note = _char(item["note"], MAX_KEY_NOTE, allow_blank=True) if "note" in item else None
        if text is _NOT_SET or unit is _NOT_SET or note is _NOT_SET:
            return None
        if qty is not None and (plain := _plain_qty(qty)) is not None:
            qty = plain
        elif qty is not None:
            try:
                qty = _QTY.run_validation(qty)
            except serializers.ValidationError:
                return None
            if qty <= 0:  # RequestKeyInputDTOSerializer.validate_qty
                return None
        keys.append(KeyData(pos=pos, text=text, qty=qty, unit=unit, note=note))  # type: ignore[arg-type]
    return title, keys


class RequestUploadDTOSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    title = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)
    sheet = serializers.CharField(
        max_length=255,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The workbook sheet to read, by name or 1-based number; by default the one holding the items",
    )


class UploadPreviewRequestDTOSerializer(RequestUploadDTOSerializer):
    """The same form as `upload-and-create`; `title` is accepted and ignored."""


# --- output ---------------------------------------------------------------------------------------------------


class CreateRequestResponseDTOSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    requestid = serializers.IntegerField()
    filename = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    message = serializers.CharField(allow_null=True)


class ImportWarningDTOSerializer(serializers.Serializer):
    """A row the importer skipped or a guess it made; the keys are still usable."""

    row = serializers.IntegerField(allow_null=True, help_text="1-based row or line number in the file")
    sheet = serializers.CharField(allow_null=True)
    msg = serializers.CharField()
    type = serializers.ChoiceField(choices=list(WARNING_TYPES))


class UploadCreateResponseDTOSerializer(CreateRequestResponseDTOSerializer):
    """`CreateRequestResponseDTO` plus what the importer skipped or guessed."""

    warnings = ImportWarningDTOSerializer(many=True)


class PreviewKeyDTOSerializer(serializers.Serializer):
    pos = serializers.IntegerField()
    text = serializers.CharField()
    qty = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True, coerce_to_string=False)
    unit = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_null=True)


class UploadPreviewResponseDTOSerializer(serializers.Serializer):
    """The keys a file would give, the sheet read and the workbook's sheets; nothing is stored."""

    filename = serializers.CharField()
    sheet = serializers.CharField(allow_null=True)
    sheets = serializers.ListField(child=serializers.CharField())
    keys = PreviewKeyDTOSerializer(many=True)
    warnings = ImportWarningDTOSerializer(many=True)


class SubmitRequestDTOSerializer(serializers.Serializer):
    """The submit body is optional; it may carry the response deadline."""

    deadline = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text='Response deadline: in the future, at most 365 days ahead (422 at `["body", "deadline"]`)',
    )


class SetDeadlineRequestDTOSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField(
        help_text="The new response deadline: in the future, at most 365 days ahead; reminders and the quote links "
        "follow it, contacted suppliers are e-mailed"
    )


class CloseRequestResponseDTOSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    requestid = serializers.IntegerField()
    newstatus = serializers.CharField()


class SubmitRequestResponseDTOSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    requestid = serializers.IntegerField()
    newstatus = serializers.CharField()
    matchedsuppliers = serializers.IntegerField()
    message = serializers.CharField(allow_null=True)


class RequestSummaryDTOSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(allow_null=True)
    filename = serializers.CharField(source="source_filename", allow_null=True)
    status = serializers.CharField()
    createdat = serializers.DateTimeField(source="created_at")
    updatedat = serializers.DateTimeField(source="updated_at")
    deadline = serializers.DateTimeField(allow_null=True)
    closedat = serializers.DateTimeField(source="closed_at", allow_null=True)
    keyscount = serializers.IntegerField(source="keys_count")


@extend_schema_serializer(many=False)
class RequestListResponseDTOSerializer(serializers.Serializer):
    """Documents the page `LimitOffsetPagination` answers (the contract names this component)."""

    items = RequestSummaryDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class SupplierInRequestSerializer(serializers.Serializer):
    supplierid = serializers.IntegerField()
    name = serializers.CharField()
    inn = serializers.CharField()
    email = serializers.CharField()
    isreseller = serializers.BooleanField()
    isnew = serializers.BooleanField()
    selected = serializers.BooleanField()
    sendstatus = serializers.ChoiceField(choices=["notsent", "queued", "sent", "failed"])
    blockedreason = serializers.CharField(allow_null=True)


# The context key under which a view hands the detail serializers ``{request_id: {supplier_id: SupplierState}}``
# (``selectors.supplier_states_of``): the states are fetched before serializing, never while.
SUPPLIER_STATES = "supplier_states"


class RequestKeyDTOSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pos = serializers.IntegerField()
    rawtext = serializers.CharField(source="text")
    normalizedtext = serializers.CharField(source="normalized_text")
    qty = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True, coerce_to_string=False)
    unit = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_null=True)
    suppliers = serializers.SerializerMethodField()

    @extend_schema_field(SupplierInRequestSerializer(many=True))
    def get_suppliers(self, key: RequestKey) -> list[dict[str, Any]]:
        states: Mapping[int, SupplierState] = self.context.get(SUPPLIER_STATES, {}).get(key.request_id, {})
        suppliers = []
        for link in key.supplier_links.all():
            supplier = link.supplier
            state = states.get(supplier.pk, NOT_A_RECIPIENT)
            suppliers.append(
                {
                    "supplierid": supplier.pk,
                    "name": supplier.name,
                    "inn": supplier.inn,
                    "email": supplier.email,
                    "isreseller": supplier.is_reseller,
                    "isnew": state.is_new,
                    "selected": state.selected,
                    "sendstatus": state.send_status,
                    "blockedreason": state.blocked_reason,
                }
            )
        return suppliers


# The docstring below is the contract's description of the component: change it with api-contracts.yaml.
# The caller passes ``{SUPPLIER_STATES: selectors.supplier_states_of(requests)}`` as the context (without it
# every linked supplier shows as not a recipient); serializing reads only what was fetched and mutates nothing.
class RequestDetailDTOSerializer(serializers.Serializer):
    """A request with its keys and each key's linked suppliers.

    Works on any `Request`, whoever fetched it (buyer selector or moderator code): pass one from
    `selectors.request_detail_queryset()` to avoid a query per key. The recipient states come from
    messaging, looked up once per request and only when some supplier is linked.
    """

    id = serializers.IntegerField()
    title = serializers.CharField(allow_null=True)
    filename = serializers.CharField(source="source_filename", allow_null=True)
    status = serializers.CharField()
    createdat = serializers.DateTimeField(source="created_at")
    updatedat = serializers.DateTimeField(source="updated_at")
    deadline = serializers.DateTimeField(allow_null=True)
    closedat = serializers.DateTimeField(source="closed_at", allow_null=True)
    # ``RequestKey`` and the prefetch of ``request_detail_queryset`` both order keys by ``pos``.
    keys = RequestKeyDTOSerializer(many=True)


# The name docs/architecture.md gives the moderation app; the same class, so one OpenAPI component.
RequestDetailSerializer = RequestDetailDTOSerializer


class ModeratorTaskDTOSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requestid = serializers.IntegerField(source="request_id")
    status = serializers.ChoiceField(choices=ModeratorTaskStatus.choices)
    keyscount = serializers.IntegerField(source="keys_count")
    assignee = serializers.EmailField(source="assignee.email", allow_null=True, default=None)
    createdat = serializers.DateTimeField(source="created_at")
    updatedat = serializers.DateTimeField(source="updated_at")


@extend_schema_serializer(many=False)
class ModeratorTaskListResponseDTOSerializer(serializers.Serializer):
    """The page `LimitOffsetPagination` answers for tasks."""

    items = ModeratorTaskDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class ModeratorTaskDetailDTOSerializer(ModeratorTaskDTOSerializer):
    request = RequestDetailDTOSerializer()


# --- moderator links (PUT /moderator/requests/{requestId}/links) -------------------------------------------------

MAX_SUPPLIERS_PER_CALL = 200


class RequestLinkItemDTOSerializer(serializers.Serializer):
    keyid = id_field()
    supplierids = serializers.ListField(
        child=id_field(),
        max_length=MAX_SUPPLIERS_PER_CALL,
        allow_empty=True,
    )


class UpdateRequestLinksRequestDTOSerializer(serializers.Serializer):
    """Either ``links`` (per key) or ``allkeys: true`` with ``supplierids`` (every key of the request)."""

    links = RequestLinkItemDTOSerializer(many=True, required=False, max_length=MAX_KEYS)
    allkeys = serializers.BooleanField(required=False, default=False)
    supplierids = serializers.ListField(child=id_field(), required=False, max_length=MAX_SUPPLIERS_PER_CALL)
    replace = serializers.BooleanField(
        required=False,
        default=False,
        help_text="false (default): add the links, keep the others (idempotent). true: each key named (every key "
        "with `allkeys`) ends up with exactly the suppliers given; `supplierids: []` removes a key's links",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        per_key, every = attrs.get("links"), attrs.get("allkeys")
        if per_key is not None and every:
            raise serializers.ValidationError({"allkeys": [_("Give either links or allkeys, not both.")]})
        if every and not attrs.get("supplierids"):
            raise serializers.ValidationError({"supplierids": [_("Needed with allkeys: the suppliers to link.")]})
        if not every and per_key is None:
            raise serializers.ValidationError({"links": [_("Give links, or allkeys with supplierids.")]})
        if per_key is not None and "supplierids" in attrs:
            raise serializers.ValidationError({"supplierids": [_("Only with allkeys; give each key's in links.")]})
        return attrs

    def to_links(self) -> dict[int, list[int]]:
        merged: dict[int, list[int]] = {}
        for item in self.validated_data.get("links") or []:
            merged.setdefault(item["keyid"], []).extend(item["supplierids"])
        return merged
