"""Domain decisions: a moderator's verdict on a root domain, its answer and its effects on cards and blacklist."""

from datetime import datetime
from urllib.parse import quote

import pytest

from blacklist.models import DomainBlacklistEntry, DomainBlacklistUrl
from blacklist.services import domain_blacklist_add
from core.errors import ValidationFailed
from suppliers.checko import CHECKO_OFF_MESSAGE
from suppliers.decisions import CardData, domain_decide, domain_url_add
from suppliers.models import DomainDecision, DomainUrl, Supplier, SupplierDomain
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db

CARDS = "/api/v1/moderator/suppliers"
BLACKLIST = "/api/v1/moderator/blacklist/domains"
ROOT = "romashka.ru"


def _url(domain: str) -> str:
    return f"/api/v1/moderator/domains/{quote(domain, safe='')}/decision"


def _carddata(**overrides) -> dict:
    body = {
        "inn": "7707083893",
        "name": "Romashka LLC",
        "email": "sales@romashka-mail.ru",
        "emails": ["info@romashka-mail.ru"],
        "phone": "+7 495 123-45-67",
        "comment": "met at the fair",
    }
    body.update(overrides)
    return body


def _decide(client, status: str, domain: str = ROOT, **body):
    return client.post(_url(domain), {"status": status, **body}, format="json")


def _nothing_written() -> None:
    assert not DomainDecision.objects.exists()
    assert not Supplier.objects.exists()
    assert not DomainUrl.objects.exists()
    assert not DomainBlacklistEntry.objects.exists()


# --- reading and the domain in the path -----------------------------------------------------


def test_get_without_a_decision_is_404(moderator_client) -> None:
    domain_url_add(domain=ROOT, url="https://romashka.ru/catalog")  # URLs seen, but no verdict yet
    response = moderator_client.get(_url(ROOT))
    assert response.status_code == 404
    assert response.json() == {"detail": "No decision has been made for this domain.", "code": "not_found"}


@pytest.mark.parametrize("domain", ["not a domain", "localhost", "ru", "co.uk", "127.0.0.1", "bad_label-.ru"])
def test_invalid_domain_is_422_on_get_and_post(moderator_client, domain) -> None:
    for response in (moderator_client.get(_url(domain)), _decide(moderator_client, "pending", domain)):
        assert response.status_code == 422, response.json()
        [error] = response.json()["detail"]
        assert error["loc"] == ["path", "domain"]
        assert error["type"] == "value_error" and error["msg"]
    _nothing_written()


def test_domain_in_any_form_is_stored_and_answered_as_its_root(moderator_client) -> None:
    response = _decide(moderator_client, "pending", "WWW.Shop.Example.RU.")
    assert response.status_code == 200, response.json()
    assert response.json()["domain"] == "example.ru"
    assert list(DomainDecision.objects.values_list("domain", flat=True)) == ["example.ru"]
    for spelling in ["example.ru", "shop.example.ru", "EXAMPLE.RU", "www.shop.example.ru."]:
        again = moderator_client.get(_url(spelling))
        assert again.status_code == 200, spelling
        assert again.json() == response.json()


def test_a_full_url_in_the_path_is_answered_as_its_root(moderator_client) -> None:
    response = moderator_client.post(
        "/api/v1/moderator/domains/https://www.Shop.Example.ru/catalog/decision", {"status": "pending"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["domain"] == "example.ru"
    assert moderator_client.get("/api/v1/moderator/domains/http://example.ru/decision").json()["domain"] == "example.ru"


def test_service_takes_a_full_url_and_stores_its_root(moderator) -> None:
    decision = domain_decide(domain="https://www.Shop.Example.ru/path?x=1", status="pending", moderator=moderator)
    assert decision.domain == "example.ru"
    assert DomainDecision.objects.get().domain == "example.ru"


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["supplier", "reseller"])
@pytest.mark.parametrize("extra", [{}, {"carddata": None}])
def test_card_decision_without_carddata_is_422_and_writes_nothing(moderator_client, status, extra) -> None:
    response = _decide(moderator_client, status, **extra)
    assert response.status_code == 422, response.json()
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "carddata"],
                "msg": "A supplier or reseller decision needs the card data.",
                "type": "invalid",
            }
        ]
    }
    _nothing_written()


