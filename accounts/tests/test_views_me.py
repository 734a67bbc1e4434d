"""GET /auth/me and PUT /auth/policy: each user sees and changes only their own record."""

import pytest

from accounts.models import User

from .conftest import ME_URL, POLICY_URL

pytestmark = pytest.mark.django_db


def test_me_answers_the_callers_own_record(alice, bob, alice_client, bob_client):
    assert alice_client.get(ME_URL).json()["email"] == "alice@buyer.example"
    me = bob_client.get(ME_URL).json()
    assert me == {
        "id": bob.id,
        "email": "bob@buyer.example",
        "emailpolicy": "appendonly",
        "ismoderator": False,
        "createdat": me["createdat"],
        "profile": {
            "companyname": None,
            "companyinn": None,
            "contactname": None,
            "phone": None,
            "signature": None,
            "defaultsubject": None,
            "defaultbody": None,
            "language": None,
        },
    }


def test_moderator_is_flagged(moderator_client):
    assert moderator_client.get(ME_URL).json()["ismoderator"] is True


def test_me_and_policy_need_a_token(anon_client):
    assert anon_client.get(ME_URL).status_code == 401
    assert anon_client.put(POLICY_URL, {"emailpolicy": "allowdelete"}, format="json").status_code == 401


def test_policy_changes_only_the_callers_record(alice, bob, alice_client, bob_client):
    response = alice_client.put(POLICY_URL, {"emailpolicy": "allowdelete"}, format="json")
    assert response.status_code == 200
    assert response.json()["emailpolicy"] == "allowdelete"
    assert response.json()["id"] == alice.id
    assert alice_client.get(ME_URL).json()["emailpolicy"] == "allowdelete"
    assert bob_client.get(ME_URL).json()["emailpolicy"] == "appendonly"
    assert User.objects.get(pk=bob.pk).emailpolicy == "appendonly"

    assert bob_client.put(POLICY_URL, {"emailpolicy": "appendonly"}, format="json").status_code == 200
    assert User.objects.get(pk=alice.pk).emailpolicy == "allowdelete"


@pytest.mark.parametrize("body", [{"emailpolicy": "deleteall"}, {"emailpolicy": ""}, {}, {"emailpolicy": None}])
def test_an_unknown_policy_is_422_and_nothing_changes(alice, alice_client, body):
    response = alice_client.put(POLICY_URL, body, format="json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "emailpolicy"]
    assert User.objects.get(pk=alice.pk).emailpolicy == "appendonly"
