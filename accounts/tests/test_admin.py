"""The moderator console: users with role and policy; OTP challenges read-only and without codes."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client

from accounts.models import OtpChallenge, OtpFailureStreak, User

from .factories import OtpChallengeFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"
CHALLENGES = "/admin/accounts/otpchallenge/"
STREAKS = "/admin/accounts/otpfailurestreak/"
# The profile inline's management form, with its one form left empty (nothing saved).
NO_PROFILE = {
    "profile-TOTAL_FORMS": "1",
    "profile-INITIAL_FORMS": "0",
    "profile-MIN_NUM_FORMS": "0",
    "profile-MAX_NUM_FORMS": "1",
}


@pytest.fixture
def staff_client() -> Client:
    admin = UserFactory(email="root@platform.example", password="pw-for-admin-tests", superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def test_user_list_shows_role_and_policy_without_a_query_per_row(
    staff_client, make_user, django_assert_max_num_queries
):
    make_user("mod@platform.example", moderator=True)
    for n in range(15):
        UserFactory(email=f"buyer{n}@buyer.example", emailpolicy="allowdelete" if n % 2 else "appendonly")
    with django_assert_max_num_queries(8):
        response = staff_client.get(USERS)
    assert response.status_code == 200
    rows = {user.email: user for user in response.context["cl"].result_list}
    assert rows["mod@platform.example"].role_is_moderator is True
    assert rows["buyer1@buyer.example"].role_is_moderator is False
    html = response.content.decode()
    assert "moderator" in html and "buyer" in html and "Allow delete" in html


def test_staff_without_the_group_is_not_a_moderator(staff_client):
    UserFactory(email="staff@platform.example", is_staff=True)
    response = staff_client.get(USERS, {"q": "staff@platform"})
    [row] = response.context["cl"].result_list
    assert row.role_is_moderator is False


def test_user_search_by_email(staff_client):
    UserFactory(email="findme@buyer.example")
    UserFactory(email="other@buyer.example")
    response = staff_client.get(USERS, {"q": "findme"})
    assert [u.email for u in response.context["cl"].result_list] == ["findme@buyer.example"]


def test_user_filters_by_policy_and_active(staff_client):
    UserFactory(email="a@buyer.example", emailpolicy="allowdelete")
    UserFactory(email="b@buyer.example", is_active=False)
    by_policy = staff_client.get(USERS, {"emailpolicy__exact": "allowdelete"}).context["cl"].result_list
    assert [u.email for u in by_policy] == ["a@buyer.example"]
    inactive = staff_client.get(USERS, {"is_active__exact": "0"}).context["cl"].result_list
    assert [u.email for u in inactive] == ["b@buyer.example"]


def test_admin_creates_a_user_by_email_without_a_password(staff_client):
    data = {"email": "New.Person@Buyer.Example", "usable_password": "false", "password1": "", "password2": ""}
    response = staff_client.post(f"{USERS}add/", data)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@buyer.example")
    assert not user.has_usable_password()


def test_admin_refuses_a_duplicate_email_in_another_case(staff_client):
    UserFactory(email="dup@buyer.example")
    response = staff_client.post(f"{USERS}add/", {"email": "DUP@buyer.example", "usable_password": "false"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_admin_edits_a_users_policy(staff_client):
    user = UserFactory(email="edit@buyer.example")
    page = staff_client.get(f"{USERS}{user.pk}/change/")
    assert page.status_code == 200
    data = {"email": user.email, "emailpolicy": "allowdelete", "is_active": "on", **NO_PROFILE}
    response = staff_client.post(f"{USERS}{user.pk}/change/", data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.emailpolicy == "allowdelete"


def test_otp_challenges_are_listed_and_shown_without_any_code(staff_client):
    challenge = OtpChallengeFactory(email="otp@buyer.example", code="314159")
    listing = staff_client.get(CHALLENGES)
    detail = staff_client.get(f"{CHALLENGES}{challenge.pk}/change/")
    assert listing.status_code == detail.status_code == 200
    for page in (listing, detail):
        html = page.content.decode()
        assert "otp@buyer.example" in html
        assert challenge.code_hmac not in html
        assert "314159" not in html
        assert "code_hmac" not in html and "Code hmac" not in html


def test_otp_challenges_are_read_only(staff_client):
    challenge = OtpChallengeFactory(email="otp@buyer.example")
    assert staff_client.get(f"{CHALLENGES}add/").status_code == 403
    response = staff_client.post(f"{CHALLENGES}{challenge.pk}/change/", {"email": "x@y.example", "attempts": 0})
    assert response.status_code == 403
    assert staff_client.post(f"{CHALLENGES}{challenge.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OtpChallenge.objects.get().email == "otp@buyer.example"


def test_otp_challenges_are_searchable_by_email(staff_client):
    OtpChallengeFactory(email="one@buyer.example")
    OtpChallengeFactory(email="two@buyer.example")
    result = staff_client.get(CHALLENGES, {"q": "two@"}).context["cl"].result_list
    assert [c.email for c in result] == ["two@buyer.example"]


def test_streak_list_opens(staff_client, verify):
    verify("locked@buyer.example", "000000")
    response = staff_client.get(STREAKS)
    assert response.status_code == 200
    assert "locked@buyer.example" in response.content.decode()
    assert "OTP failure streaks (address locks)" in response.content.decode()


def test_a_streak_is_read_only_but_deleting_it_unlocks_the_address(staff_client, verify):
    verify("locked@buyer.example", "000000")
    streak = OtpFailureStreak.objects.get()
    assert staff_client.get(f"{STREAKS}add/").status_code == 403
    assert staff_client.post(f"{STREAKS}{streak.pk}/change/", {"failures": 0}).status_code == 403
    assert OtpFailureStreak.objects.get().failures == streak.failures
    assert staff_client.post(f"{STREAKS}{streak.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not OtpFailureStreak.objects.exists()


def test_createsuperuser_works_with_an_email(monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-pass-phrase")
    call_command("createsuperuser", "--noinput", "--email", "Root@Platform.Example", verbosity=0)

    user = User.objects.get()
    assert (user.email, user.is_superuser, user.is_staff, user.is_moderator) == (
        "root@platform.example",
        True,
        True,
        True,
    )
    assert authenticate(email="root@platform.example", password="a-long-admin-pass-phrase") == user
    client = Client()
    assert client.login(email=user.email, password="a-long-admin-pass-phrase")
    assert client.get("/admin/").status_code == 200


def test_admin_stores_the_canonical_form_and_compares_it_exactly(staff_client):
    response = staff_client.post(f"{USERS}add/", {"email": "X@ПРИМЕР.ТЕСТ", "usable_password": "false"})
    assert response.status_code == 302
    assert User.objects.filter(email="x@xn--e1afmkfd.xn--e1aybc").exists()
    UserFactory(email="kate@buyer.example")
    duplicate = staff_client.post(f"{USERS}add/", {"email": "\u212aATE@buyer.example", "usable_password": "false"})
    assert "already exists" in duplicate.content.decode()


def test_admin_refuses_a_mixed_script_domain(staff_client):
    response = staff_client.post(f"{USERS}add/", {"email": "x@gmаil.test", "usable_password": "false"})
    assert response.status_code == 200
    assert "mixes alphabets" in response.content.decode()
    assert not User.objects.filter(email__startswith="x@").exists()


def test_token_records_are_listed_read_only_without_the_token(staff_client, console) -> None:
    """simplejwt's records in the console: labels in Russian, the jti shown, the refresh token (a credential) never;
    no add, change or delete; moderators do not see them."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = RefreshToken.for_user(UserFactory(email="buyer@example.com"))
    refresh.blacklist()
    outstanding = OutstandingToken.objects.get(jti=refresh["jti"])
    for model, pk in ((OutstandingToken, outstanding.pk), (BlacklistedToken, outstanding.blacklistedtoken.pk)):
        base = f"/admin/token_blacklist/{model._meta.model_name}/"
        listing = staff_client.get(base, HTTP_ACCEPT_LANGUAGE="ru")
        page = staff_client.get(f"{base}{pk}/change/", HTTP_ACCEPT_LANGUAGE="ru")
        for answer in (listing, page):
            text = answer.content.decode().lower()  # headers and labels are capitalised
            assert answer.status_code == 200
            assert refresh["jti"] in text and "buyer@example.com" in text and str(refresh).lower() not in text
            assert "идентификатор токена (jti)" in text and "выдан" in text
        assert 'name="_save"' not in page.content.decode()
        assert staff_client.get(f"{base}add/").status_code == 403
        assert staff_client.post(f"{base}{pk}/delete/", {"post": "yes"}).status_code == 403
        assert console.get(base).status_code == 403
    assert OutstandingToken.objects.count() == BlacklistedToken.objects.count() == 1