def test_service_refuses_a_card_decision_without_card_data(moderator) -> None:
    with pytest.raises(ValidationFailed) as caught:
        domain_decide(domain=ROOT, status="supplier", moderator=moderator)
    assert [loc for loc, _, _ in caught.value.errors] == [("card",)]  # the view maps it to body.carddata
    _nothing_written()


@pytest.mark.parametrize("inn", ["7707083894", "123", "77070838931", "abcdefghij"])
def test_invalid_carddata_inn_is_422(moderator_client, inn) -> None:
    response = _decide(moderator_client, "supplier", carddata=_carddata(inn=inn))
    assert response.status_code == 422, response.json()
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "carddata", "inn"]]
    _nothing_written()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"status": "wholesaler"}, ["body", "status"]),
        ({}, ["body", "status"]),
        ({"status": "supplier", "carddata": _carddata(email="not-an-email")}, ["body", "carddata", "email"]),
        ({"status": "supplier", "carddata": _carddata(name="")}, ["body", "carddata", "name"]),
        ({"status": "pending", "comment": "x" * 2001}, ["body", "comment"]),
    ],
)
def test_other_body_errors_are_422(moderator_client, body, loc) -> None:
    response = moderator_client.post(_url(ROOT), body, format="json")
    assert response.status_code == 422, response.json()
    assert response.json()["detail"][0]["loc"] == loc
    _nothing_written()


def test_service_refuses_an_invalid_inn_with_the_card_path(moderator) -> None:
    with pytest.raises(ValidationFailed) as caught:
        card = CardData(inn="7707083894", name="X", email="a@x.ru")
        domain_decide(domain=ROOT, status="supplier", card=card, moderator=moderator)
    assert [loc for loc, _, _ in caught.value.errors] == [("card", "inn")]  # → body.carddata.inn
    _nothing_written()


# --- supplier / reseller --------------------------------------------------------------------


def test_supplier_decision_creates_a_card_with_the_home_page(moderator_client, moderator, checko_off) -> None:
    response = _decide(moderator_client, "supplier", "Www.Romashka.RU", carddata=_carddata(), comment=" ok ")
    assert response.status_code == 200, response.json()
    body = response.json()
    supplier = Supplier.objects.get()
    assert body["supplierid"] == supplier.pk
    assert body["card"] == moderator_client.get(f"{CARDS}/{supplier.pk}").json()
    card = body["card"]
    assert (card["type"], card["inn"], card["name"]) == ("supplier", "7707083893", "Romashka LLC")
    assert (card["email"], card["emails"]) == ("sales@romashka-mail.ru", ["info@romashka-mail.ru"])
    assert (card["phone"], card["comment"]) == ("+7 495 123-45-67", "met at the fair")
    assert card["checkoerror"] == CHECKO_OFF_MESSAGE
    assert card["urls"] == ["https://romashka.ru"]  # no URL seen yet: the home page (normalised, no "/")
    assert (body["domain"], body["status"], body["comment"]) == (ROOT, "supplier", "ok")
    assert body["urls"] == ["https://romashka.ru"]
    assert set(body) == {"domain", "status", "decisionat", "supplierid", "card", "comment", "urls"}
    assert set(SupplierDomain.objects.filter(supplier=supplier).values_list("root_domain", flat=True)) == {
        ROOT,
        "romashka-mail.ru",
    }
    decision = DomainDecision.objects.get()
    assert (decision.supplier_id, decision.decided_by) == (supplier.pk, moderator)
    assert moderator_client.get(_url(ROOT)).json() == body


