"""The moderators' reads: runs, hits, the pending queue (in a fixed number of queries) and resolved domains."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from discovery.models import DiscoveredDomain, DomainStatus, KeySearch, SearchHit, SearchRun, SearchStatus
from requests_app.models import RequestStatus
from requests_app.tests.factories import make_request_with_keys
from suppliers.tests.factories import SupplierSiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(alice, moderator):
    request = make_request_with_keys(2, owner=alice, status=RequestStatus.CONFIRMED)
    run = SearchRun.objects.create(request=request, status=SearchStatus.SUCCEEDED, created_by=moderator, depth=2)
    for key in request.keys.order_by("pos"):
        search = KeySearch.objects.create(run=run, key=key, status=SearchStatus.SUCCEEDED, items_found=2)
        for rank, url in enumerate([f"https://a.example/{key.pos}", "https://b.example/x"], start=1):
            root = url.split("/")[2]
            SearchHit.objects.create(key_search=search, run=run, key=key, url=url, root_domain=root, rank=rank,
                                     engine="yandex" if rank == 1 else "bing", title="T")  # fmt: skip
    now = timezone.now()
    DiscoveredDomain.objects.create(domain="a.example", total_hits=2, first_seen_at=now - timedelta(days=1))
    DiscoveredDomain.objects.create(domain="b.example", total_hits=2, first_seen_at=now, last_hit_at=now)
    return run


def test_runs_list_newest_first_with_counts(run, moderator_client, alice):
    older = SearchRun.objects.create(request=run.request, status=SearchStatus.FAILED,
                                     created_at=timezone.now() - timedelta(days=1))  # fmt: skip

    body = moderator_client.get("/api/v1/moderator/parsing-runs").json()

    assert body["total"] == 2
    assert [item["runId"] for item in body["items"]] == [str(run.pk), str(older.pk)]
    first = body["items"][0]
    assert (first["keyscount"], first["itemsfound"], first["depth"], first["source"]) == (2, 4, 2, "both")
    failed = moderator_client.get("/api/v1/moderator/parsing-runs?status=failed").json()
    assert [item["runId"] for item in failed["items"]] == [str(older.pk)]
    assert moderator_client.get("/api/v1/moderator/parsing-runs?status=nope").status_code == 422


def test_run_detail_has_the_keys(run, moderator_client):
    body = moderator_client.get(f"/api/v1/moderator/parsing-runs/{run.pk}").json()

    assert body["runId"] == str(run.pk)
    assert [(k["status"], k["itemsFound"]) for k in body["keys"]] == [("succeeded", 2), ("succeeded", 2)]


@pytest.mark.parametrize("run_id", [uuid.uuid4(), "not-a-uuid"])
def test_unknown_run_is_not_found(run, moderator_client, run_id):
    answer = moderator_client.get(f"/api/v1/moderator/parsing-runs/{run_id}")

    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_status_of_a_request_never_searched_is_not_found(alice, moderator_client):
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)

    assert moderator_client.get(f"/api/v1/moderator/requests/{request.pk}/parsing-status").status_code == 404
    assert moderator_client.get(f"/api/v1/moderator/requests/{request.pk}/parsing-results").status_code == 404


def test_domain_hits_newest_first_with_the_key(run, moderator_client):
    body = moderator_client.get("/api/v1/moderator/domains/www.b.example/hits").json()

    assert body["total"] == 2 and body["limit"] == 100
    item = body["items"][0]
    assert set(item) == {"runId", "requestId", "keyId", "keytext", "url", "rank", "source", "createdat"}
    assert (item["runId"], item["requestId"], item["url"], item["source"]) == (
        str(run.pk), run.request_id, "https://b.example/x", None,
    )  # fmt: skip


def test_url_hits(run, moderator_client):
    body = moderator_client.get("/api/v1/moderator/urls/hits", {"url": "https://a.example/1"}).json()

    assert [(i["url"], i["rank"], i["source"]) for i in body["items"]] == [("https://a.example/1", 1, "yandex")]
    assert moderator_client.get("/api/v1/moderator/urls/hits").status_code == 422


def test_pending_sorting(run, moderator_client):
    by_domain = moderator_client.get("/api/v1/moderator/pending-domains?sortBy=domain&sortOrder=asc").json()
    by_created = moderator_client.get("/api/v1/moderator/pending-domains?sortBy=createdat&sortDir=desc").json()

    assert [i["domain"] for i in by_domain["items"]] == ["a.example", "b.example"]
    assert [i["domain"] for i in by_created["items"]] == ["b.example", "a.example"]
    assert moderator_client.get("/api/v1/moderator/pending-domains?sortBy=rank").status_code == 422


def test_pending_detail(run, moderator_client):
    body = moderator_client.get("/api/v1/moderator/pending-domains/b.example").json()

    assert (body["domain"], body["totalhits"], body["urlcount"]) == ("b.example", 2, 1)
    assert body["urls"][0]["hitcount"] == 2
    assert sorted(body["urls"][0]["keys"]) == sorted(run.request.keys.values_list("text", flat=True))


def test_a_domain_on_a_card_leaves_the_queue_without_a_decision(run, moderator_client):
    SupplierSiteFactory(url="https://b.example/", root_domain="b.example")

    body = moderator_client.get("/api/v1/moderator/pending-domains").json()

    assert [i["domain"] for i in body["items"]] == ["a.example"]


def test_resolved_domains_filter(run, moderator_client):
    DiscoveredDomain.objects.filter(domain="a.example").update(
        status=DomainStatus.RESOLVED, decision="blacklist", decided_at=timezone.now()
    )

    assert moderator_client.get("/api/v1/moderator/resolved-domains?status=blacklist").json()["total"] == 1
    assert moderator_client.get("/api/v1/moderator/resolved-domains?status=supplier").json()["total"] == 0
    assert moderator_client.get("/api/v1/moderator/resolved-domains?status=pending").status_code == 422


def test_queue_pages_take_five_queries_with_ten_thousand_hits(run, moderator_client, django_assert_max_num_queries):
    key = run.request.keys.first()
    search = KeySearch.objects.filter(run=run, key=key).get()
    SearchHit.objects.bulk_create(
        SearchHit(key_search=search, run=run, key=key, url=f"https://d{i % 500}.example/{i}",
                  root_domain=f"d{i % 500}.example", rank=i)
        for i in range(10_000)
    )  # fmt: skip
    DiscoveredDomain.objects.bulk_create(DiscoveredDomain(domain=f"d{i}.example", total_hits=20) for i in range(500))

    with django_assert_max_num_queries(5):
        page = moderator_client.get("/api/v1/moderator/pending-domains?limit=50")
    with django_assert_max_num_queries(5):
        detail = moderator_client.get("/api/v1/moderator/pending-domains/d7.example")

    assert page.json()["total"] == 502
    assert len(page.json()["items"]) == 50
    assert page.json()["items"][0]["urlcount"] == 20
    assert detail.json()["totalhits"] == 20


def test_a_nul_character_in_the_url_is_422_not_500(moderator_client) -> None:
    response = moderator_client.get("/api/v1/moderator/urls/hits", {"url": "https://x.example/\x00a"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "url"]


@pytest.mark.parametrize("path", ["parsing-runs", "pending-domains", "resolved-domains", "domains/found.example/hits"])
def test_list_pages_are_documented_as_one_page_object(path) -> None:
    import yaml
    from django.conf import settings

    contract = yaml.safe_load((settings.BASE_DIR / "api-contracts.yaml").read_text())
    schema = contract["paths"][f"/api/v1/moderator/{path}".replace("found.example", "{domain}")]["get"]
    answer = schema["responses"]["200"]["content"]["application/json"]["schema"]

    assert "$ref" in answer and answer.get("type") != "array"
