"""Fields that are not inputs (owner, status, ids, role, policy) sent in bodies change nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import User
from attachments.models import Attachment
from blacklist.models import InnBlacklistEntry
from requests_app.models import Request, RequestKey, RequestStatus
from tests.security.world import PDF_BYTES, World

FOREIGN = {"owner": None, "owner_id": None, "ownerid": None, "user": None, "userid": None}


def _foreign(bob: User) -> dict[str, object]:
    return dict.fromkeys(FOREIGN, bob.pk)


def test_request_create_ignores_owner_status_and_id(alice: User, bob: User, alice_client: APIClient) -> None:
    body = {
        **_foreign(bob),
        "id": 999_999,
        "requestid": 999_999,
        "status": "done",
        "createdat": "2001-01-01T00:00:00Z",
        "keys": [{"pos": 1, "text": "Фланец Д100", "id": 999_999, "request": 1}],
    }

    response = alice_client.post("/api/v1/user/requests", body, format="json")

    assert response.status_code == 200, response.content
    created = Request.objects.get(pk=response.json()["requestid"])
    assert created.pk != 999_999
    assert created.owner == alice
    assert created.status == RequestStatus.DRAFT
    assert created.created_at.year > 2001
    assert not Request.objects.filter(owner=bob).exists()
    assert RequestKey.objects.get(request=created).pk != 999_999


def test_keys_update_ignores_status_and_owner(world: World, bob: User, alice: User, alice_client: APIClient) -> None:
    draft = Request.objects.get(pk=world.draft_id)
    body = {**_foreign(bob), "status": "confirmed", "keys": [{"pos": 1, "text": "Болт М8"}]}

    response = alice_client.put(f"/api/v1/user/requests/{draft.pk}/keys", body, format="json")

    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert (draft.status, draft.owner) == (RequestStatus.DRAFT, alice)


def test_policy_update_cannot_grant_moderator_or_change_identity(alice: User, alice_client: APIClient) -> None:
    body = {
        "emailpolicy": "allowdelete",
        "ismoderator": True,
        "is_staff": True,
        "is_superuser": True,
        "email": "boss@platform.example",
        "id": 1,
    }

    response = alice_client.put("/api/v1/auth/policy", body, format="json")

    assert response.status_code == 200, response.content
    alice = User.objects.get(pk=alice.pk)
    assert alice.emailpolicy == "allowdelete"  # the one input
    assert (alice.is_moderator, alice.is_staff, alice.is_superuser) == (False, False, False)
    assert alice.email == "alice@buyer.example"
    assert alice_client.get("/api/v1/auth/me").json()["ismoderator"] is False


def test_policy_is_not_an_input_elsewhere(alice: User, alice_client: APIClient) -> None:
    body = {"emailpolicy": "allowdelete", "ismoderator": True, "keys": [{"pos": 1, "text": "Болт"}]}
    assert alice_client.post("/api/v1/user/requests", body, format="json").status_code == 200
    alice = User.objects.get(pk=alice.pk)
    assert not alice.is_moderator
    assert alice.emailpolicy == "appendonly"


def test_blacklist_entry_belongs_to_the_caller(alice: User, bob: User, alice_client: APIClient) -> None:
    body = {**_foreign(bob), "inn": "7707083893", "id": 999_999}

    response = alice_client.post("/api/v1/user/blacklist-inn", body, format="json")

    assert response.status_code == 200, response.content
    entry = InnBlacklistEntry.objects.get(inn="7707083893")
    assert entry.owner == alice
    assert entry.pk != 999_999


def test_attachment_upload_belongs_to_the_caller(alice: User, bob: User, alice_client: APIClient) -> None:
    upload = SimpleUploadedFile("offer.pdf", PDF_BYTES, content_type="application/pdf")
    body = {"file": upload, "owner": bob.pk, "ownerid": bob.pk, "id": 999_999, "sha256": "0" * 64}

    response = alice_client.post("/api/v1/user/attachments", body, format="multipart")

    assert response.status_code == 200, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.owner == alice
    assert attachment.pk != 999_999
    assert not Attachment.objects.filter(owner=bob).exists()
