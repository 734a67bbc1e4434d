"""End to end with real parts: a Celery worker process on Redis, PostgreSQL, the fake SearXNG on loopback."""

from urllib.parse import quote

import pytest
from django.conf import settings

from discovery.models import KeySearch, SearchRun
from requests_app.models import KeySupplierLink, RequestStatus
from requests_app.tests.factories import make_request_with_keys
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

from .conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_runs_every_key_to_the_end(fake_search, start_worker, alice, moderator_client):
    fake_search.pages, fake_search.statuses = 1, [503]  # the first call fails: a real retry through the broker
    fake_search.urls = lambda query, page, per_page: [
        f"https://www.flanec.example/{quote(query)}",
        "https://other.example/",
    ]
    card = SupplierFactory()
    SupplierSiteFactory(supplier=card, url="https://flanec.example/", root_domain="flanec.example")
    request = make_request_with_keys(5, owner=alice, status=RequestStatus.CONFIRMED)
    start_worker(SEARCH_PROVIDER="searxng", SEARXNG_URL=fake_search.base_url, SEARCH_RATE_PER_MINUTE="0",
                 SEARCH_RETRY_BASE_SECONDS="0.2", SEARCH_TIMEOUT_SECONDS="5")  # fmt: skip

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "SEARCH_PROVIDER", "searxng")
        patch.setattr(settings, "SEARXNG_URL", fake_search.base_url)
        answer = moderator_client.post(f"/api/v1/moderator/requests/{request.pk}/start-parsing", {"depth": 1},
                                       format="json")  # fmt: skip

    assert answer.status_code == 200, answer.content
    run_id = answer.json()["runId"]
    wait_until(lambda: SearchRun.objects.get(pk=run_id).status == "succeeded", what="the run to succeed")
    searches = KeySearch.objects.filter(run_id=run_id)
    assert sorted(s.status for s in searches) == ["succeeded"] * 5
    assert sum(s.attempts for s in searches) == 6  # one key was retried once
    assert KeySupplierLink.objects.filter(supplier=card, key__request=request).count() == 5
    status = moderator_client.get(f"/api/v1/moderator/requests/{request.pk}/parsing-status").json()
    assert [k["itemsFound"] for k in status["keys"]] == [2] * 5
    pending = moderator_client.get("/api/v1/moderator/pending-domains").json()
    assert [(i["domain"], i["totalhits"]) for i in pending["items"]] == [("other.example", 5)]
