"""Writes of buyer requests: create, replace keys, submit, mark processing, create from a file."""

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from attachments.models import Attachment
from core.errors import NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from requests_app.errors import RequestNotDraft, RequestNotEditable, RequestNotFound
from requests_app.models import ModeratorTask, ModeratorTaskStatus, Request, RequestKey, RequestStatus
from requests_app.services import (
    KeyData,
    request_create,
    request_create_from_file,
    request_mark_processing,
    request_replace_keys,
    request_submit,
)
from requests_app.tests.factories import KeySupplierLinkFactory, RequestFactory, RequestKeyFactory
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parent / "files"


def keys(n: int) -> list[KeyData]:
    return [KeyData(pos=pos, text=f"Болт М{pos}", qty=Decimal("1.5"), unit="шт") for pos in range(1, n + 1)]


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = (FILES / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data)


def error_locs(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str | int, ...]]:
    return [loc for loc, _, _ in excinfo.value.errors]


# --- create --------------------------------------------------------------------------------------------------


def test_create_stores_a_draft_with_cleaned_and_normalised_keys(alice) -> None:
    request = request_create(
        owner=alice,
        title="  Трубы  ",
        keys=[
            KeyData(pos=2, text="  Фланец  плоский Д100 ", qty=Decimal("2"), unit=" шт "),
            KeyData(pos=1, text="фланец плоский d100", qty=None, unit="  "),
        ],
    )

    request.refresh_from_db()
    assert (request.owner, request.title, request.status) == (alice, "Трубы", RequestStatus.DRAFT)
    stored = list(request.keys.order_by("pos").values_list("pos", "text", "normalized_text", "qty", "unit"))
    assert stored == [
        (1, "фланец плоский d100", "фланец плоский d100", None, None),
        (2, "Фланец плоский Д100", "фланец плоский d100", Decimal("2"), "шт"),
    ]


def test_create_inserts_two_thousand_keys_with_one_insert_statement(alice) -> None:
    with CaptureQueriesContext(connection) as queries:
        request = request_create(owner=alice, keys=keys(2000))

    # On PostgreSQL the request row and its keys are ONE statement (writes.py); elsewhere one INSERT for the keys.
    key_inserts = [
        q for q in queries.captured_queries if "INSERT INTO" in q["sql"] and "requests_app_requestkey" in q["sql"]
    ]
    assert len(key_inserts) == 1
    assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 4)  # + savepoint, request
    assert request.keys.count() == 2000


@pytest.mark.parametrize(
    ("bad_keys", "loc"),
    [
        ([], ("keys",)),
        (keys(2001), ("keys",)),
        ([*keys(3), KeyData(pos=2, text="again")], ("keys", 3, "pos")),
        ([*keys(1), KeyData(pos=7, text="  \u200b ")], ("keys", 1, "text")),
        ([KeyData(pos=1, text="x" * 1001)], ("keys", 0, "text")),
        ([KeyData(pos=0, text="x")], ("keys", 0, "pos")),
        ([KeyData(pos=1, text="x", qty=Decimal("0"))], ("keys", 0, "qty")),
        ([KeyData(pos=1, text="x", qty=Decimal("0.00001"))], ("keys", 0, "qty")),
        ([KeyData(pos=1, text="x", qty=Decimal("1e14"))], ("keys", 0, "qty")),
        ([KeyData(pos=1, text="x", unit="u" * 33)], ("keys", 0, "unit")),
        ([KeyData(pos=1, text="Болт\x00М10")], ("keys", 0, "text")),
        ([KeyData(pos=1, text="x", unit="ш\x00т")], ("keys", 0, "unit")),
    ],
    ids=[
        "empty",
        "too-many",
        "duplicate-pos",
        "blank-text",
        "long-text",
        "pos-zero",
        "qty-zero",
        "qty-too-precise",
        "qty-too-large",
        "long-unit",
        "nul-text",
        "nul-unit",
    ],
)
def test_create_refuses_invalid_keys_and_writes_nothing(alice, bad_keys, loc) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        request_create(owner=alice, keys=bad_keys)

    assert error_locs(excinfo) == [loc]
    assert not Request.objects.exists()


