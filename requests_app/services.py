"""Writes of buyer requests: create (from JSON or a file), replace keys, submit, mark processing.

Every function owns its transaction and raises domain errors (never DRF exceptions), so the API, the admin
and other apps share the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.services import attachment_create
from core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

from .deadlines import announce_deadline, validate_deadline
from .errors import (
    ImportArchiveTooLarge,
    ImportFileTooComplex,
    RequestNotDraft,
    RequestNotEditable,
    RequestNotFound,
)
from .import_messages import translate, translate_warnings
from .importers import (
    ArchiveLimits,
    ArchiveTooLarge,
    FileTooComplex,
    ImportResult,
    ImportWarning,
    KeysFileError,
    ParseLimits,
    UnknownSheet,
    UnsupportedFileType,
    parse_in_sandbox,
)
from .models import MAX_KEY_NOTE, MAX_KEY_TEXT, MAX_KEYS, MAX_UNIT, Request, RequestKey, RequestStatus
from .moderation import request_link_known_suppliers, task_open
from .normalize import clean_key_text, normalize_key_text
from .selectors import request_matched_suppliers_count
from .writes import StoredKey, insert_request_with_keys

Loc = tuple[str | int, ...]
ErrorItem = tuple[Loc, str, str]


class KeyLike(Protocol):
    """What a key needs to be stored: `KeyData` from the API, `ParsedKey` from the importers."""

    @property
    def pos(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def qty(self) -> Decimal | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class KeyData:
    pos: int
    text: str
    qty: Decimal | None = None
    unit: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """A request created from a file, and what the importer skipped or guessed on the way."""

    request: Request
    imported: int
    warnings: list[ImportWarning] = field(default_factory=list)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SubmitResult:
    request: Request
    matched_suppliers: int


def _key_path(index: int, field: str) -> Loc:
    """Where a key of the ``keys`` argument is, in Python terms; the view knows how the contract names it."""
    return ("keys", index, field)


def validate_keys(keys: Sequence[KeyLike], *, loc: Callable[[int, str], Loc] = _key_path) -> None:
    """Check the rules of PRODUCT.md §2.2 on a whole list; ``loc`` says where each key came from."""
    if not keys:
        raise ValidationFailed([(("keys",), _("At least one key is required."), "too_short")])
    if len(keys) > MAX_KEYS:
        raise ValidationFailed(
            [(("keys",), _("At most %(limit)s keys are allowed.") % {"limit": MAX_KEYS}, "too_long")]
        )
    errors: list[ErrorItem] = []
    first_index_of_pos: dict[int, int] = {}
    for index, key in enumerate(keys):
        errors.extend(_key_errors(key, index, loc))
        if key.pos in first_index_of_pos:
            other = first_index_of_pos[key.pos]
            errors.append(
                (
                    loc(index, "pos"),
                    _("pos %(pos)s is already used by key %(other)s.") % {"pos": key.pos, "other": other},
                    "duplicate",
                )
            )
        else:
            first_index_of_pos[key.pos] = index
    if errors:
        raise ValidationFailed(errors)


def _key_errors(key: KeyLike, index: int, loc: Callable[[int, str], Loc]) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    if key.pos < 1:
        errors.append((loc(index, "pos"), _("pos must be greater than or equal to 1."), "greater_than_equal"))
    text = clean_key_text(key.text)
    if not text:
        errors.append((loc(index, "text"), _("text must not be blank."), "string_too_short"))
    elif "\x00" in text:  # PostgreSQL text cannot hold NUL; a PDF's text layer sometimes has one
        errors.append((loc(index, "text"), _("text must not contain NUL characters."), "null_characters_not_allowed"))
    elif len(text) > MAX_KEY_TEXT:
        errors.append(
            (
                loc(index, "text"),
                _("text must be at most %(limit)s characters.") % {"limit": MAX_KEY_TEXT},
                "string_too_long",
            )
        )
    if key.qty is not None and key.qty <= 0:
        errors.append((loc(index, "qty"), _("qty must be greater than 0."), "greater_than"))
    elif key.qty is not None and not _qty_fits(key.qty):
        errors.append(
            (loc(index, "qty"), _("qty must have at most 14 digits before and 4 after the point."), "decimal")
        )
    if key.unit is not None and len(key.unit.strip()) > MAX_UNIT:
        errors.append(
            (
                loc(index, "unit"),
                _("unit must be at most %(limit)s characters.") % {"limit": MAX_UNIT},
                "string_too_long",
            )
        )
    elif key.unit is not None and "\x00" in key.unit:
        errors.append((loc(index, "unit"), _("unit must not contain NUL characters."), "null_characters_not_allowed"))
    note = _clean_note(key.note)
    if note is not None and len(note) > MAX_KEY_NOTE:
        errors.append(
            (
                loc(index, "note"),
                _("note must be at most %(limit)s characters.") % {"limit": MAX_KEY_NOTE},
                "string_too_long",
            )
        )
    elif note is not None and "\x00" in note:
        errors.append((loc(index, "note"), _("note must not contain NUL characters."), "null_characters_not_allowed"))
    return errors


def _clean_note(note: str | None) -> str | None:
    """A note is trimmed; an empty one is no note."""
    return (note or "").strip() or None


def _qty_fits(qty: Decimal) -> bool:
    """Whether the database column (18 digits, 4 decimal places) holds ``qty`` exactly."""
    if not qty.is_finite():
        return False
    exponent = qty.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -4 and qty < Decimal(10) ** 14


def _stored_keys(keys: Sequence[KeyLike]) -> list[StoredKey]:
    """The column values of each key: text tidied and normalised, blank unit and note as no value."""
    rows = []
    for key in keys:
        text = clean_key_text(key.text)
        unit = (key.unit or "").strip() or None
        rows.append((key.pos, text, normalize_key_text(text), key.qty, unit, _clean_note(key.note)))
    return rows


def _insert_keys(request: Request, keys: Sequence[KeyLike]) -> None:
    """One multi-row INSERT for all keys (2,000 keys must import in well under 3 s)."""
    RequestKey.objects.bulk_create(
        [
            RequestKey(request=request, pos=pos, text=text, normalized_text=norm, qty=qty, unit=unit, note=note)
            for pos, text, norm, qty, unit, note in _stored_keys(keys)
        ],
        batch_size=MAX_KEYS,
    )


def request_create(
    *,
    owner: Any,
    keys: Sequence[KeyLike],
    title: str | None = None,
    source_filename: str | None = None,
    source_attachment: Any = None,
    key_loc: Callable[[int, str], Loc] = _key_path,
) -> Request:
    """Create a draft request with its keys, all or nothing (one statement on PostgreSQL, writes.py)."""
    validate_keys(keys, loc=key_loc)
    title = (title or "").strip() or None
    return insert_request_with_keys(
        owner=owner,
        title=title,
        source_filename=source_filename,
        source_attachment=source_attachment,
        keys=_stored_keys(keys),
    )


def request_replace_keys(*, owner: Any, request_id: int, keys: Sequence[KeyLike]) -> Request:
    """Replace every key of a draft request at once; the row lock serialises concurrent edits and submit."""
    validate_keys(keys)
    with transaction.atomic():
        try:
            request = Request.objects.owned_by(owner).select_for_update().get(pk=request_id)
        except Request.DoesNotExist:
            raise RequestNotFound() from None
        if request.status != RequestStatus.DRAFT:
            raise RequestNotEditable()
        request.keys.all().delete()
        _insert_keys(request, keys)
        request.save(update_fields=["updated_at"])
    return request


def request_submit(*, owner: Any, request_id: int, deadline: datetime | None = None) -> SubmitResult:
    """Draft → confirmed, open the moderator task, and link the suppliers already known for its keys.

    The transition is a conditional ``UPDATE … WHERE status = 'draft'``: of two concurrent submits exactly
    one changes the row, the other gets ``invalid_state``. ``deadline`` (optional, in the future) is set in the
    same UPDATE (``deadlines.py``).
    """
    now = timezone.now()
    if deadline is not None:
        validate_deadline(deadline, now=now)
    with transaction.atomic():
        changed = (
            Request.objects.owned_by(owner)
            .filter(pk=request_id, status=RequestStatus.DRAFT)
            .update(status=RequestStatus.CONFIRMED, updated_at=now, **({"deadline": deadline} if deadline else {}))
        )
        if not changed:
            if Request.objects.owned_by(owner).filter(pk=request_id).exists():
                raise RequestNotDraft()
            raise RequestNotFound()
        request = Request.objects.get(pk=request_id)
        if deadline is not None:
            announce_deadline(request=request, previous=None, changed_at=now)
        task_open(request=request)
        request_link_known_suppliers(request=request)
        matched = request_matched_suppliers_count(request=request)
    return SubmitResult(request=request, matched_suppliers=matched)


def request_mark_processing(*, request_id: int) -> bool:
    """Confirmed → processing when the first e-mail is sent; True only for the call that changed the row."""
    changed = Request.objects.filter(pk=request_id, status=RequestStatus.CONFIRMED).update(
        status=RequestStatus.PROCESSING, updated_at=timezone.now()
    )
    return changed == 1


def request_create_from_file(
    *, owner: Any, uploaded_file: UploadedFile, title: str | None = None, sheet: str | None = None
) -> ImportOutcome:
    """Create a draft request from a spreadsheet or document, keeping the file as the request's attachment.

    The file is parsed completely before anything is written; the attachment and the request are created in
    one transaction, so a failure leaves neither behind. ``sheet`` (a name or a 1-based number) picks the
    workbook sheet; without it the importer reads the sheet that holds the item table.
    """
    result = _read_upload(uploaded_file, sheet=sheet)
    keys = result.keys
    with transaction.atomic():
        uploaded_file.seek(0)
        attachment = attachment_create(owner=owner, uploaded_file=uploaded_file, title=(title or "").strip() or None)
        request = request_create(
            owner=owner,
            keys=keys,
            title=title,
            source_filename=attachment.original_filename,
            source_attachment=attachment,
            key_loc=_row_loc(keys),
        )
    return ImportOutcome(
        request=request, imported=len(keys), warnings=result.warnings, sheet=result.sheet, sheets=result.sheets
    )


def request_preview_file(*, uploaded_file: UploadedFile, sheet: str | None = None) -> ImportResult:
    """What ``request_create_from_file`` would create, with the same refusals, storing nothing."""
    return _read_upload(uploaded_file, sheet=sheet)


def _read_upload(uploaded_file: UploadedFile, *, sheet: str | None) -> ImportResult:
    """Size check, capped parse and key rules of an upload; keys that break a rule are reported by row."""
    if uploaded_file.size is not None and uploaded_file.size > settings.IMPORT_MAX_BYTES:
        raise PayloadTooLarge(_("The file is larger than %(limit)s bytes.") % {"limit": settings.IMPORT_MAX_BYTES})
    result = _parse_upload(uploaded_file, sheet=sheet)
    validate_keys(result.keys, loc=_row_loc(result.keys))
    return result


def _row_loc(keys: Sequence[Any]) -> Callable[[int, str], Loc]:
    """An imported key's errors point at its row in the file: ``("uploaded_file", "row", 12)``."""

    def row_loc(index: int, field: str) -> Loc:
        return ("uploaded_file", "row", keys[index].row)

    return row_loc


