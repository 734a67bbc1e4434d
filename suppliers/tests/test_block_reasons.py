"""Which suppliers the blacklists block for a buyer (``supplier_block_reasons``), and the supplier cards the INN
blacklist shows (``supplier_cards_by_inn``, registered in ``SuppliersConfig.ready``).

supplier_block_reasons: INN for this buyer, any site/e-mail root for everyone; INN wins; constant queries.
"""

import pytest

from blacklist.models import DomainBlacklistEntry, InnBlacklistEntry
from blacklist.selectors import inn_blacklist_items, inn_blacklist_list
from suppliers.selectors import supplier_block_reason, supplier_block_reasons
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db

INNS = "/api/v1/user/blacklist-inn"


def test_inn_blocks_only_for_its_owner(alice, bob) -> None:
    supplier = SupplierFactory()
    InnBlacklistEntry.objects.create(owner=alice, inn=supplier.inn)
    assert supplier_block_reason(buyer=alice, supplier=supplier) == "inn_blacklisted"
    assert supplier_block_reason(buyer=bob, supplier=supplier) is None
    assert supplier_block_reason(buyer=None, supplier=supplier) is None


@pytest.mark.parametrize(
    "where",
    [
        {"site": "https://spb.blocked.ru/x"},
        {"email": "sales@mail.blocked.ru"},
        {"emails": ["other@ok.ru", "info@blocked.ru"]},
    ],
)
def test_domain_blocks_for_everyone_via_site_or_any_email(alice, bob, where) -> None:
    supplier = SupplierFactory(**{k: v for k, v in where.items() if k != "site"})
    if "site" in where:
        SupplierSiteFactory(supplier=supplier, url=where["site"])
    DomainBlacklistEntry.objects.create(domain="blocked.ru")
    assert supplier_block_reason(buyer=alice, supplier=supplier) == "domain_blacklisted"
    assert supplier_block_reason(buyer=bob, supplier=supplier) == "domain_blacklisted"
    assert supplier_block_reason(buyer=None, supplier=supplier) == "domain_blacklisted"


def test_a_different_root_with_the_same_ending_does_not_block(alice) -> None:
    supplier = SupplierFactory(email="sales@notblocked.ru")
    DomainBlacklistEntry.objects.create(domain="blocked.ru")
    assert supplier_block_reason(buyer=alice, supplier=supplier) is None


def test_inn_takes_precedence_over_domain(alice) -> None:
    supplier = SupplierFactory(email="x@blocked.ru")
    DomainBlacklistEntry.objects.create(domain="blocked.ru")
    InnBlacklistEntry.objects.create(owner=alice, inn=supplier.inn)
    assert supplier_block_reasons(buyer=alice, suppliers=[supplier]) == {supplier.pk: "inn_blacklisted"}


@pytest.mark.parametrize("count", [0, 1, 150])
def test_supplier_block_reasons_uses_at_most_three_queries(alice, django_assert_max_num_queries, count) -> None:
    suppliers = []
    for n in range(count):
        supplier = SupplierFactory(emails=[f"a@extra{n}.ru"])
        SupplierSiteFactory(supplier=supplier)
        suppliers.append(supplier)
        if n % 3 == 0:
            InnBlacklistEntry.objects.create(owner=alice, inn=supplier.inn)
        if n % 3 == 1:
            DomainBlacklistEntry.objects.create(domain=f"extra{n}.ru")
    with django_assert_max_num_queries(3):
        reasons = supplier_block_reasons(buyer=alice, suppliers=suppliers)
    assert sum(1 for r in reasons.values() if r == "inn_blacklisted") == len(range(0, count, 3))
    assert sum(1 for r in reasons.values() if r == "domain_blacklisted") == len(range(1, count, 3))


def test_inn_items_join_known_suppliers_without_n_plus_one(alice, bob, django_assert_max_num_queries) -> None:
    known = SupplierFactory(name="Known", checko_data={"ИНН": "x"})
    InnBlacklistEntry.objects.create(owner=alice, inn=known.inn, reason="late")
    for _ in range(20):
        InnBlacklistEntry.objects.create(owner=alice, inn=SupplierFactory().inn)
    InnBlacklistEntry.objects.create(owner=alice, inn="7707083893")
    InnBlacklistEntry.objects.create(owner=bob, inn="500100732259")
    with django_assert_max_num_queries(2):
        items = inn_blacklist_items(entries=inn_blacklist_list(owner=alice))
    assert len(items) == 22
    by_inn = {item["inn"]: item for item in items}
    assert by_inn[known.inn]["supplier_name"] == "Known" and by_inn[known.inn]["checko_data"] == {"ИНН": "x"}
    assert by_inn["7707083893"]["supplier_id"] is None
    assert "500100732259" not in by_inn


# --- the INN blacklist shows the known cards -------------------------------------------------


def test_add_list_and_remove(alice_client) -> None:
    known = SupplierFactory(name="Known LLC", checko_data={"ОГРН": "1"})
    response = alice_client.post(INNS, {"inn": known.inn, "reason": "slow"}, format="json")
    assert response.status_code == 200
    assert response.json()["success"] is True
    alice_client.post(INNS, {"inn": "7707083893"}, format="json")

    body = alice_client.get(INNS).json()
    assert (body["limit"], body["offset"], body["total"]) == (200, 0, 2)
    newest, oldest = body["items"]
    assert newest["inn"] == "7707083893" and newest["supplierid"] is None and newest["suppliername"] is None
    assert oldest == {
        "id": oldest["id"],
        "inn": known.inn,
        "supplierid": known.pk,
        "suppliername": "Known LLC",
        "checkodata": {"ОГРН": "1"},
        "reason": "slow",
        "createdat": oldest["createdat"],
    }
    assert alice_client.delete(f"{INNS}/{known.inn}").json() == {"success": True}
    assert alice_client.get(INNS).json()["total"] == 1
    assert alice_client.delete(f"{INNS}/{known.inn}").status_code == 404


def test_inn_list_query_count_is_constant(alice, alice_client, django_assert_max_num_queries) -> None:
    for _ in range(30):
        InnBlacklistEntry.objects.create(owner=alice, inn=SupplierFactory().inn)
    with django_assert_max_num_queries(4):  # user, count, page, suppliers
        assert len(alice_client.get(INNS).json()["items"]) == 30
