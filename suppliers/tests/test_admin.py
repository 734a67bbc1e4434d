"""The moderator console pages of supplier cards."""

import pytest

from blacklist.models import DomainBlacklistEntry
from suppliers.checko import CHECKO_OFF_MESSAGE
from suppliers.models import DomainDecision, DomainUrl, Supplier, SupplierDomain
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/suppliers/supplier/"


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_search_by_name_inn_and_any_host_of_a_root(admin_client) -> None:
    alpha = SupplierFactory(name="Alpha Tools")
    SupplierSiteFactory(supplier=alpha, url="https://www.alpha-tools.ru")
    beta = SupplierFactory(name="Beta", email="sales@beta-mail.ru")

    def found(q: str) -> list[Supplier]:
        return list(admin_client.get(ADMIN, {"q": q}).context["cl"].result_list)

    assert found("alpha") == [alpha]
    assert found(beta.inn) == [beta]
    assert found("https://spb.alpha-tools.ru/catalog") == [alpha]
    assert found("info@beta-mail.ru") == [beta]


def test_filter_by_type(admin_client) -> None:
    reseller = SupplierFactory(type="reseller")
    SupplierFactory()
    response = admin_client.get(ADMIN, {"type__exact": "reseller"})
    assert list(response.context["cl"].result_list) == [reseller]


def test_add_through_admin_normalises_sites_and_indexes_domains(admin_client, checko_off) -> None:
    data = {
        "type": "supplier",
        "inn": "77 07 083893",
        "name": "Romashka",
        "email": "sales@romashka-mail.ru",
        "emails": "Info@Extra.ru",
        "phone": "",
        "comment": "",
        **_inline("sites", [{"url": "HTTPS://SPB.Romashka.RU/"}]),
    }
    response = admin_client.post(f"{ADMIN}add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    supplier = Supplier.objects.get(inn="7707083893")
    assert list(supplier.sites.values_list("url", "root_domain")) == [("https://spb.romashka.ru", "romashka.ru")]
    assert set(SupplierDomain.objects.filter(supplier=supplier).values_list("root_domain", flat=True)) == {
        "romashka.ru",
        "romashka-mail.ru",
        "extra.ru",
    }
    assert supplier.emails == ["info@extra.ru"]
    assert supplier.checko_error == CHECKO_OFF_MESSAGE


def test_admin_rejects_bad_inn_and_bad_url(admin_client) -> None:
    data = {
        "type": "supplier",
        "inn": "7707083894",
        "name": "X",
        "email": "a@x.ru",
        "emails": "",
        **_inline("sites", [{"url": "ftp://x.ru"}]),
    }
    response = admin_client.post(f"{ADMIN}add/", data)
    assert response.status_code == 200
    assert "checksum" in str(response.context["adminform"].form.errors["inn"])
    assert not Supplier.objects.exists()


def test_refresh_checko_action_uses_the_task(admin_client, fake_checko, django_capture_on_commit_callbacks) -> None:
    suppliers = [SupplierFactory(), SupplierFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADMIN, {"action": "refresh_checko", "_selected_action": [s.pk for s in suppliers]}, follow=True
        )
    assert response.status_code == 200
    assert sorted(call["query"]["inn"] for call in fake_checko.calls) == sorted(s.inn for s in suppliers)
    for supplier in suppliers:
        supplier.refresh_from_db()
        assert supplier.checko_data == fake_checko.body["data"]


def test_refresh_checko_action_without_key_says_off(admin_client, checko_off) -> None:
    supplier = SupplierFactory()
    response = admin_client.post(ADMIN, {"action": "refresh_checko", "_selected_action": [supplier.pk]}, follow=True)
    assert "Checko is off" in response.content.decode()
    supplier.refresh_from_db()
    assert supplier.checko_error == CHECKO_OFF_MESSAGE


def test_change_page_renders(admin_client) -> None:
    supplier = SupplierFactory()
    SupplierSiteFactory(supplier=supplier)
    assert admin_client.get(f"{ADMIN}{supplier.pk}/change/").status_code == 200


DECISIONS = "/admin/suppliers/domaindecision/"


def test_supplier_decision_in_the_admin_creates_the_card_through_the_service(console, moderator) -> None:
    form = {
        "domain": "https://www.Flanec-Snab.ru/catalog",
        "status": "supplier",
        "comment": "checked by phone",
        "card_inn": "7707083893",
        "card_name": "ООО Фланец-Снаб",
        "card_email": "sales@flanec-snab.ru",
    }

    response = console.post(f"{DECISIONS}add/", form)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    decision = DomainDecision.objects.get()
    assert (decision.domain, decision.status, decision.decided_by) == ("flanec-snab.ru", "supplier", moderator)
    card = decision.supplier
    assert (card.inn, card.name, card.type) == ("7707083893", "ООО Фланец-Снаб", "supplier")
    # The URL given is kept (before issue 21 the card got the home page instead).
    assert [site.url for site in card.sites.all()] == ["https://www.flanec-snab.ru/catalog"]
    assert console.get(f"{DECISIONS}{decision.pk}/change/").status_code == 200


def test_admin_decision_for_a_root_on_another_card_names_that_card(console) -> None:
    owner = SupplierFactory(inn="7702070139", name="ООО Первый")
    SupplierSiteFactory(supplier=owner, url="https://flanec-snab.ru/")
    form = {
        "domain": "flanec-snab.ru",
        "status": "supplier",
        "card_inn": "7707083893",
        "card_name": "ООО Второй",
        "card_email": "sales@flanec-snab.ru",
    }

    response = console.post(f"{DECISIONS}add/", form)

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.non_field_errors())
    assert "ООО Первый" in errors and "7702070139" in errors
    assert list(Supplier.objects.values_list("pk", flat=True)) == [owner.pk]
    assert not DomainDecision.objects.exists()


def test_admin_decision_needs_card_fields_and_shows_service_refusals(console) -> None:
    DomainBlacklistEntry.objects.create(domain="spam.example")
    no_card = console.post(f"{DECISIONS}add/", {"domain": "shop.example", "status": "reseller"})
    blacklisted = console.post(
        f"{DECISIONS}add/",
        {
            "domain": "spam.example",
            "status": "supplier",
            "card_inn": "7707083893",
            "card_name": "Spam",
            "card_email": "a@spam.example",
        },
    )

    assert no_card.status_code == 200
    assert set(no_card.context["adminform"].form.errors) == {"card_inn", "card_name", "card_email"}
    assert blacklisted.status_code == 200
    assert "global blacklist" in str(blacklisted.context["adminform"].form.non_field_errors())
    assert not DomainDecision.objects.exists()
    assert not Supplier.objects.exists()


def test_admin_redecides_an_existing_domain_to_blacklist(console) -> None:
    decision = DomainDecision.objects.create(domain="maybe.example", status="pending")

    response = console.post(f"{DECISIONS}{decision.pk}/change/", {"status": "blacklist", "comment": "spam"})

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "blacklist"
    assert DomainBlacklistEntry.objects.get().domain == "maybe.example"
    assert DomainDecision.objects.count() == 1


def test_domain_url_added_in_the_admin_is_stored_under_its_root(console) -> None:
    response = console.post("/admin/suppliers/domainurl/add/", {"url": "https://shop.Flanec.ru/catalog"})
    refused = console.post("/admin/suppliers/domainurl/add/", {"url": "not a url"})

    assert response.status_code == 302
    assert refused.status_code == 200
    row = DomainUrl.objects.get()
    assert (row.domain, row.url.lower()) == ("flanec.ru", "https://shop.flanec.ru/catalog")
