"""upload-and-create answers what it skipped, honours `sheet`, keeps extra columns as `note`; upload-preview
answers the same without storing anything."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.models import Attachment
from requests_app.models import Request, RequestKey

CORPUS = Path(__file__).parent / "files" / "corpus"


def post(client, path: str, name: str, **fields: str):
    data = (CORPUS / name).read_bytes()
    return client.post(f"/api/v1/user/{path}", {"file": SimpleUploadedFile(name, data), **fields})


def expected(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_upload_answers_the_skipped_rows_as_warnings(alice, alice_client) -> None:
    response = post(alice_client, "upload-and-create", "xlsx_totals_and_signatures.xlsx")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["message"] == "2 keys imported"
    assert [w["type"] for w in body["warnings"]] == expected("xlsx_totals_and_signatures.xlsx")["warnings"]
    assert all(set(w) == {"row", "sheet", "msg", "type"} and w["msg"] for w in body["warnings"])
    assert all(isinstance(w["row"], int) for w in body["warnings"])
    keys = RequestKey.objects.filter(request_id=body["requestid"]).order_by("pos")
    assert [key.text for key in keys] == ["Кран шаровый Ду15", "Кран шаровый Ду20"]


@pytest.mark.django_db
def test_extra_columns_are_kept_as_the_keys_note_and_shown_in_the_detail(alice_client) -> None:
    created = post(alice_client, "upload-and-create", "xlsx_extra_columns.xlsx").json()

    detail = alice_client.get(f"/api/v1/user/requests/{created['requestid']}").json()

    assert [key["note"] for key in detail["keys"]] == [k["note"] for k in expected("xlsx_extra_columns.xlsx")["keys"]]


@pytest.mark.django_db
def test_the_cover_sheet_is_passed_over_and_named_in_a_warning(alice_client) -> None:
    wanted = expected("xlsx_cover_sheet.xlsx")

    body = post(alice_client, "upload-preview", "xlsx_cover_sheet.xlsx").json()

    assert body["sheet"] == wanted["sheet"] and body["sheets"] == wanted["sheets"]
    assert "skipped_sheets" in [w["type"] for w in body["warnings"]]
    assert [key["text"] for key in body["keys"]] == [key["text"] for key in wanted["keys"]]


@pytest.mark.django_db
def test_sheet_picks_the_sheet_by_number_or_name(alice_client) -> None:
    sheets = expected("xlsx_cover_sheet.xlsx")["sheets"]

    by_number = post(alice_client, "upload-preview", "xlsx_cover_sheet.xlsx", sheet="1")
    by_name = post(alice_client, "upload-preview", "xlsx_cover_sheet.xlsx", sheet=sheets[0])

    assert by_number.status_code == by_name.status_code
    if by_number.status_code == 200:  # the cover letter itself reads as one key
        assert by_number.json()["sheet"] == by_name.json()["sheet"] == sheets[0]
    else:
        assert by_number.json() == by_name.json()


@pytest.mark.django_db
def test_an_unknown_sheet_is_422_listing_the_sheets_and_stores_nothing(alice_client) -> None:
    response = post(alice_client, "upload-and-create", "xlsx_cover_sheet.xlsx", sheet="Нет такого")

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "sheet"] and error["type"] == "unknown_sheet"
    assert all(name in error["msg"] for name in expected("xlsx_cover_sheet.xlsx")["sheets"])
    assert not Request.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_preview_answers_keys_and_warnings_and_stores_nothing(alice_client) -> None:
    wanted = expected("xlsx_extra_columns.xlsx")

    response = post(alice_client, "upload-preview", "xlsx_extra_columns.xlsx", title="ignored")

    assert response.status_code == 200
    body = response.json()
    assert body["filename"] == "xlsx_extra_columns.xlsx"
    assert [(k["pos"], k["text"], k["unit"], k["note"]) for k in body["keys"]] == [
        (k["pos"], k["text"], k["unit"], k["note"]) for k in wanted["keys"]
    ]
    assert [None if k["qty"] is None else float(k["qty"]) for k in wanted["keys"]] == [k["qty"] for k in body["keys"]]
    assert not Request.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_preview_refuses_what_upload_refuses(alice_client) -> None:
    bad = alice_client.post(
        "/api/v1/user/upload-preview", {"file": SimpleUploadedFile("keys.xlsx", b"not a zip at all")}
    )
    empty = alice_client.post("/api/v1/user/upload-preview", {"file": SimpleUploadedFile("keys.txt", b"")})

    assert bad.status_code == 415 and bad.json()["code"]
    assert empty.status_code == 422


@pytest.mark.django_db
def test_preview_needs_a_login(anon_client) -> None:
    response = post(anon_client, "upload-preview", "xlsx_extra_columns.xlsx")

    assert response.status_code == 401


@pytest.mark.django_db
def test_json_keys_carry_a_note_and_a_long_note_is_422(alice_client) -> None:
    keys = [{"pos": 1, "text": "Подшипник 6205", "note": "  SKF или аналог  "}, {"pos": 2, "text": "Болт"}]

    created = alice_client.post("/api/v1/user/requests", {"keys": keys}, format="json").json()
    too_long = alice_client.post(
        "/api/v1/user/requests", {"keys": [{"pos": 1, "text": "x", "note": "я" * 1001}]}, format="json"
    )

    detail = alice_client.get(f"/api/v1/user/requests/{created['requestid']}").json()
    assert [key["note"] for key in detail["keys"]] == ["SKF или аналог", None]
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", "keys", 0, "note"]
