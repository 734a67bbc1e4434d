"""The hot reads (reads.py, decision 0011): the same answers as the serializers, bounded queries, deep pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from requests_app import reads
from requests_app.models import KeySupplierLink, Request, RequestKey
from requests_app.tests.factories import make_request_with_keys
from requests_app.tests.hot_path_data import assert_same, fake_states, old_detail, old_list, seed, states_for
from suppliers.tests.factories import SupplierFactory

URL = "/api/v1/user/requests"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(alice):
    return seed(alice)


@pytest.mark.parametrize(
    "query",
    [{}, {"limit": 3}, {"limit": 2, "offset": 3}, {"offset": 6}, {"offset": 7}, {"offset": 500}, {"status": "draft"}],
)
def test_list_answers_as_the_serializers_did(alice, alice_client, data, query) -> None:
    response = alice_client.get(URL, query)

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert_same(response.json(), old_list(alice, **{"limit": 50, "offset": 0, **query}))


def test_an_empty_page_still_answers_the_total(alice_client, data) -> None:
    assert alice_client.get(URL, {"offset": 7}).json() == {"items": [], "limit": 50, "offset": 7, "total": 7}


def test_detail_answers_as_the_serializers_did_with_links_and_states(alice, alice_client, data) -> None:
    with fake_states(states_for(data["suppliers"])):
        for request in data["requests"]:
            response = alice_client.get(f"{URL}/{request.pk}")
            assert response.status_code == 200 and response["Content-Type"] == "application/json"
            assert_same(response.json(), old_detail(alice, request.pk))
        linked = alice_client.get(f"{URL}/{data['linked'].pk}").json()

    suppliers = [supplier for key in linked["keys"] for supplier in key["suppliers"]]
    assert {s["blockedreason"] for s in suppliers} == {None, "inn_blacklisted", "domain_blacklisted"}
    assert {s["sendstatus"] for s in suppliers} == {"notsent", "queued", "sent", "failed"}
    assert {s["isreseller"] for s in suppliers} == {True, False}
    first = data["suppliers"][0].pk  # no state: shown as not a recipient
    assert {(s["isnew"], s["selected"], s["sendstatus"]) for s in suppliers if s["supplierid"] == first} == {
        (True, False, "notsent")
    }


def test_timestamps_are_drf_strings(alice_client, data) -> None:
    items = {item["id"]: item for item in alice_client.get(URL).json()["items"]}
    with_micro, without = data["requests"][0], data["requests"][1]

    assert items[with_micro.pk]["createdat"] == "2026-12-01T09:30:15.123450Z"
    assert items[without.pk]["createdat"] == "2026-12-02T09:30:15Z"


def test_another_buyers_or_a_missing_request_is_404_json(bob_client, alice_client, data) -> None:
    for client, request_id in [(bob_client, data["linked"].pk), (alice_client, 10**12), (alice_client, 2**70)]:
        response = client.get(f"{URL}/{request_id}")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_another_buyers_requests_are_not_listed(bob_client, data) -> None:
    assert bob_client.get(URL).json() == {"items": [], "limit": 50, "offset": 0, "total": 0}


# --- queries ----------------------------------------------------------------------------------------------------


def test_list_queries_are_the_same_on_the_first_and_a_deep_page(alice, alice_client, django_assert_max_num_queries):
    Request.objects.bulk_create(Request(owner=alice, title=f"R{n}") for n in range(120))
    for offset in (0, 100):
        with django_assert_max_num_queries(2) as captured:  # user (JWT) + the one page statement
            response = alice_client.get(URL, {"offset": offset})
        assert (response.json()["total"], len(response.json()["items"])) == (120, 50 if offset == 0 else 20)
        assert len(captured.captured_queries) <= 2


def test_keys_are_counted_for_the_page_rows_only(alice) -> None:
    """PostgreSQL's plan counts keys 50 times on a deep page, not offset + 50 (the old subquery did)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plan")
    Request.objects.bulk_create(Request(owner=alice, title=f"R{n}") for n in range(300))
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + reads._LIST_ALL_SQL,
            {"owner": alice.pk, "limit": 50, "offset": 250, "status": None},
        )
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    counts = [node for node in _nodes(plan[0]["Plan"]) if node.get("Relation Name") == RequestKey._meta.db_table]
    assert counts and all(node["Actual Loops"] <= 50 for node in counts), counts


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def test_detail_with_500_linked_keys_stays_within_6_queries(alice, alice_client, django_assert_max_num_queries):
    request = make_request_with_keys(500, owner=alice)
    supplier = SupplierFactory()
    KeySupplierLink.objects.bulk_create(KeySupplierLink(key=key, supplier=supplier) for key in request.keys.all())
    with fake_states(states_for([supplier, SupplierFactory()])), django_assert_max_num_queries(6):
        response = alice_client.get(f"{URL}/{request.pk}")

    keys = response.json()["keys"]
    assert len(keys) == 500 and all(key["suppliers"][0]["supplierid"] == supplier.pk for key in keys)


def test_detail_without_links_asks_no_states(alice, alice_client, django_assert_num_queries) -> None:
    request = make_request_with_keys(5, owner=alice)
    alice_client.get(f"{URL}/{request.pk}")  # the user is now cached by the JWT authentication
    with fake_states({}), django_assert_num_queries(2):  # head (exists, any link?) + the JSON
        assert len(alice_client.get(f"{URL}/{request.pk}").json()["keys"]) == 5


# --- the embedded default ---------------------------------------------------------------------------------------


def test_sqlite_builds_the_same_answers() -> None:
    """The ``.values()`` path of SQLite, in a child process (a test run cannot switch databases)."""
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_SETTINGS_MODULE": "b2bplatform.settings.test",
        "HOT_PATH_SQLITE": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "requests_app/tests/test_hot_path_sqlite.py", "-q", "-p", "no:randomly"]
        + ["-p", "no:cacheprovider", "-o", "addopts="],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-1000:]
