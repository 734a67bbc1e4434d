"""The moderator console pages of the blacklists."""

import pytest

from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry

pytestmark = pytest.mark.django_db
DOMAINS = "/admin/blacklist/domainblacklistentry/"
INNS = "/admin/blacklist/innblacklistentry/"


def _urls(rows: list[dict]) -> dict:
    data = {"urls-TOTAL_FORMS": str(len(rows)), "urls-INITIAL_FORMS": "0", "urls-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data.update({f"urls-{index}-{key}": value for key, value in row.items()})
    return data


def test_duplicate_or_public_suffix_domain_is_refused(admin_client) -> None:
    DomainBlacklistEntry.objects.create(domain="bad.ru")
    for domain in ["WWW.BAD.RU", "ru"]:
        response = admin_client.post(f"{DOMAINS}add/", {"domain": domain, **_urls([])})
        assert response.status_code == 200
    assert DomainBlacklistEntry.objects.count() == 1


def test_inn_lists_are_read_only(admin_client, alice) -> None:
    entry = InnBlacklistEntry.objects.create(owner=alice, inn="7707083893", reason="r")
    listing = admin_client.get(INNS, {"q": "7707083893"})
    assert listing.status_code == 200 and list(listing.context["cl"].result_list) == [entry]
    assert admin_client.get(f"{INNS}add/").status_code == 403
    assert admin_client.post(f"{INNS}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert InnBlacklistEntry.objects.filter(pk=entry.pk).exists()


def _entry_form(domain: str, urls: list[str]) -> dict:
    data = {
        "domain": domain,
        "comment": "",
        "urls-TOTAL_FORMS": str(len(urls)),
        "urls-INITIAL_FORMS": "0",
        "urls-MIN_NUM_FORMS": "0",
        "urls-MAX_NUM_FORMS": "1000",
    }
    data.update({f"urls-{index}-url": url for index, url in enumerate(urls)})
    return data


def test_example_urls_must_lie_under_the_root(console) -> None:
    refused = console.post("/admin/blacklist/domainblacklistentry/add/", _entry_form("spam.ru", ["https://other.ru/x"]))
    accepted = console.post(
        "/admin/blacklist/domainblacklistentry/add/", _entry_form("https://www.spam.ru/", ["https://shop.spam.ru/a"])
    )

    assert refused.status_code == 200
    assert "The URL is not under spam.ru." in refused.content.decode()
    assert accepted.status_code == 302
    entry = DomainBlacklistEntry.objects.get()
    assert (entry.domain, [u.url for u in entry.urls.all()]) == ("spam.ru", ["https://shop.spam.ru/a"])