def _parse_upload(uploaded_file: UploadedFile, *, sheet: str | None = None) -> ImportResult:
    """Importer outcomes as domain errors: wrong type 415, over a parse cap 413, an unknown sheet or nothing
    readable 422, bad rows 422 by row number (``("uploaded_file", "row", n)``). The parse runs in a capped
    child process."""
    try:
        result = parse_in_sandbox(uploaded_file, uploaded_file.name or "", _parse_limits(), sheet=sheet)
    except UnsupportedFileType as error:
        raise UnsupportedMediaType(translate(str(error))) from error
    except ArchiveTooLarge as error:
        raise ImportArchiveTooLarge(translate(str(error))) from error
    except FileTooComplex as error:
        raise ImportFileTooComplex(translate(str(error))) from error
    except UnknownSheet as error:
        raise ValidationFailed([(("sheet",), translate(str(error)), error.code)]) from error
    except KeysFileError as error:
        raise ValidationFailed([(("uploaded_file",), translate(str(error)), error.code)]) from error
    if result.errors:
        raise ValidationFailed(
            [(("uploaded_file", "row", row.row), translate(row.msg), "value_error") for row in result.errors]
        )
    result.warnings = translate_warnings(result.warnings)  # the child writes English (import_messages.py)
    return result


def _parse_limits() -> ParseLimits:
    return ParseLimits(
        memory_bytes=settings.IMPORT_PARSE_MEMORY_MB * 1024 * 1024,
        timeout_seconds=settings.IMPORT_PARSE_TIMEOUT_SECONDS,
        archive=ArchiveLimits(
            max_members=settings.IMPORT_MAX_ARCHIVE_MEMBERS,
            max_member_bytes=settings.IMPORT_MAX_MEMBER_BYTES,
            max_total_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        ),
    )