def test_largest_and_most_precise_quantities_are_stored_exactly(alice) -> None:
    request = request_create(
        owner=alice,
        keys=[
            KeyData(pos=1, text="x", qty=Decimal("99999999999999.9999")),
            KeyData(pos=2, text="y", qty=Decimal("1E+3")),
        ],
    )

    assert list(request.keys.values_list("qty", flat=True)) == [Decimal("99999999999999.9999"), Decimal("1000")]


def test_text_of_a_thousand_characters_after_trimming_is_accepted(alice) -> None:
    request = request_create(owner=alice, keys=[KeyData(pos=1, text="  " + "я" * 1000 + "  ")])

    assert len(request.keys.get().text) == 1000


# --- replace keys --------------------------------------------------------------------------------------------


def test_replace_keys_swaps_the_whole_list_of_a_draft(alice) -> None:
    request = request_create(owner=alice, keys=keys(5))

    request_replace_keys(owner=alice, request_id=request.pk, keys=[KeyData(pos=10, text="Кабель ВВГ 3х2,5")])

    assert list(request.keys.values_list("pos", "normalized_text")) == [(10, "кабель ввг 3x2.5")]


def test_replace_keys_with_invalid_keys_keeps_the_old_ones(alice) -> None:
    request = request_create(owner=alice, keys=keys(3))

    with pytest.raises(ValidationFailed):
        request_replace_keys(owner=alice, request_id=request.pk, keys=[*keys(2), KeyData(pos=1, text="dup")])

    assert request.keys.count() == 3


@pytest.mark.parametrize("status", [RequestStatus.CONFIRMED, RequestStatus.PROCESSING, RequestStatus.DONE])
def test_replace_keys_refuses_a_request_that_is_not_draft(alice, status) -> None:
    key = RequestKeyFactory(request__owner=alice, request__status=status)

    with pytest.raises(RequestNotEditable) as excinfo:
        request_replace_keys(owner=alice, request_id=key.request_id, keys=keys(1))

    assert excinfo.value.code == "request_not_editable" and excinfo.value.status_code == 409
    assert list(RequestKey.objects.all()) == [key]


def test_replace_keys_of_another_buyers_request_is_not_found(alice, bob) -> None:
    key = RequestKeyFactory(request__owner=alice)

    with pytest.raises(RequestNotFound):
        request_replace_keys(owner=bob, request_id=key.request_id, keys=keys(1))

    assert list(RequestKey.objects.all()) == [key]


# --- submit --------------------------------------------------------------------------------------------------


def test_submit_confirms_the_draft_and_opens_a_pending_moderator_task(alice) -> None:
    request = request_create(owner=alice, keys=keys(2))

    result = request_submit(owner=alice, request_id=request.pk)

    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED == result.request.status
    assert ModeratorTask.objects.get(request=request).status == ModeratorTaskStatus.PENDING
    assert result.matched_suppliers == 0


def test_submit_counts_each_linked_supplier_once(alice) -> None:
    request = request_create(owner=alice, keys=keys(3))
    first, second, third = request.keys.order_by("pos")
    shared, other = SupplierFactory(), SupplierFactory()
    KeySupplierLinkFactory(key=first, supplier=shared)
    KeySupplierLinkFactory(key=second, supplier=shared)
    KeySupplierLinkFactory(key=third, supplier=other)
    KeySupplierLinkFactory()  # another request's link does not count

    assert request_submit(owner=alice, request_id=request.pk).matched_suppliers == 2


@pytest.mark.parametrize("status", [RequestStatus.CONFIRMED, RequestStatus.PROCESSING, RequestStatus.DONE])
def test_submit_rejects_request_that_is_not_draft(alice, status) -> None:
    request = RequestFactory(owner=alice, status=status)

    with pytest.raises(RequestNotDraft) as excinfo:
        request_submit(owner=alice, request_id=request.pk)

    assert excinfo.value.code == "invalid_state" and excinfo.value.status_code == 409
    assert not ModeratorTask.objects.exists()


