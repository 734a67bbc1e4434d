"""HTTP behaviour of the personal INN blacklist (two users) and the moderators' domain blacklist."""

import pytest

from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry
from core.testing import company_inn

pytestmark = pytest.mark.django_db

INNS = "/api/v1/user/blacklist-inn"
DOMAINS = "/api/v1/moderator/blacklist/domains"


# --- personal INN blacklist -----------------------------------------------------------------


def test_inn_endpoints_need_a_token(anon_client) -> None:
    assert anon_client.get(INNS).status_code == 401
    assert anon_client.post(INNS, {"inn": "7707083893"}, format="json").status_code == 401
    assert anon_client.delete(f"{INNS}/7707083893").status_code == 401


def test_readd_updates_the_reason(alice_client) -> None:
    alice_client.post(INNS, {"inn": "7707083893", "reason": "one"}, format="json")
    alice_client.post(INNS, {"inn": "7707083893", "reason": "two"}, format="json")
    items = alice_client.get(INNS).json()["items"]
    assert [(item["inn"], item["reason"]) for item in items] == [("7707083893", "two")]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"inn": "7707083894"},
        {"inn": "770708389"},
        {"inn": "77070838ab"},
        {"inn": "0000000000"},
        {"inn": "7707083893", "reason": "x" * 501},
    ],
)
def test_add_validation_errors_are_422(alice_client, body) -> None:
    response = alice_client.post(INNS, body, format="json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"
    assert not InnBlacklistEntry.objects.exists()


def test_lists_are_per_user(alice, alice_client, bob_client) -> None:
    alice_client.post(INNS, {"inn": "7707083893"}, format="json")
    assert bob_client.get(INNS).json() == {"items": [], "limit": 200, "offset": 0, "total": 0}
    assert bob_client.delete(f"{INNS}/7707083893").status_code == 404
    assert InnBlacklistEntry.objects.filter(owner=alice, inn="7707083893").exists()


def test_pagination_bounds_and_real_total(alice, alice_client) -> None:
    for n in range(7):
        InnBlacklistEntry.objects.create(owner=alice, inn=company_inn(1000 + n))
    body = alice_client.get(INNS, {"limit": 3, "offset": 5}).json()
    assert (len(body["items"]), body["total"]) == (2, 7)
    assert alice_client.get(INNS, {"limit": 500}).status_code == 200
    for params in [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"}]:
        assert alice_client.get(INNS, params).status_code == 422


def test_delete_with_a_malformed_inn_is_422(alice_client) -> None:
    response = alice_client.delete(f"{INNS}/123")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "inn"]


# --- global domain blacklist ----------------------------------------------------------------


def test_domain_endpoints_are_for_moderators(alice_client) -> None:
    assert alice_client.get(DOMAINS).status_code == 403
    assert alice_client.post(DOMAINS, {"domain": "bad.ru"}, format="json").status_code == 403
    DomainBlacklistEntry.objects.create(domain="bad.ru")
    assert alice_client.delete(f"{DOMAINS}/bad.ru").status_code == 403
    assert DomainBlacklistEntry.objects.filter(domain="bad.ru").exists()


@pytest.mark.parametrize(
    "body", [{}, {"domain": ""}, {"domain": "ru"}, {"domain": "10.0.0.1"}, {"domain": "bad.ru", "url": "https://x.ru"}]
)
def test_domain_add_validation(moderator_client, body) -> None:
    assert moderator_client.post(DOMAINS, body, format="json").status_code == 422
    assert not DomainBlacklistEntry.objects.exists()


def test_domain_list_and_delete_any_spelling(moderator_client) -> None:
    for domain in ["b.ru", "a.ru", "пример.рф"]:
        moderator_client.post(DOMAINS, {"domain": domain}, format="json")
    body = moderator_client.get(DOMAINS, {"limit": 2}).json()
    assert body["total"] == 3 and body["limit"] == 2
    assert [item["domain"] for item in body["items"]] == ["a.ru", "b.ru"]
    assert moderator_client.get(DOMAINS).json()["limit"] == 200
    assert moderator_client.get(DOMAINS, {"limit": 501}).status_code == 422
    assert moderator_client.delete(f"{DOMAINS}/WWW.A.RU.").json() == {"success": True}
    assert moderator_client.delete(f"{DOMAINS}/shop.пример.рф").json() == {"success": True}
    assert moderator_client.delete(f"{DOMAINS}/a.ru").status_code == 404
    assert list(DomainBlacklistEntry.objects.values_list("domain", flat=True)) == ["b.ru"]
