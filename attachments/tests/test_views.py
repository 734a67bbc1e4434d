"""HTTP behaviour of /api/v1/user/attachments*: streamed upload, limits, scoping, download headers."""

import hashlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from attachments.models import Attachment
from attachments.tests import samples
from attachments.tests.factories import AttachmentFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/user/attachments"
DTO_FIELDS = {
    "id",
    "title",
    "originalfilename",
    "contenttype",
    "sizebytes",
    "sha256",
    "storagekey",
    "isdeleted",
    "createdat",
}


def detail_url(attachment_id: int) -> str:
    return f"{LIST_URL}/{attachment_id}"


def download_url(attachment_id: int) -> str:
    return f"{LIST_URL}/{attachment_id}/download"


def upload(client: APIClient, name: str, content: bytes, **fields: str):
    return client.post(LIST_URL, {"file": SimpleUploadedFile(name, content), **fields}, format="multipart")


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# --- upload ----------------------------------------------------------------------------------


def test_upload_returns_the_dto_and_stores_the_bytes(alice, alice_client, attachment_storage, upload_tmp_dir) -> None:
    content = samples.pdf_bytes("offer")
    response = upload(alice_client, "offer.pdf", content, title="Commercial offer")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == DTO_FIELDS
    digest = hashlib.sha256(content).hexdigest()
    assert body["title"] == "Commercial offer"
    assert body["originalfilename"] == "offer.pdf"
    assert body["contenttype"] == "application/pdf"
    assert body["sizebytes"] == len(content)
    assert body["sha256"] == digest
    assert body["storagekey"] == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert body["isdeleted"] is False
    assert Attachment.objects.get(pk=body["id"]).owner == alice
    assert (attachment_storage / body["storagekey"]).read_bytes() == content
    assert files_under(upload_tmp_dir) == []  # the temporary file was moved into storage


def test_upload_without_title_has_null_title(alice_client) -> None:
    response = upload(alice_client, "notes.txt", "Фланец Ду100\n".encode())
    assert response.status_code == 200
    assert response.json()["title"] is None
    assert response.json()["contenttype"] == "text/plain"


def test_upload_keeps_a_cyrillic_name(alice_client) -> None:
    response = upload(alice_client, "Спецификация.pdf", samples.pdf_bytes())
    assert response.status_code == 200
    assert response.json()["originalfilename"] == "Спецификация.pdf"


def test_upload_of_the_same_bytes_twice_makes_two_records_and_one_file(alice_client, attachment_storage) -> None:
    first = upload(alice_client, "a.csv", b"a,b\n").json()
    second = upload(alice_client, "b.csv", b"a,b\n").json()
    assert first["id"] != second["id"]
    assert first["storagekey"] == second["storagekey"]
    assert len(files_under(attachment_storage)) == 1


