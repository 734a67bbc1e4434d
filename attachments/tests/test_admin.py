"""Admin: read-only list with search and filter; staff-only download of any file."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import UserFactory
from attachments.tests.factories import AttachmentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/attachments/attachment/"


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(email="root@platform.example", superuser=True)


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_changelist_shows_owner_size_hash_and_deleted_flag(admin_client, alice) -> None:
    attachment = AttachmentFactory(owner=alice, filename="Спецификация.txt", content=b"hello admin\n")
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Спецификация.txt" in page
    assert alice.email in page
    assert attachment.sha256[:12] in page
    assert str(attachment.size_bytes) in page


@pytest.mark.parametrize("query", ["owner_email", "sha256", "filename"])
def test_changelist_search_by_owner_email_hash_and_name(admin_client, alice, bob, query: str) -> None:
    wanted = AttachmentFactory(owner=alice, filename="wanted-offer.txt", content=b"wanted\n")
    other = AttachmentFactory(owner=bob, filename="other-thing.txt", content=b"other\n")
    term = {"owner_email": alice.email, "sha256": wanted.sha256, "filename": "wanted-offer"}[query]
    page = admin_client.get(CHANGELIST, {"q": term}).content.decode()
    assert "wanted-offer.txt" in page
    assert other.original_filename not in page


def test_changelist_filters_deleted(admin_client, alice) -> None:
    AttachmentFactory(owner=alice, filename="alive.txt")
    AttachmentFactory(owner=alice, filename="gone.txt", is_deleted=True)
    page = admin_client.get(CHANGELIST, {"is_deleted__exact": "1"}).content.decode()
    assert "gone.txt" in page
    assert "alive.txt" not in page


def test_admin_is_read_only(admin_client, alice) -> None:
    attachment = AttachmentFactory(owner=alice)
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    detail = admin_client.get(f"{CHANGELIST}{attachment.pk}/change/")
    assert detail.status_code == 200
    assert b'name="original_filename"' not in detail.content
    response = admin_client.post(f"{CHANGELIST}{attachment.pk}/change/", {"original_filename": "renamed.txt"})
    assert response.status_code == 403
    assert admin_client.post(f"{CHANGELIST}{attachment.pk}/delete/", {"post": "yes"}).status_code == 403
    attachment.refresh_from_db()
    assert attachment.original_filename != "renamed.txt"


def test_staff_may_download_any_file_including_deleted_ones(admin_client, alice) -> None:
    attachment = AttachmentFactory(owner=alice, filename="Спецификация.txt", content=b"admin copy\n", is_deleted=True)
    response = admin_client.get(f"{CHANGELIST}{attachment.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"admin copy\n"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_admin_download_of_an_unknown_id_is_404(admin_client) -> None:
    assert admin_client.get(f"{CHANGELIST}999999/download/").status_code == 404


def test_buyers_cannot_use_the_admin_download(alice, bob) -> None:
    attachment = AttachmentFactory(owner=alice)
    client = Client()
    client.force_login(bob)
    response = client.get(f"{CHANGELIST}{attachment.pk}/download/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_view_permission_cannot_download(alice) -> None:
    attachment = AttachmentFactory(owner=alice)
    staff = UserFactory(email="helpdesk@platform.example", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(f"{CHANGELIST}{attachment.pk}/download/").status_code == 403
