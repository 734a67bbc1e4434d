"""The run lifecycle with eager Celery against the local fake provider: start, search, group, link, queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blacklist.models import DomainBlacklistEntry
from discovery.models import DiscoveredDomain, DomainStatus, KeySearch, SearchHit, SearchRun, SearchStatus
from discovery.services import fail_stuck_searches
from requests_app.models import KeySupplierLink, RequestStatus
from requests_app.tests.factories import make_request_with_keys
from suppliers.models import SupplierSite
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db


def _urls(query: str, page: int, per_page: int) -> list[str]:
    """Per key: a blacklisted root, a root on a card, and two new roots (one found by every key)."""
    slug = query.rsplit("х", 1)[-1]
    return [
        f"https://spam.example/{slug}",
        f"https://shop.flanec.example/item/{slug}",
        f"https://www.common.example/?q={slug}",
        f"https://only{slug}.example/",
    ][:per_page]


@pytest.fixture
def request_with_keys(alice):
    return make_request_with_keys(2, owner=alice, status=RequestStatus.CONFIRMED)


def _start(client, request_id, body=None, capture=None):
    with capture(execute=True):
        return client.post(f"/api/v1/moderator/requests/{request_id}/start-parsing", body or {}, format="json")


def test_a_run_searches_every_key_groups_links_and_queues(
    searxng, request_with_keys, moderator, moderator_client, django_capture_on_commit_callbacks
):
    searxng.urls, searxng.pages = _urls, 1
    DomainBlacklistEntry.objects.create(domain="spam.example")
    card = SupplierFactory()
    SupplierSiteFactory(supplier=card, url="https://flanec.example/", root_domain="flanec.example")

    answer = _start(moderator_client, request_with_keys.pk, {"depth": 3, "source": "google"},
                    django_capture_on_commit_callbacks)  # fmt: skip

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["requestId"] == request_with_keys.pk and body["status"] == "queued"
    run = SearchRun.objects.get(pk=body["runId"])
    assert (run.status, run.depth, run.source, run.created_by) == ("succeeded", 3, "google", moderator)
    assert run.started_at and run.finished_at
    keys = list(request_with_keys.keys.order_by("pos"))
    # Two pages asked per key (the second empty), with the engine of the run.
    assert [c["query"]["pageno"] for c in searxng.calls] == ["1", "2", "1", "2"]
    assert {c["query"]["engines"] for c in searxng.calls} == {"google"}
    assert SearchHit.objects.filter(run=run).count() == 8  # every hit is logged, the blacklisted too
    # The card under flanec.example is linked to both keys at once, by the moderator who started the run.
    links = KeySupplierLink.objects.filter(key__in=keys)
    assert sorted((link.key_id, link.supplier_id, link.created_by_id) for link in links) == [
        (keys[0].pk, card.pk, moderator.pk),
        (keys[1].pk, card.pk, moderator.pk),
    ]
    status = moderator_client.get(f"/api/v1/moderator/requests/{request_with_keys.pk}/parsing-status").json()
    assert status == {
        "requestId": request_with_keys.pk,
        "runId": str(run.pk),
        "status": "succeeded",
        "keys": [
            {"keyId": keys[0].pk, "status": "succeeded", "itemsFound": 4, "error": None},
            {"keyId": keys[1].pk, "status": "succeeded", "itemsFound": 4, "error": None},
        ],
    }
    results = moderator_client.get(f"/api/v1/moderator/requests/{request_with_keys.pk}/parsing-results").json()
    first = results["results"][0]
    assert first["keyId"] == keys[0].pk
    assert [g["domain"] for g in first["groups"]] == ["flanec.example", "common.example", "only1.example"]
    assert first["groups"][0] == {
        "domain": "flanec.example",
        "urls": ["https://shop.flanec.example/item/1"],
        "source": "google",
        "title": "Title of https://shop.flanec.example/item/1",
    }
    pending = moderator_client.get("/api/v1/moderator/pending-domains").json()
    assert pending["total"] == 3
    top = pending["items"][0]
    assert (top["domain"], top["totalhits"], top["urlcount"]) == ("common.example", 2, 2)
    assert sorted(u["keys"][0] for u in top["urls"]) == sorted(k.text for k in keys)
    assert {item["domain"] for item in pending["items"]} == {"common.example", "only1.example", "only2.example"}


def test_provider_off_answers_how_to_turn_it_on(
    discovery_off, request_with_keys, moderator_client, django_capture_on_commit_callbacks
):
    answer = _start(moderator_client, request_with_keys.pk, capture=django_capture_on_commit_callbacks)

    assert answer.status_code == 409
    assert answer.json()["code"] == "discovery_off"
    assert "SEARCH_PROVIDER" in answer.json()["detail"]
    assert not SearchRun.objects.exists()


def test_a_draft_request_is_refused(searxng, alice, moderator_client, django_capture_on_commit_callbacks):
    draft = make_request_with_keys(1, owner=alice, status=RequestStatus.DRAFT)

    answer = _start(moderator_client, draft.pk, capture=django_capture_on_commit_callbacks)

    assert (answer.status_code, answer.json()["code"]) == (409, "invalid_state")
    assert searxng.calls == []


def test_an_unknown_request_is_not_found(searxng, moderator_client, django_capture_on_commit_callbacks):
    assert _start(moderator_client, 999_999, capture=django_capture_on_commit_callbacks).status_code == 404


def test_one_run_at_a_time(searxng, request_with_keys, moderator_client, django_capture_on_commit_callbacks):
    running = SearchRun.objects.create(request=request_with_keys, status=SearchStatus.RUNNING)

    answer = _start(moderator_client, request_with_keys.pk, capture=django_capture_on_commit_callbacks)

    assert answer.status_code == 409
    assert answer.json()["code"] == "run_in_progress"
    assert answer.json()["runId"] == str(running.pk)
    assert SearchRun.objects.count() == 1


@pytest.mark.parametrize("depth", [0, 51, "x"])
def test_depth_is_validated(searxng, request_with_keys, moderator_client, depth, django_capture_on_commit_callbacks):
    answer = _start(moderator_client, request_with_keys.pk, {"depth": depth}, django_capture_on_commit_callbacks)

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "depth"]


def test_temporary_errors_are_retried_then_succeed(
    searxng, request_with_keys, moderator_client, django_capture_on_commit_callbacks
):
    request_with_keys.keys.exclude(pos=1).delete()
    searxng.statuses, searxng.pages = [503, 503], 1

    _start(moderator_client, request_with_keys.pk, {"depth": 1}, django_capture_on_commit_callbacks)

    search = KeySearch.objects.get()
    assert (search.status, search.attempts, search.items_found, search.error) == ("succeeded", 3, 10, None)
    assert search.run.status == "succeeded"


def test_spent_retries_fail_the_key_with_the_reason(
    parser_service, request_with_keys, moderator_client, django_capture_on_commit_callbacks
):
    parser_service.statuses = [503] * 100

    _start(moderator_client, request_with_keys.pk, capture=django_capture_on_commit_callbacks)

    run = SearchRun.objects.get()
    assert run.status == "failed" and run.error
    for search in KeySearch.objects.filter(run=run):
        assert (search.status, search.attempts) == ("failed", 3)
        assert "HTTP 503" in search.error
    assert len(parser_service.calls) == 6


def test_a_permanent_error_fails_at_once_and_other_keys_still_succeed(
    parser_service, request_with_keys, moderator_client, django_capture_on_commit_callbacks
):
    parser_service.statuses = [400]

    _start(moderator_client, request_with_keys.pk, capture=django_capture_on_commit_callbacks)

    run = SearchRun.objects.get()
    first, second = KeySearch.objects.filter(run=run).order_by("key__pos")
    assert (first.status, first.attempts, "HTTP 400" in first.error) == ("failed", 1, True)
    assert (second.status, second.items_found) == ("succeeded", 10)
    assert run.status == "succeeded"  # one key failed: the run is done, the key shows why


def test_garbage_json_is_retried_then_fails_with_the_reason(
    searxng, request_with_keys, moderator_client, django_capture_on_commit_callbacks
):
    request_with_keys.keys.exclude(pos=1).delete()
    searxng.raw = b"garbage"

    _start(moderator_client, request_with_keys.pk, {"depth": 1}, django_capture_on_commit_callbacks)

    search = KeySearch.objects.get()
    assert (search.status, search.attempts) == ("failed", 3)
    assert "not JSON" in search.error


def test_the_sweeper_fails_stuck_searches_and_ends_the_run(request_with_keys, settings):
    settings.SEARCH_STUCK_AFTER_SECONDS = 60
    run = SearchRun.objects.create(request=request_with_keys, status=SearchStatus.RUNNING)
    first, second = request_with_keys.keys.order_by("pos")
    old = timezone.now() - timedelta(minutes=5)
    KeySearch.objects.create(run=run, key=first, status=SearchStatus.RUNNING, updated_at=old)
    KeySearch.objects.create(run=run, key=second, status=SearchStatus.SUCCEEDED, updated_at=old)

    assert fail_stuck_searches() == 1

    run.refresh_from_db()
    assert run.status == "succeeded" and run.finished_at
    assert KeySearch.objects.get(key=first).status == "failed"
    assert "60 s" in KeySearch.objects.get(key=first).error


def test_the_sweeper_leaves_fresh_searches(request_with_keys, settings):
    settings.SEARCH_STUCK_AFTER_SECONDS = 60
    run = SearchRun.objects.create(request=request_with_keys, status=SearchStatus.RUNNING)
    KeySearch.objects.create(run=run, key=request_with_keys.keys.first(), status=SearchStatus.RUNNING)

    assert fail_stuck_searches() == 0
    assert SearchRun.objects.get().status == "running"


def test_a_supplier_decision_resolves_the_domain_and_links_every_key_that_found_it(
    searxng, request_with_keys, moderator_client, django_capture_on_commit_callbacks
):
    searxng.urls, searxng.pages = _urls, 1
    _start(moderator_client, request_with_keys.pk, {"depth": 1}, django_capture_on_commit_callbacks)
    assert DiscoveredDomain.objects.get(domain="common.example").status == DomainStatus.PENDING

    decision = moderator_client.post(
        "/api/v1/moderator/domains/common.example/decision",
        {"status": "supplier", "carddata": {"inn": "7707083893", "name": "Common", "email": "sales@common.example"}},
        format="json",
    )

    assert decision.status_code == 200, decision.content
    site = SupplierSite.objects.get(root_domain="common.example")
    linked = set(KeySupplierLink.objects.filter(supplier_id=site.supplier_id).values_list("key_id", flat=True))
    assert linked == set(request_with_keys.keys.values_list("pk", flat=True))
    assert moderator_client.get("/api/v1/moderator/pending-domains/common.example").status_code == 404
    pending = moderator_client.get("/api/v1/moderator/pending-domains").json()
    assert "common.example" not in {item["domain"] for item in pending["items"]}
    resolved = moderator_client.get("/api/v1/moderator/resolved-domains?status=supplier").json()
    assert [(r["domain"], r["status"], r["supplierid"], r["totalhits"]) for r in resolved["items"]] == [
        ("common.example", "supplier", site.supplier_id, 2)
    ]


def test_a_blacklist_decision_drops_the_domain_from_results_and_queue(
    searxng, request_with_keys, moderator_client, django_capture_on_commit_callbacks
):
    searxng.urls, searxng.pages = _urls, 1
    _start(moderator_client, request_with_keys.pk, {"depth": 1}, django_capture_on_commit_callbacks)

    moderator_client.post("/api/v1/moderator/domains/only1.example/decision", {"status": "blacklist"}, format="json")

    results = moderator_client.get(f"/api/v1/moderator/requests/{request_with_keys.pk}/parsing-results").json()
    assert "only1.example" not in {g["domain"] for key in results["results"] for g in key["groups"]}
    assert moderator_client.get("/api/v1/moderator/pending-domains/only1.example").status_code == 404
    resolved = moderator_client.get("/api/v1/moderator/resolved-domains").json()["items"]
    assert [(r["domain"], r["status"]) for r in resolved] == [("only1.example", "blacklist")]


def test_a_rolled_back_decision_leaves_the_queue(searxng, request_with_keys, moderator_client,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    searxng.urls, searxng.pages = _urls, 1
    _start(moderator_client, request_with_keys.pk, {"depth": 1}, django_capture_on_commit_callbacks)
    DomainBlacklistEntry.objects.create(domain="only2.example")

    refused = moderator_client.post(
        "/api/v1/moderator/domains/only2.example/decision",
        {"status": "supplier", "carddata": {"inn": "7707083893", "name": "X", "email": "x@only2.example"}},
        format="json",
    )

    assert refused.status_code == 409
    assert DiscoveredDomain.objects.get(domain="only2.example").status == DomainStatus.PENDING
