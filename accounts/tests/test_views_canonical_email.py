"""Issue 13.1: a code only ever logs in the mailbox it was mailed to — look-alike addresses take over nobody.

Before the fix ``x@gmaıl.test`` (dotless ı) was mailed to ``xn--gmal-nza.test`` but looked up with a database
case-insensitive match, and PostgreSQL's ``UPPER('ı')`` is ``I``: the attacker's code logged in ``x@gmail.test``.
"""

import pytest
from django.contrib.auth import authenticate

from accounts.models import OtpChallenge, User

from .conftest import REQUEST_URL, VERIFY_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(make_user) -> User:
    return make_user("x@gmail.test")


@pytest.fixture
def victim_moderator(make_user) -> User:
    return make_user("admin@mail.test", moderator=True)


def _assert_other_user(body: dict, victim: User, email: str) -> None:
    assert body["user"]["email"] == email
    assert body["user"]["id"] != victim.id
    assert body["user"]["ismoderator"] is False
    assert User.objects.get(pk=victim.pk).email == victim.email


@pytest.mark.parametrize("attack", ["x@gmaıl.test", "X@GMAıL.TEST", "x@xn--gmal-nza.test"])
def test_dotless_i_domain_gets_its_own_mailbox_and_never_the_victims_token(
    victim, ask_code, verify, mailoutbox, attack
):
    code = ask_code(attack)
    assert mailoutbox[-1].to == ["x@xn--gmal-nza.test"]

    response = verify(attack, code)

    assert response.status_code == 200
    _assert_other_user(response.json(), victim, "x@xn--gmal-nza.test")


def test_dotless_i_attack_on_a_moderator_yields_a_plain_buyer(victim_moderator, ask_code, verify, mailoutbox):
    code = ask_code("admin@maıl.test")
    assert mailoutbox[-1].to == ["admin@xn--mal-kua.test"]

    response = verify("admin@maıl.test", code)

    assert response.status_code == 200
    _assert_other_user(response.json(), victim_moderator, "admin@xn--mal-kua.test")


def test_a_code_mailed_to_the_look_alike_does_not_verify_the_victim(victim, ask_code, verify):
    code = ask_code("x@gmaıl.test")
    response = verify("x@gmail.test", code)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_code"


@pytest.mark.parametrize(
    "spelling",
    ["ALICE@Example.COM", "alice@example.com", "ａｌｉｃｅ@example.com", "  Alice@EXAMPLE.com "],
)
def test_spellings_of_the_same_mailbox_are_mailed_to_and_log_in_its_owner(
    make_user, ask_code, verify, mailoutbox, spelling
):
    alice = make_user("alice@example.com")
    code = ask_code(spelling)
    assert mailoutbox[-1].to == ["alice@example.com"]
    response = verify("alice@example.com", code)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == alice.id


@pytest.mark.parametrize(
    ("spelling", "mailbox"),
    [
        ("ſam@gmail.test", "sam@gmail.test"),
        ("\u212aate@gmail.test", "kate@gmail.test"),
        ("ｘ@ｇｍａｉｌ.test", "x@gmail.test"),
    ],
)
def test_compatibility_letters_mail_the_code_to_the_plain_mailbox(
    make_user, ask_code, verify, mailoutbox, spelling, mailbox
):
    """Long ſ, the Kelvin sign and fullwidth letters are the plain address: only its owner gets the code."""
    owner = make_user(mailbox)
    code = ask_code(spelling)
    assert mailoutbox[-1].to == [mailbox]
    response = verify(spelling, code)
    assert response.json()["user"]["id"] == owner.id
    assert OtpChallenge.objects.get().email == mailbox


def test_upper_case_idn_is_one_mailbox_in_punycode(ask_code, verify, mailoutbox):
    code = ask_code("X@ПРИМЕР.ТЕСТ")
    assert mailoutbox[-1].to == ["x@xn--e1afmkfd.xn--e1aybc"]
    response = verify("x@пример.тест", code)
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "x@xn--e1afmkfd.xn--e1aybc"


@pytest.mark.parametrize(
    "attack",
    [
        "x@gmail.test.",  # trailing dot
        "x@gmаil.test",  # Cyrillic а in a Latin label
        "x@xn--gmil-63d.test",  # the same, as punycode
        "xı@gmail.test",  # dotless ı in the local part: PostgreSQL's UPPER made it "XI@GMAIL.TEST"
        "admın@mail.test",
        "ß@gmail.test",
    ],
)
@pytest.mark.parametrize("url", [REQUEST_URL, VERIFY_URL])
def test_unusable_look_alikes_are_422_and_nothing_is_mailed(
    victim, victim_moderator, anon_client, mailoutbox, url, attack
):
    response = anon_client.post(url, {"email": attack, "code": "123456"}, format="json")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "email"]
    assert error["type"] == "value_error"
    assert not OtpChallenge.objects.exists()
    assert mailoutbox == []


def test_limits_count_every_spelling_of_one_mailbox_together(ask_code, anon_client):
    ask_code("kate@gmail.test")
    response = anon_client.post(REQUEST_URL, {"email": "\u212aATE@ＧＭＡＩＬ.test"}, format="json")
    assert response.status_code == 429


def test_password_login_uses_the_canonical_form_exactly(make_user):
    moderator = make_user("admin@mail.test", moderator=True)
    moderator.set_password("pw-for-tests")
    moderator.save(update_fields=["password"])
    assert authenticate(username="ADMIN@Mail.Test", password="pw-for-tests") == moderator
    assert authenticate(username="admin@maıl.test", password="pw-for-tests") is None
    assert authenticate(username="admın@mail.test", password="pw-for-tests") is None


def test_users_are_stored_in_the_canonical_form():
    user = User.objects.create_user("\u212aate@ПРИМЕР.ТЕСТ")
    assert user.email == "kate@xn--e1afmkfd.xn--e1aybc"
    assert User.objects.get_by_natural_key("KATE@пример.тест") == user