def test_upload_over_the_limit_streams_then_aborts_with_413_and_leaves_no_temp_file(
    alice_client, settings, attachment_storage, upload_tmp_dir
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100_000
    response = upload(alice_client, "big.txt", b"x" * 150_000)  # small enough to pass the Content-Length check

    assert response.status_code == 413
    assert response.json() == {"detail": response.json()["detail"], "code": "payload_too_large"}
    assert files_under(upload_tmp_dir) == []
    assert files_under(attachment_storage) == []
    assert not Attachment.objects.exists()


def test_upload_announcing_a_huge_body_is_refused_before_reading(
    alice_client, settings, attachment_storage, upload_tmp_dir
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = upload(alice_client, "big.txt", b"x" * 200_000)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert files_under(upload_tmp_dir) == []
    assert not Attachment.objects.exists()


def test_upload_exactly_at_the_limit_is_accepted(alice_client, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 70_000
    assert upload(alice_client, "edge.txt", b"y" * 70_000).status_code == 200


def test_upload_of_an_empty_file_is_422(alice_client, upload_tmp_dir) -> None:
    response = upload(alice_client, "empty.pdf", b"")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert not Attachment.objects.exists()
    assert files_under(upload_tmp_dir) == []


def test_upload_without_a_file_is_422(alice_client) -> None:
    response = alice_client.post(LIST_URL, {"title": "no file"}, format="multipart")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


def test_upload_with_a_too_long_title_is_422(alice_client) -> None:
    response = upload(alice_client, "a.txt", b"hello\n", title="t" * 256)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "title"]


def test_upload_as_json_is_415(alice_client) -> None:
    response = alice_client.post(LIST_URL, {"file": "aGVsbG8="}, format="json")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("picture.pdf", samples.png_bytes()),
        ("manual.pdf", samples.elf_bytes()),
        ("manual.pdf", samples.pe_bytes()),
        ("setup.exe", samples.pe_bytes()),
        ("notes.png", b"plain text pretending to be an image\n"),
    ],
)
def test_upload_of_a_disallowed_or_mismatched_type_is_415(
    alice_client, attachment_storage, upload_tmp_dir, name: str, content: bytes
) -> None:
    response = upload(alice_client, name, content)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not Attachment.objects.exists()
    assert files_under(attachment_storage) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.png", samples.png_bytes(), "image/png"),
        (
            "letter.docx",
            samples.docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("prices.xlsx", samples.xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("bundle.zip", samples.plain_zip_bytes(), "application/zip"),
        ("old.xls", samples.ole_bytes(), "application/vnd.ms-excel"),
    ],
)
def test_upload_stores_the_sniffed_content_type_not_the_clients(alice_client, name, content, content_type) -> None:
    response = alice_client.post(
        LIST_URL,
        {"file": SimpleUploadedFile(name, content, content_type="text/html")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["contenttype"] == content_type


def test_upload_strips_path_parts_and_bidi_from_the_name(alice_client) -> None:
    uploaded = SimpleUploadedFile("x.txt", b"hello\n")
    uploaded.name = "invoice\u202eexe.txt"
    response = alice_client.post(LIST_URL, {"file": uploaded}, format="multipart")
    assert response.status_code == 200
    assert response.json()["originalfilename"] == "invoiceexe.txt"


def test_anonymous_upload_is_401_and_stores_nothing(anon_client, upload_tmp_dir) -> None:
    response = upload(anon_client, "a.txt", b"hello\n")
    assert response.status_code == 401
    assert not Attachment.objects.exists()
    assert files_under(upload_tmp_dir) == []


# --- list / get / delete -------------------------------------------------------------------------


def test_list_is_paginated_own_live_and_newest_first(alice, bob, alice_client, bob_client) -> None:
    oldest = AttachmentFactory(owner=alice)
    middle = AttachmentFactory(owner=alice)
    newest = AttachmentFactory(owner=alice)
    AttachmentFactory(owner=alice, is_deleted=True)
    bobs = AttachmentFactory(owner=bob)

    body = alice_client.get(LIST_URL, {"limit": 2, "offset": 0}).json()
    assert body["total"] == 3 and body["limit"] == 2 and body["offset"] == 0
    assert [item["id"] for item in body["items"]] == [newest.pk, middle.pk]
    assert set(body["items"][0]) == DTO_FIELDS
    assert [item["id"] for item in alice_client.get(LIST_URL, {"offset": 2}).json()["items"]] == [oldest.pk]
    assert [item["id"] for item in bob_client.get(LIST_URL).json()["items"]] == [bobs.pk]


def test_list_uses_few_queries(alice, alice_client, django_assert_max_num_queries) -> None:
    for _ in range(5):
        AttachmentFactory(owner=alice)
    with django_assert_max_num_queries(3):
        assert alice_client.get(LIST_URL).status_code == 200


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "x"}])
def test_list_with_bad_bounds_is_422(alice_client, params) -> None:
    response = alice_client.get(LIST_URL, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_get_own_attachment(alice, alice_client) -> None:
    attachment = AttachmentFactory(owner=alice, title="Drawing")
    response = alice_client.get(detail_url(attachment.pk))
    assert response.status_code == 200
    assert response.json()["id"] == attachment.pk
    assert response.json()["title"] == "Drawing"


def test_get_another_users_attachment_is_404(alice, bob_client) -> None:
    attachment = AttachmentFactory(owner=alice)
    response = bob_client.get(detail_url(attachment.pk))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_get_deleted_attachment_is_404(alice, alice_client) -> None:
    attachment = AttachmentFactory(owner=alice, is_deleted=True)
    assert alice_client.get(detail_url(attachment.pk)).status_code == 404


def test_delete_is_soft_and_repeatable(alice, alice_client) -> None:
    attachment = AttachmentFactory(owner=alice)
    for _ in range(2):
        response = alice_client.delete(detail_url(attachment.pk))
        assert response.status_code == 200
        assert response.json() == {"success": True, "message": "Deleted"}
    attachment.refresh_from_db()
    assert attachment.is_deleted
    assert alice_client.get(LIST_URL).json()["total"] == 0
    assert alice_client.get(download_url(attachment.pk)).status_code == 404


def test_delete_of_another_users_attachment_is_404_and_changes_nothing(alice, bob_client) -> None:
    attachment = AttachmentFactory(owner=alice)
    response = bob_client.delete(detail_url(attachment.pk))
    assert response.status_code == 404
    attachment.refresh_from_db()
    assert not attachment.is_deleted


def test_delete_of_an_unknown_id_is_404(alice_client) -> None:
    assert alice_client.delete(detail_url(999_999)).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LIST_URL), ("get", detail_url(1)), ("delete", detail_url(1)), ("get", download_url(1))],
)
def test_anonymous_requests_are_401(anon_client, method: str, path: str) -> None:
    response = getattr(anon_client, method)(path)
    assert response.status_code == 401


