"""Beside each key on the request page: the roots web discovery found for it, with their decision buttons."""

import pytest

from discovery.admin import key_domains_cells
from discovery.models import DiscoveredDomain, DomainStatus, KeySearch, SearchHit, SearchRun, SearchStatus
from requests_app.models import RequestStatus
from requests_app.tests.factories import make_request_with_keys
from suppliers.models import DomainDecision
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def found(request, key, urls: list[str], run=None) -> SearchRun:
    run = run or SearchRun.objects.create(request=request, status=SearchStatus.SUCCEEDED)
    search = KeySearch.objects.create(run=run, key=key, status=SearchStatus.SUCCEEDED, items_found=len(urls))
    for rank, url in enumerate(urls, start=1):
        SearchHit.objects.create(key_search=search, run=run, key=key, url=url, root_domain=url.split("/")[2], rank=rank)
    return run


def test_each_key_shows_its_roots_best_rank_first_with_buttons_for_the_pending_ones(console) -> None:
    request = make_request_with_keys(3, status=RequestStatus.CONFIRMED)
    first, second, _third = request.keys.order_by("pos")
    card = SupplierFactory(name="ФланцМаш")
    run = found(request, first, ["https://shop.example/a", "https://card.example/x", "https://shop.example/b"])
    found(request, second, ["https://bad.example/"], run=run)
    DiscoveredDomain.objects.create(domain="shop.example", total_hits=2)
    DiscoveredDomain.objects.create(
        domain="card.example", status=DomainStatus.RESOLVED, supplier=card, decision="supplier"
    )
    DiscoveredDomain.objects.create(domain="bad.example", status=DomainStatus.RESOLVED, decision="blacklist")
    DomainDecision.objects.create(domain="bad.example", status="blacklist")

    page = console.get(f"/admin/requests_app/request/{request.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "domains found (decide)" in html.lower()
    assert html.index("shop.example") < html.index("card.example")
    assert "/admin/suppliers/domaindecision/add/?domain=shop.example&amp;status=reseller" in html
    assert "/admin/suppliers/domaindecision/add/?domain=shop.example&amp;status=blacklist" in html
    assert "supplier: <a" in html and "ФланцМаш" in html
    assert "/admin/suppliers/domaindecision/add/?domain=card.example" not in html  # decided: no buttons
    assert 'bad.example</a> <span class="quiet">(1)</span> — <a' in html


def test_the_column_costs_a_constant_number_of_queries(django_assert_num_queries) -> None:
    request = make_request_with_keys(40, status=RequestStatus.CONFIRMED)
    run = None
    for key in request.keys.all():
        run = found(request, key, [f"https://shop{key.pos}.example/", "https://common.example/"], run=run)
    DiscoveredDomain.objects.bulk_create(DiscoveredDomain(domain=f"shop{n}.example") for n in range(1, 41))

    key_ids = list(request.keys.values_list("pk", flat=True))

    with django_assert_num_queries(3):  # the hits grouped by key and root, their domains, their decisions
        cells = key_domains_cells(request, key_ids)

    assert len(cells) == 40


def test_keys_without_hits_have_no_cell() -> None:
    request = make_request_with_keys(2, status=RequestStatus.CONFIRMED)

    assert key_domains_cells(request, list(request.keys.values_list("pk", flat=True))) == {}