def test_submit_of_another_buyers_request_is_not_found(alice, bob) -> None:
    request = RequestFactory(owner=alice)

    with pytest.raises(RequestNotFound) as excinfo:
        request_submit(owner=bob, request_id=request.pk)

    assert isinstance(excinfo.value, NotFound)
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_confirm_once_and_open_one_task(alice) -> None:
    request = request_create(owner=alice, keys=keys(1))
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit() -> None:
        barrier.wait()
        try:
            request_submit(owner=alice, request_id=request.pk)
            outcomes.append("ok")
        except RequestNotDraft:
            outcomes.append("invalid_state")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["invalid_state"] * 3 + ["ok"]
    assert ModeratorTask.objects.filter(request=request).count() == 1


# --- mark processing -----------------------------------------------------------------------------------------


def test_mark_processing_changes_a_confirmed_request_once() -> None:
    request = RequestFactory(status=RequestStatus.CONFIRMED)

    assert request_mark_processing(request_id=request.pk) is True
    assert request_mark_processing(request_id=request.pk) is False
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.DONE])
def test_mark_processing_leaves_other_states_alone(status) -> None:
    request = RequestFactory(status=status)

    assert request_mark_processing(request_id=request.pk) is False
    request.refresh_from_db()
    assert request.status == status


# --- create from a file --------------------------------------------------------------------------------------


def test_create_from_file_keeps_the_file_as_the_requests_attachment(alice) -> None:
    outcome = request_create_from_file(owner=alice, uploaded_file=upload("keys_ru_header.xlsx"), title="Из Excel")

    request = Request.objects.get(pk=outcome.request.pk)
    assert outcome.imported == request.keys.count() > 0
    assert (request.title, request.status, request.source_filename) == ("Из Excel", "draft", "keys_ru_header.xlsx")
    attachment = request.source_attachment
    assert attachment.owner == alice and attachment.original_filename == "keys_ru_header.xlsx"
    assert attachment.size_bytes == (FILES / "keys_ru_header.xlsx").stat().st_size


def test_create_from_file_cleans_the_stored_name(alice) -> None:
    outcome = request_create_from_file(owner=alice, uploaded_file=upload("keys_utf8.csv"))
    weird = SimpleUploadedFile("..\\..\\evil\u202e/Заявка.csv", (FILES / "keys_utf8.csv").read_bytes())

    other = request_create_from_file(owner=alice, uploaded_file=weird)

    assert outcome.request.source_filename == "keys_utf8.csv"
    assert "/" not in other.request.source_filename and "\u202e" not in other.request.source_filename
    assert other.request.source_filename.endswith("Заявка.csv")


def test_create_from_file_reports_unreadable_rows_by_number_and_creates_nothing(alice) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        request_create_from_file(owner=alice, uploaded_file=upload("keys_bad_rows.xlsx"))

    assert error_locs(excinfo) == [("uploaded_file", "row", row) for row in (3, 4, 5, 7, 8, 9)]
    assert not Request.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("name", ["keys.exe", "not_really.xlsx"])
def test_create_from_file_refuses_unsupported_files(alice, name) -> None:
    content = (FILES / "not_really.xlsx").read_bytes()

    with pytest.raises(UnsupportedMediaType):
        request_create_from_file(owner=alice, uploaded_file=upload(name, content))

    assert not Request.objects.exists() and not Attachment.objects.exists()


def test_create_from_file_refuses_an_empty_file(alice) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        request_create_from_file(owner=alice, uploaded_file=upload("keys.csv", b""))

    assert error_locs(excinfo) == [("uploaded_file",)]


@override_settings(IMPORT_MAX_BYTES=100)
def test_create_from_file_refuses_a_file_over_the_import_limit(alice) -> None:
    with pytest.raises(PayloadTooLarge):
        request_create_from_file(owner=alice, uploaded_file=upload("keys.txt", "Болт М10\n".encode() * 20))

    assert not Request.objects.exists()
