"""The UserRequests endpoints over HTTP: shapes, errors, ownership and query counts."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from attachments.models import Attachment
from requests_app.models import ModeratorTask, Request, RequestKey, RequestStatus
from requests_app.tests.factories import (
    KeySupplierLinkFactory,
    RequestFactory,
    RequestKeyFactory,
    make_request_with_keys,
)

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parent / "files"
URL = "/api/v1/user/requests"


def key(pos: int, text: str = "Болт М10", **extra: object) -> dict[str, object]:
    return {"pos": pos, "text": text, **extra}


def locs(response) -> list[list[object]]:
    assert response.status_code == 422, response.content
    return [item["loc"] for item in response.json()["detail"]]


def upload(client, name: str, content: bytes | None = None, **fields: str):
    data = (FILES / name).read_bytes() if content is None else content
    return client.post("/api/v1/user/upload-and-create", {"file": SimpleUploadedFile(name, data), **fields})


# --- create --------------------------------------------------------------------------------------------------


def test_create_answers_the_contract_shape(alice, alice_client) -> None:
    body = {"title": "Фланцы", "keys": [key(1, "Фланец Д100", qty=2.5, unit="шт"), key(2, "Труба 57х3,5")]}

    response = alice_client.post(URL, body, format="json")

    assert response.status_code == 200, response.content
    request = Request.objects.get(owner=alice)
    assert response.json() == {
        "success": True,
        "requestid": request.pk,
        "filename": None,
        "status": "draft",
        "message": None,
    }
    assert list(request.keys.values_list("pos", "qty", "unit")) == [(1, Decimal("2.5"), "шт"), (2, None, None)]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([], [["body", "keys"]]),
        ([key(pos) for pos in range(1, 2002)], [["body", "keys"]]),
        ([key(1), key(2), key(3), key(2)], [["body", "keys", 3, "pos"]]),
        ([key(1), key(2, "   ")], [["body", "keys", 1, "text"]]),
        ([key(1, "x" * 1001)], [["body", "keys", 0, "text"]]),
        ([key(0)], [["body", "keys", 0, "pos"]]),
        ([key(1, qty=0)], [["body", "keys", 0, "qty"]]),
        ([key(1, qty="abc")], [["body", "keys", 0, "qty"]]),
        ([key(1, unit="u" * 33)], [["body", "keys", 0, "unit"]]),
        ([{"text": "no pos"}], [["body", "keys", 0, "pos"]]),
    ],
    ids=["empty", "2001", "dup-pos", "blank", "long", "pos0", "qty0", "qty-junk", "unit", "no-pos"],
)
def test_create_with_bad_keys_answers_422_pointing_at_the_key(alice_client, keys, expected) -> None:
    response = alice_client.post(URL, {"keys": keys}, format="json")

    assert locs(response) == expected
    assert not Request.objects.exists()


def test_create_accepts_two_thousand_keys(alice_client) -> None:
    response = alice_client.post(URL, {"keys": [key(pos) for pos in range(1, 2001)]}, format="json")

    assert response.status_code == 200
    assert RequestKey.objects.filter(request_id=response.json()["requestid"]).count() == 2000


def test_create_needs_a_token(anon_client) -> None:
    response = anon_client.post(URL, {"keys": [key(1)]}, format="json")

    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


# --- list ----------------------------------------------------------------------------------------------------


def test_list_shows_own_requests_newest_first_with_keys_count(alice, bob, alice_client) -> None:
    old = make_request_with_keys(2, owner=alice, title=None, source_filename="keys.xlsx")
    new = make_request_with_keys(3, owner=alice, status=RequestStatus.CONFIRMED)
    make_request_with_keys(1, owner=bob)

    response = alice_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["limit"], body["offset"], body["total"]) == (50, 0, 2)
    assert [(item["id"], item["keyscount"], item["status"]) for item in body["items"]] == [
        (new.pk, 3, "confirmed"),
        (old.pk, 2, "draft"),
    ]
    assert body["items"][1] == {
        "id": old.pk,
        "title": None,
        "filename": "keys.xlsx",
        "status": "draft",
        "createdat": body["items"][1]["createdat"],
        "updatedat": body["items"][1]["updatedat"],
        "deadline": None,
        "closedat": None,
        "keyscount": 2,
    }
    assert body["items"][1]["createdat"].startswith(str(old.created_at.year))


def test_list_paginates_and_filters_by_status(alice, alice_client) -> None:
    for _ in range(3):
        RequestFactory(owner=alice)
    confirmed = RequestFactory(owner=alice, status=RequestStatus.CONFIRMED)

    page = alice_client.get(URL, {"limit": 2, "offset": 2}).json()
    filtered = alice_client.get(URL, {"status": "confirmed"}).json()

    assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (2, 4, 2, 2)
    assert [item["id"] for item in filtered["items"]] == [confirmed.pk] and filtered["total"] == 1


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ({"status": "archived"}, ["query", "status"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"offset": -1}, ["query", "offset"]),
    ],
)
def test_list_refuses_bad_query_parameters(alice_client, query, loc) -> None:
    assert locs(alice_client.get(URL, query)) == [loc]


def test_list_page_of_50_takes_at_most_4_queries_whatever_the_keys(
    alice, alice_client, django_assert_max_num_queries
) -> None:
    for n in range(55):
        make_request_with_keys(n % 7 * 40, owner=alice)

    with django_assert_max_num_queries(4):
        response = alice_client.get(URL)

    items = response.json()["items"]
    assert len(items) == 50
    assert sorted({item["keyscount"] for item in items}) == [0, 40, 80, 120, 160, 200, 240]


# --- detail --------------------------------------------------------------------------------------------------


def test_detail_answers_keys_by_pos_with_qty_as_a_number(alice, alice_client) -> None:
    request = RequestFactory(owner=alice, title="T", source_filename="a.csv")
    RequestKeyFactory(request=request, pos=2, text="Труба", normalized_text="труба", qty=None, unit=None)
    first = RequestKeyFactory(request=request, pos=1, text="Фланец Д100", qty=Decimal("2.5"), unit="шт")

    body = alice_client.get(f"{URL}/{request.pk}").json()

    assert {k: body[k] for k in ("id", "title", "filename", "status")} == {
        "id": request.pk,
        "title": "T",
        "filename": "a.csv",
        "status": "draft",
    }
    assert "createdat" in body and "updatedat" in body
    assert body["keys"][0] == {
        "id": first.pk,
        "pos": 1,
        "rawtext": "Фланец Д100",
        "normalizedtext": "фланец d100",
        "qty": 2.5,
        "unit": "шт",
        "note": None,
        "suppliers": [],
    }
    assert [(k["pos"], k["qty"], k["unit"]) for k in body["keys"]] == [(1, 2.5, "шт"), (2, None, None)]


# --- replace keys --------------------------------------------------------------------------------------------


def test_replace_keys_answers_the_new_detail(alice, alice_client) -> None:
    request = make_request_with_keys(3, owner=alice)

    response = alice_client.put(f"{URL}/{request.pk}/keys", {"keys": [key(5, "Кабель", qty="1,5")]}, format="json")
    assert locs(response) == [["body", "keys", 0, "qty"]]

    response = alice_client.put(f"{URL}/{request.pk}/keys", {"keys": [key(5, "Кабель", qty="1.5")]}, format="json")
    assert response.status_code == 200
    assert [(k["pos"], k["rawtext"], k["qty"]) for k in response.json()["keys"]] == [(5, "Кабель", 1.5)]
    assert list(request.keys.values_list("pos", flat=True)) == [5]


def test_replace_keys_of_a_submitted_request_answers_409(alice, alice_client) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)

    response = alice_client.put(f"{URL}/{request.pk}/keys", {"keys": [key(1)]}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "request_not_editable"


# --- submit --------------------------------------------------------------------------------------------------


def test_submit_confirms_and_counts_matched_suppliers(alice, alice_client) -> None:
    request = make_request_with_keys(2, owner=alice)
    KeySupplierLinkFactory(key=request.keys.first())

    response = alice_client.post(f"{URL}/{request.pk}/submit")

    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["requestid"], body["newstatus"], body["matchedsuppliers"]) == (
        True,
        request.pk,
        "confirmed",
        1,
    )
    assert ModeratorTask.objects.filter(request=request, status="pending").exists()
    second = alice_client.post(f"{URL}/{request.pk}/submit")
    assert second.status_code == 409 and second.json()["code"] == "invalid_state"


# --- upload-and-create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "keys_ru_header.xlsx",
        "keys_en_header.xlsx",
        "keys_headerless.xlsx",
        "keys_utf8.csv",
        "keys_utf8_bom.csv",
        "keys_cp1251.csv",
        "keys_comma.csv",
        "keys_plain.txt",
        "keys_pipes.txt",
        "keys_table.docx",
        "keys_paragraphs.docx",
        "keys_text.pdf",
    ],
)
def test_upload_and_create_imports_every_supported_format(alice, alice_client, name) -> None:
    response = upload(alice_client, name, title="Импорт")

    assert response.status_code == 200, response.content
    body = response.json()
    request = Request.objects.get(pk=body["requestid"])
    count = request.keys.count()
    assert count > 0
    warnings = body.pop("warnings")
    assert body == {
        "success": True,
        "requestid": request.pk,
        "filename": name,
        "status": "draft",
        "message": f"{count} keys imported",
    }
    assert isinstance(warnings, list) and all(set(w) == {"row", "sheet", "msg", "type"} for w in warnings)
    assert request.source_attachment.original_filename == name and request.source_attachment.owner == alice
    assert request.title == "Импорт"


def test_upload_and_create_reads_decimal_commas_and_normalises(alice_client) -> None:
    content = "№;Наименование;Ед.;Кол-во\n1;Фланец  плоский Д100;шт;2,5\n".encode("cp1251")

    body = upload(alice_client, "заявка.csv", content).json()

    keys = alice_client.get(f"{URL}/{body['requestid']}").json()["keys"]
    assert [(k["rawtext"], k["normalizedtext"], k["qty"], k["unit"]) for k in keys] == [
        ("Фланец плоский Д100", "фланец плоский d100", 2.5, "шт")
    ]
    assert body["filename"] == "заявка.csv"


def test_upload_and_create_reads_excel_unicode_text_in_utf16(alice_client) -> None:
    content = "№\tНаименование\tЕд.\tКол-во\r\n1\tЁрш для труб Ø50\tшт\t3\r\n".encode("utf-16")

    response = upload(alice_client, "unicode.txt", content)

    assert response.status_code == 200, response.content
    keys = alice_client.get(f"{URL}/{response.json()['requestid']}").json()["keys"]
    assert [(k["rawtext"], k["normalizedtext"], k["qty"]) for k in keys] == [
        ("Ёрш для труб Ø50", "ерш для труб d50", 3)
    ]


def test_upload_and_create_names_the_unreadable_rows_and_creates_nothing(alice_client) -> None:
    response = upload(alice_client, "keys_bad_rows.xlsx")

    assert locs(response) == [["body", "file", "row", row] for row in (3, 4, 5, 7, 8, 9)]
    assert all(item["msg"] for item in response.json()["detail"])
    assert not Request.objects.exists() and not Attachment.objects.exists()


def test_upload_and_create_refuses_more_than_2000_keys(alice_client) -> None:
    workbook = Workbook()
    for pos in range(1, 2002):
        workbook.active.append([pos, f"Болт М{pos}", "шт", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(alice_client, "big.xlsx", buffer.getvalue())

    assert locs(response) == [["body", "file", "row", 2001]]
    assert not Request.objects.exists()


@pytest.mark.parametrize(("name", "source"), [("keys.exe", "keys_plain.txt"), ("fake.xlsx", "not_really.xlsx")])
def test_upload_and_create_refuses_unsupported_types_with_415(alice_client, name, source) -> None:
    response = upload(alice_client, name, (FILES / source).read_bytes())

    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    assert not Request.objects.exists() and not Attachment.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1000)
def test_upload_and_create_refuses_a_file_over_the_limit_with_413(alice_client) -> None:
    response = upload(alice_client, "keys.txt", "Болт М10\n".encode() * 200)

    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    ("data", "loc"), [({}, ["body", "file"]), ({"file": SimpleUploadedFile("e.csv", b"")}, ["body", "file"])]
)
def test_upload_and_create_without_a_file_or_with_an_empty_one_answers_422(alice_client, data, loc) -> None:
    response = alice_client.post("/api/v1/user/upload-and-create", data)

    assert locs(response) == [loc]


# --- ownership -----------------------------------------------------------------------------------------------


ROUTES = [
    ("get", "{url}/{id}", None),
    ("put", "{url}/{id}/keys", {"keys": [{"pos": 1, "text": "bob was here"}]}),
    ("post", "{url}/{id}/submit", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[route[1] for route in ROUTES])
def test_another_buyers_request_is_not_found_and_unchanged(alice, bob_client, method, path, body) -> None:
    request = make_request_with_keys(2, owner=alice)
    before = list(RequestKey.objects.values_list("id", "pos", "text"))

    response = getattr(bob_client, method)(path.format(url=URL, id=request.pk), body, format="json")

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    refreshed = Request.objects.get(pk=request.pk)
    assert (refreshed.status, refreshed.updated_at) == (RequestStatus.DRAFT, request.updated_at)
    assert list(RequestKey.objects.values_list("id", "pos", "text")) == before
    assert not ModeratorTask.objects.exists()
    listed = bob_client.get(URL).json()
    assert listed["total"] == 0
