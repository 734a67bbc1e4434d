"""Web discovery in the moderators' console: the "Find suppliers" action, the runs' pages, the pending domains."""

import pytest
from django.contrib import admin
from django.test import Client

from discovery.models import DiscoveredDomain, KeySearch, SearchHit, SearchRun, SearchStatus
from requests_app.models import RequestStatus
from requests_app.tests.factories import make_request_with_keys

pytestmark = pytest.mark.django_db
REQUESTS = "/admin/requests_app/request/"
RUNS = "/admin/discovery/searchrun/"
DOMAINS = "/admin/discovery/discovereddomain/"


def _find_suppliers(console: Client, *requests) -> list[tuple[str, str]]:
    response = console.post(
        REQUESTS,
        {"action": "find_suppliers", admin.helpers.ACTION_CHECKBOX_NAME: [str(r.pk) for r in requests]},
        follow=True,
    )
    assert response.status_code == 200
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


@pytest.fixture
def run(alice, moderator) -> SearchRun:
    request = make_request_with_keys(2, owner=alice, status=RequestStatus.CONFIRMED)
    run = SearchRun.objects.create(request=request, status=SearchStatus.RUNNING, created_by=moderator, depth=2)
    first, second = request.keys.order_by("pos")
    done = KeySearch.objects.create(run=run, key=first, status=SearchStatus.SUCCEEDED, items_found=2)
    KeySearch.objects.create(run=run, key=second, status=SearchStatus.RUNNING)
    for rank, url in enumerate(["https://low.example/<b>", "https://high.example/a"], start=1):
        SearchHit.objects.create(key_search=done, run=run, key=first, url=url, root_domain=url.split("/")[2],
                                 rank=rank, title="<script>x</script>")  # fmt: skip
    DiscoveredDomain.objects.create(domain="low.example", total_hits=1)
    DiscoveredDomain.objects.create(domain="high.example", total_hits=7)
    return run


def test_find_suppliers_starts_a_run_through_the_service(
    searxng, console, alice, django_capture_on_commit_callbacks
) -> None:
    request = make_request_with_keys(2, owner=alice, status=RequestStatus.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):  # the tasks are published after commit
        messages = _find_suppliers(console, request)

    run = SearchRun.objects.get(request=request)
    assert run.status == SearchStatus.SUCCEEDED  # eager Celery: every key searched against the fake
    assert KeySearch.objects.filter(run=run, status=SearchStatus.SUCCEEDED).count() == 2
    assert ("success", "1 search run started.") in messages
    assert searxng.calls


def test_find_suppliers_refuses_when_discovery_is_off(discovery_off, console, alice) -> None:
    request = make_request_with_keys(1, owner=alice, status=RequestStatus.CONFIRMED)

    messages = _find_suppliers(console, request)

    assert not SearchRun.objects.exists()
    assert [level for level, _ in messages] == ["error"]
    assert "SEARCH_PROVIDER" in messages[0][1]


def test_find_suppliers_refuses_a_draft_and_a_request_already_searching(searxng, console, alice, run) -> None:
    draft = make_request_with_keys(1, owner=alice, status=RequestStatus.DRAFT)

    messages = _find_suppliers(console, draft, run.request)

    assert SearchRun.objects.count() == 1
    levels = [level for level, _ in messages]
    assert levels == ["warning", "warning"]
    assert "already queued or running" in " ".join(text for _, text in messages)


def test_run_pages_show_the_progress_and_are_read_only(console, run) -> None:
    listing = console.get(RUNS, {"status__exact": "running"})
    page = console.get(f"{RUNS}{run.pk}/change/")

    assert listing.status_code == 200
    row = listing.context["cl"].result_list[0]
    assert (row.keys_done, row.keys_count, row.items_count) == (1, 2, 2)
    assert "1 / 2" in listing.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert '?q=low.example">low.example</a>' in html and '?q=high.example">high.example</a>' in html
    assert not page.context["has_change_permission"]
    assert console.get(f"{RUNS}add/").status_code == 403
    assert console.post(f"{RUNS}{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SearchRun.objects.filter(pk=run.pk).exists()


def test_pending_domains_most_hits_first_with_urls_titles_keys_and_the_decision_link(console, run) -> None:
    listing = console.get(DOMAINS, {"status__exact": "pending"})
    domain = DiscoveredDomain.objects.get(domain="low.example")
    page = console.get(f"{DOMAINS}{domain.pk}/change/")

    assert [row.domain for row in listing.context["cl"].result_list] == ["high.example", "low.example"]
    assert page.status_code == 200
    html = page.content.decode()
    assert "https://low.example/&lt;b&gt;" in html and "<b>" not in html.split("https://low.example/")[1][:10]
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    assert run.request.keys.get(pos=1).text in html
    assert "/admin/suppliers/domaindecision/add/?domain=low.example" in html
    assert (
        console.get("/admin/suppliers/domaindecision/add/", {"domain": "low.example"})
        .context["adminform"]
        .form.initial["domain"]
        == "low.example"
    )
    assert console.get(f"{DOMAINS}add/").status_code == 403


def test_a_buyer_is_kept_out(alice, run) -> None:
    client = Client()
    client.force_login(alice)

    for url in (RUNS, f"{RUNS}{run.pk}/change/", DOMAINS):
        assert client.get(url).status_code == 302  # to the console's login page


def test_the_request_page_links_its_latest_run(console, run) -> None:
    html = console.get(f"{REQUESTS}{run.request.pk}/change/").content.decode()

    assert f"/admin/discovery/searchrun/{run.pk}/change/" in html
    assert f"/admin/discovery/searchrun/?request__id__exact={run.request.pk}" in html