def test_supplier_decision_gives_the_card_the_recorded_urls(moderator_client, checko_off) -> None:
    domain_url_add(domain=ROOT, url="https://www.romashka.ru/catalog")
    domain_url_add(domain="spb.romashka.ru", url="HTTPS://Spb.Romashka.ru:443/")
    domain_url_add(domain=ROOT, url="https://www.romashka.ru/catalog")  # idempotent
    domain_url_add(domain="other.ru", url="https://other.ru/x")  # another root's URL is not ours
    response = _decide(moderator_client, "supplier", carddata=_carddata())
    assert response.status_code == 200, response.json()
    expected = ["https://www.romashka.ru/catalog", "https://spb.romashka.ru"]
    assert response.json()["card"]["urls"] == expected
    assert response.json()["urls"] == expected
    assert not DomainUrl.objects.filter(url="https://romashka.ru").exists()  # no home page invented
    assert moderator_client.get(f"{CARDS}/{response.json()['supplierid']}").json()["urls"] == expected


def test_second_decision_with_an_existing_inn_updates_that_card_and_merges_urls(moderator_client, checko_off) -> None:
    existing = SupplierFactory(inn="7707083893", name="Old name", phone="+7 000", emails=["old@romashka-mail.ru"])
    SupplierSiteFactory(supplier=existing, url="https://old-romashka.ru")
    domain_url_add(domain=ROOT, url="https://romashka.ru/shop")
    response = _decide(
        moderator_client, "supplier", carddata={"inn": "77 0708 3893", "name": "New name", "email": "new@romashka.ru"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["supplierid"] == existing.pk
    assert Supplier.objects.count() == 1
    card = moderator_client.get(f"{CARDS}/{existing.pk}").json()
    assert response.json()["card"] == card
    assert card["urls"] == ["https://old-romashka.ru", "https://romashka.ru/shop"]
    assert (card["name"], card["email"]) == ("New name", "new@romashka.ru")
    assert (card["phone"], card["emails"]) == ("+7 000", ["old@romashka-mail.ru"])  # not given: kept

    # the next domain for the same company adds its URL and keeps both earlier sites
    again = _decide(moderator_client, "supplier", "romashka-shop.ru", carddata=_carddata())
    assert again.status_code == 200, again.json()
    assert again.json()["supplierid"] == existing.pk
    assert again.json()["card"]["urls"] == [
        "https://old-romashka.ru",
        "https://romashka.ru/shop",
        "https://romashka-shop.ru",
    ]
    assert Supplier.objects.count() == 1


def test_reseller_decision_sets_type_reseller(moderator_client, checko_off) -> None:
    created = _decide(moderator_client, "reseller", carddata=_carddata())
    assert created.status_code == 200, created.json()
    assert created.json()["status"] == "reseller" and created.json()["card"]["type"] == "reseller"
    assert Supplier.objects.get().type == "reseller"

    supplier = SupplierFactory(inn="7736207543", type="supplier")
    updated = _decide(moderator_client, "reseller", "lutik.ru", carddata=_carddata(inn="7736207543"))
    assert updated.status_code == 200, updated.json()
    assert updated.json()["supplierid"] == supplier.pk
    assert Supplier.objects.get(pk=supplier.pk).type == "reseller"
    back = _decide(moderator_client, "supplier", "lutik.ru", carddata=_carddata(inn="7736207543"))
    assert back.json()["card"]["type"] == "supplier"
    assert Supplier.objects.get(pk=supplier.pk).type == "supplier"


def test_card_decision_on_a_blacklisted_root_is_409_and_creates_no_card(moderator_client, moderator) -> None:
    _decide(moderator_client, "pending", comment="look later")
    domain_blacklist_add(domain="www.romashka.ru", comment="spam")
    for status in ("supplier", "reseller"):
        response = _decide(moderator_client, status, "shop.romashka.ru", carddata=_carddata())
        assert response.status_code == 409, response.json()
        assert response.json() == {
            "detail": "This domain is in the global blacklist; remove it from there first.",
            "code": "domain_blacklisted",
            "domain": ROOT,
        }
    assert not Supplier.objects.exists()
    assert not DomainUrl.objects.exists()  # the home page recorded inside the refused decision is rolled back
    decision = DomainDecision.objects.get()
    assert (decision.status, decision.comment, decision.supplier_id) == ("pending", "look later", None)


def test_a_root_on_another_suppliers_card_is_409_duplicate_domain_naming_that_card(
    moderator_client, checko_off
) -> None:
    # Before issue 21 a second card silently got the same root (any of its URLs not on the first card).
    owner = SupplierFactory(inn="7702070139", name="Owner LLC")
    SupplierSiteFactory(supplier=owner, url="https://romashka.ru/catalog")
    domain_url_add(domain=ROOT, url="https://romashka.ru/new")
    response = _decide(moderator_client, "supplier", carddata=_carddata())
    assert response.status_code == 409, response.json()
    assert response.json() == {
        "detail": "The domain romashka.ru already belongs to the card “Owner LLC” (INN 7702070139).",
        "code": "duplicate_domain",
        "domain": ROOT,
        "existingsupplier": {"supplierid": owner.pk, "name": "Owner LLC", "urls": ["https://romashka.ru/catalog"]},
    }
    assert list(Supplier.objects.values_list("pk", flat=True)) == [owner.pk]
    assert not DomainDecision.objects.exists()


def test_a_root_on_another_card_is_refused_for_a_reseller_and_an_existing_card_too(
    moderator_client, checko_off
) -> None:
    owner = SupplierFactory(inn="7702070139")
    SupplierSiteFactory(supplier=owner, url="https://romashka.ru")  # as the services store it
    other = SupplierFactory(inn="7707083893")  # the INN of the card data: an existing, different card
    response = _decide(moderator_client, "reseller", carddata=_carddata())
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "duplicate_domain"
    assert response.json()["existingsupplier"]["supplierid"] == owner.pk
    assert not other.sites.exists()
    assert not DomainDecision.objects.exists() and not DomainUrl.objects.exists()


def test_the_card_that_holds_the_root_may_be_decided_again(moderator_client, checko_off) -> None:
    owner = SupplierFactory(inn="7707083893")
    SupplierSiteFactory(supplier=owner, url="https://romashka.ru")
    response = _decide(moderator_client, "supplier", carddata=_carddata())
    assert response.status_code == 200, response.json()
    assert response.json()["supplierid"] == owner.pk


def test_an_e_mail_under_the_root_does_not_make_a_card_hold_it(moderator_client, checko_off) -> None:
    SupplierFactory(inn="7702070139", email="sales@romashka.ru")  # no site under the root
    response = _decide(moderator_client, "supplier", carddata=_carddata())
    assert response.status_code == 200, response.json()


def test_a_url_given_as_the_domain_is_kept_not_replaced_by_the_home_page(moderator_client, checko_off) -> None:
    response = moderator_client.post(
        _url("https://www.romashka.ru/catalog/flanges"), {"status": "supplier", "carddata": _carddata()}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["urls"] == ["https://www.romashka.ru/catalog/flanges"]
    assert response.json()["card"]["urls"] == ["https://www.romashka.ru/catalog/flanges"]


def test_a_url_given_to_a_blacklist_decision_is_its_example(moderator) -> None:
    domain_decide(domain="https://romashka.ru/bad-page", status="blacklist", moderator=moderator)
    assert list(DomainBlacklistUrl.objects.values_list("url", flat=True)) == ["https://romashka.ru/bad-page"]


# --- blacklist ------------------------------------------------------------------------------


def test_blacklist_decision_without_urls_lists_the_home_page(moderator_client) -> None:
    response = _decide(moderator_client, "blacklist")
    assert response.status_code == 200, response.json()
    assert response.json()["urls"] == ["https://romashka.ru"]
    [item] = moderator_client.get(BLACKLIST).json()["items"]
    assert item["domain"] == ROOT and [u["url"] for u in item["urls"]] == ["https://romashka.ru"]
    assert item["comment"] is None
    again = _decide(moderator_client, "blacklist", comment="now with a reason")
    assert again.status_code == 200
    assert DomainBlacklistEntry.objects.get().comment == "now with a reason"
    assert DomainBlacklistUrl.objects.count() == 1


# --- pending, re-deciding, who decided ------------------------------------------------------


def test_pending_decision_answers_the_recorded_urls(moderator_client) -> None:
    domain_url_add(domain=ROOT, url="https://romashka.ru/a")
    response = _decide(moderator_client, "pending")
    assert response.json()["urls"] == ["https://romashka.ru/a"]
    assert list(DomainUrl.objects.values_list("url", flat=True)) == ["https://romashka.ru/a"]


def test_redeciding_overwrites_the_verdict_and_get_reflects_the_latest(
    moderator_client, make_user, client_for, checko_off
) -> None:
    first = _decide(moderator_client, "pending", comment="first look").json()
    other_moderator = make_user("mod2@platform.example", moderator=True)
    second = _decide(client_for(other_moderator), "supplier", carddata=_carddata()).json()
    assert second["status"] == "supplier" and second["comment"] is None
    assert datetime.fromisoformat(second["decisionat"]) > datetime.fromisoformat(first["decisionat"])
    assert moderator_client.get(_url(ROOT)).json() == second
    decision = DomainDecision.objects.get()
    assert (decision.status, decision.decided_by, decision.supplier_id) == (
        "supplier",
        other_moderator,
        second["supplierid"],
    )

    third = _decide(moderator_client, "pending", comment="on second thought").json()
    assert datetime.fromisoformat(third["decisionat"]) > datetime.fromisoformat(second["decisionat"])
    assert (third["status"], third["supplierid"], third["card"], third["comment"]) == (
        "pending",
        None,
        None,
        "on second thought",
    )
    assert moderator_client.get(_url("www.romashka.ru")).json() == third
    assert DomainDecision.objects.count() == 1
    assert DomainDecision.objects.get().decided_by.email == "mod@platform.example"
    assert Supplier.objects.filter(pk=second["supplierid"]).exists()  # the card stays; only the verdict changed


def test_service_records_who_decided(moderator) -> None:
    decision = domain_decide(domain=ROOT, status="blacklist", comment="spam", moderator=moderator)
    decision.refresh_from_db()
    assert (decision.decided_by, decision.status, decision.comment) == (moderator, "blacklist", "spam")
    assert DomainBlacklistEntry.objects.get().created_by == moderator


# --- access and queries ---------------------------------------------------------------------


def test_buyer_gets_403_and_anonymous_401(alice_client, anon_client) -> None:
    assert alice_client.get(_url(ROOT)).status_code == 403
    assert _decide(alice_client, "blacklist").status_code == 403
    assert _decide(alice_client, "supplier", carddata=_carddata()).status_code == 403
    assert anon_client.get(_url(ROOT)).status_code == 401
    assert _decide(anon_client, "pending").status_code == 401
    _nothing_written()


@pytest.mark.parametrize("count", [1, 30])
def test_get_query_count_does_not_grow_with_urls(moderator_client, django_assert_max_num_queries, count) -> None:
    for n in range(count):
        domain_url_add(domain=ROOT, url=f"https://romashka.ru/page{n}")
    created = _decide(moderator_client, "supplier", carddata=_carddata())
    assert created.status_code == 200, created.json()
    # user, moderator group, decision, card, its sites, the domain's URLs
    with django_assert_max_num_queries(6):
        response = moderator_client.get(_url(ROOT))
    assert len(response.json()["urls"]) == count and len(response.json()["card"]["urls"]) == count


def test_a_form_body_is_415(moderator_client) -> None:
    response = moderator_client.post(_url(ROOT), {"status": "pending"})  # multipart, as a browser form would

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not DomainDecision.objects.exists()