# --- download --------------------------------------------------------------------------------


def test_download_streams_the_file_with_safe_headers(alice, alice_client) -> None:
    content = samples.pdf_bytes("Спецификация")
    attachment = AttachmentFactory(owner=alice, filename="Спецификация.pdf", content=content)

    response = alice_client.get(download_url(attachment.pk))

    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{attachment.sha256}"'
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"file.pdf\"; filename*=UTF-8''{quote('Спецификация.pdf')}"
    )
    assert "%D0%A1%D0%BF%D0%B5%D1%86" in response["Content-Disposition"]


def test_download_of_an_ascii_name_keeps_it_in_both_parameters(alice, alice_client) -> None:
    attachment = AttachmentFactory(owner=alice, filename="price list.csv", content=b"a;b\n")
    response = alice_client.get(download_url(attachment.pk))
    assert (
        response["Content-Disposition"] == "attachment; filename=\"price list.csv\"; filename*=UTF-8''price%20list.csv"
    )
    assert response["Content-Type"] == "text/csv"
    response.close()


@pytest.mark.parametrize("header", ['"{sha}"', 'W/"{sha}"', '"other", "{sha}"', "*"])
def test_download_answers_304_when_the_etag_matches(alice, alice_client, header: str) -> None:
    attachment = AttachmentFactory(owner=alice)
    response = alice_client.get(download_url(attachment.pk), HTTP_IF_NONE_MATCH=header.format(sha=attachment.sha256))
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == f'"{attachment.sha256}"'


def test_download_with_a_stale_etag_sends_the_file(alice, alice_client) -> None:
    attachment = AttachmentFactory(owner=alice, content=b"fresh\n")
    response = alice_client.get(download_url(attachment.pk), HTTP_IF_NONE_MATCH='"0000"')
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"fresh\n"


def test_download_of_another_users_attachment_is_404(alice, bob_client) -> None:
    attachment = AttachmentFactory(owner=alice)
    response = bob_client.get(download_url(attachment.pk))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_download_of_another_users_attachment_with_its_etag_is_still_404(alice, bob_client) -> None:
    attachment = AttachmentFactory(owner=alice)
    response = bob_client.get(download_url(attachment.pk), HTTP_IF_NONE_MATCH=f'"{attachment.sha256}"')
    assert response.status_code == 404


@pytest.mark.parametrize("accept", ["application/pdf", "application/octet-stream", "text/html"])
def test_download_ignores_a_specific_accept_header(alice, alice_client, accept: str) -> None:
    attachment = AttachmentFactory(owner=alice, filename="offer.pdf", content=samples.pdf_bytes())
    response = alice_client.get(download_url(attachment.pk), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    response.close()
