"""The hot reads (reads.py, decision 0011): the same answers as the serializers, bounded queries, deep pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from rest_framework.renderers import JSONRenderer

from requests_app import reads, serializers, services
from requests_app.models import KeySupplierLink, Request, RequestKey, RequestStatus
from requests_app.serializers import (
    CreateRequestManualRequestDTOSerializer,
    CreateRequestResponseDTOSerializer,
    create_body,
)
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
    assert [items[r.pk]["deadline"] for r in data["requests"][:3]] == [
        None,
        "2026-12-03T09:30:15Z",
        "2026-12-05T09:30:15.123702Z",
    ]
    assert [items[r.pk]["closedat"] for r in data["requests"][2:4]] == [None, "2026-12-04T12:30:15Z"]


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


def test_every_window_from_either_end_is_the_serializers_page(alice) -> None:
    """The page is read from the nearer end (reads._list_sql): every limit and offset, across the middle and past
    the end, gives the ORM's page, with created_at ties broken by id and with a status filter."""
    created = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for n in range(23):
        Request.objects.create(
            owner=alice,
            title=f"R{n}",
            status=RequestStatus.DRAFT if n % 3 else RequestStatus.DONE,
            created_at=created + timedelta(minutes=n // 4),  # four rows share each timestamp
        )
    for status in (None, RequestStatus.DRAFT):
        for limit in (1, 2, 5, 11, 50):
            for offset in range(0, 26):
                page = reads.request_list_json(owner=alice, limit=limit, offset=offset, status=status)
                assert_same(
                    json.loads(page) if isinstance(page, bytes) else page,
                    old_list(alice, limit=limit, offset=offset, status=status),
                    f"limit={limit} offset={offset} status={status}",
                )


@pytest.mark.parametrize("offset", [2**62, 2**63 - 1, 2**63, 10**30])
def test_an_offset_past_any_database_integer_is_an_empty_page(alice_client, data, offset) -> None:
    """Past bigint (or where offset + limit would pass it) the page is empty, with the total and the offset echoed."""
    answer = alice_client.get(URL, {"offset": str(offset), "limit": 200})
    assert answer.status_code == 200
    assert answer.json() == {"items": [], "limit": 200, "offset": offset, "total": 7}


def test_the_deep_page_skips_no_more_than_half_the_rows(alice) -> None:
    """PostgreSQL's plan for the last page reads it from the oldest end: the index scan returns the page's rows,
    not the offset's."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plan")
    Request.objects.bulk_create(Request(owner=alice, title=f"R{n}") for n in range(300))
    for offset, most in ((0, 50), (250, 50), (150, 150), (100, 150)):
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + reads._LIST_ALL_SQL,
                {"owner": alice.pk, "limit": 50, "offset": offset, "skip": offset, "status": None},
            )
            plan = cursor.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)
        # the page's two scans are the Append's (the count's is the CTE's); the branch not taken never runs
        scans = [node for node in _nodes(plan[0]["Plan"]) if node["Node Type"] == "Append"]
        scanned = [
            (node["Scan Direction"], node["Actual Rows"])
            for node in _nodes(scans[0])
            if node["Node Type"] == "Index Only Scan" and node["Actual Loops"]
        ]
        assert len(scanned) == 1 and scanned[0][1] <= most, (offset, scanned)
        assert scanned[0][0] == ("Forward" if offset <= 300 - offset - 50 else "Backward"), (offset, scanned)


def test_keys_are_not_counted_per_page_row(alice) -> None:
    """PostgreSQL's plan reads no key on any page: keys_count is a column (migration 0006; the old subquery
    counted keys offset + 50 times)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plan")
    Request.objects.bulk_create(Request(owner=alice, title=f"R{n}") for n in range(300))
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + reads._LIST_ALL_SQL,
            {"owner": alice.pk, "limit": 50, "offset": 250, "skip": 250, "status": None},
        )
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    tables = {node.get("Relation Name") for node in _nodes(plan[0]["Plan"])}
    assert Request._meta.db_table in tables and RequestKey._meta.db_table not in tables, tables


def test_keys_count_follows_every_writer_of_keys(alice, alice_client) -> None:
    """The list's keyscount against a count of the rows, after each way keys are written."""

    def listed() -> dict[int, int]:
        items = alice_client.get(URL, {"limit": 100}).json()["items"]
        return {item["id"]: item["keyscount"] for item in items}

    def counted() -> dict[int, int]:
        return {request.pk: request.keys.count() for request in Request.objects.filter(owner=alice)}

    created = alice_client.post(URL, {"keys": [{"pos": 1, "text": "а"}, {"pos": 2, "text": "б"}]}, format="json")
    request = Request.objects.get(pk=created.json()["requestid"])
    assert listed() == counted() == {request.pk: 2}
    services.request_replace_keys(owner=alice, request_id=request.pk, keys=[services.KeyData(pos=1, text="в")])
    assert listed() == counted() == {request.pk: 1}
    other = make_request_with_keys(7, owner=alice)  # bulk_create
    RequestKey.objects.create(request=other, pos=8, text="г", normalized_text="г")
    RequestKey.objects.filter(request=other, pos__lte=3).delete()
    RequestKey.objects.filter(request=other, pos=8).update(request=request, pos=2)  # moved to another request
    assert listed() == counted() == {request.pk: 2, other.pk: 4}
    with transaction.atomic():
        RequestKey.objects.filter(request=request).delete()
        transaction.set_rollback(True)
    assert listed() == counted()


def test_list_items_follow_every_writer_of_the_request_row(alice, alice_client, data) -> None:
    """``list_item`` (migration 0008) is kept by a trigger: every shown column, through every kind of writer."""
    from datetime import timedelta

    from django.utils import timezone

    def same() -> None:
        assert_same(alice_client.get(URL, {"limit": 100}).json(), old_list(alice, limit=100, offset=0))

    request = Request.objects.filter(owner=alice).order_by("pk").first()
    request.title = 'Новое «название» \\ с "кавычками"'
    request.save()  # Model.save: every column set
    same()
    Request.objects.filter(pk=request.pk).update(status="confirmed", deadline=timezone.now() + timedelta(days=3))
    same()
    Request.objects.filter(pk=request.pk).update(closed_at=timezone.now(), source_filename="прайс.xlsx", title=None)
    same()
    raw = f"UPDATE {Request._meta.db_table} SET created_at = %s, updated_at = %s WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:  # raw SQL, a timestamp with microseconds and one without
        cursor.execute(raw, ["2026-01-02 03:04:05.000007+00", "2026-01-02 03:04:05+00", request.pk])
    same()
    RequestKey.objects.filter(request=request).delete()  # keys_count through the keys' trigger
    same()
    services.request_create(owner=alice, keys=[services.KeyData(pos=1, text="новый")])  # the one-statement create
    same()


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
    with fake_states({}), django_assert_num_queries(1):  # the head, which is the answer when nothing is linked
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


# --- create -----------------------------------------------------------------------------------------------------

KEY = {"pos": 1, "text": "Фланец Д100"}
PLAIN_QTY_BODIES = [
    {"keys": [{**KEY, "qty": 4}, {"pos": 2, "text": "y", "qty": 100}, {"pos": 3, "text": "z", "qty": 1}]},
    {"keys": [{**KEY, "qty": 99999999999999}, {"pos": 2, "text": "y", "qty": 12345678901234}]},
    {"keys": [{**KEY, "qty": 1.5}, {"pos": 2, "text": "y", "qty": 0.0001}, {"pos": 3, "text": "z", "qty": 12345.6789}]},
    {
        "keys": [
            {**KEY, "qty": 4.0},
            {"pos": 2, "text": "y", "qty": 99999999999999.98},
            {"pos": 3, "text": "z", "qty": 1e-4},
        ]
    },
    {"keys": [{**KEY, "qty": 10**13 + 0.5}, {"pos": 2, "text": "y", "qty": 0.1}, {"pos": 3, "text": "z", "qty": 7.25}]},
]
CREATE_BODIES = [
    {"keys": [KEY]},
    {"title": "  Заявка  ", "keys": [KEY, {"pos": 2, "text": " Труба\t57х3,5 ", "unit": " шт ", "note": "  "}]},
    {"title": None, "keys": [{**KEY, "qty": 2.5, "unit": None, "note": None}]},
    {"title": "", "keys": [{**KEY, "qty": "10", "unit": "", "note": "Примечание"}, {"pos": 2147483647, "text": "x"}]},
    {"keys": [{**KEY, "qty": 0.0001}, {"pos": 2, "text": "y", "qty": "12345678901234.1234"}, {"pos": 3, "text": "z"}]},
    {"keys": [{**KEY, "extra": "ignored"}], "other": 1},
    # everything below is refused by the serializer or read differently by it: the lean path must give up
    {"keys": [{**KEY, "qty": 0.00001}]},
    {"keys": [{**KEY, "qty": 0}]},
    {"keys": [{**KEY, "qty": -1}]},
    {"keys": [{**KEY, "qty": "abc"}]},
    {"keys": [{**KEY, "qty": True}]},
    {"keys": [{**KEY, "qty": "NaN"}]},
    {"keys": [{**KEY, "qty": 1e15}]},
    {"keys": [{"pos": "1", "text": "x"}]},
    {"keys": [{"pos": 1.0, "text": "x"}]},
    {"keys": [{"pos": True, "text": "x"}]},
    {"keys": [{"pos": 0, "text": "x"}]},
    {"keys": [{"pos": 2147483648, "text": "x"}]},
    {"keys": [{"text": "x"}]},
    {"keys": [{"pos": 1}]},
    {"keys": [{"pos": 1, "text": None}]},
    {"keys": [{"pos": 1, "text": "   "}]},
    {"keys": [{"pos": 1, "text": 5}]},
    {"keys": [{"pos": 1, "text": "x" * 1001}]},
    {"keys": [{"pos": 1, "text": " " + "x" * 1000 + " "}]},
    {"keys": [{"pos": 1, "text": "a\x00b"}]},
    {"keys": [{"pos": 1, "text": "a\ud800b"}]},
    {"keys": [{**KEY, "unit": "u" * 33}]},
    {"keys": [{**KEY, "unit": 5}]},
    {"keys": [{**KEY, "note": "n" * 1001}]},
    {"keys": [{**KEY, "note": ["x"]}]},
    {"title": "t" * 256, "keys": [KEY]},
    {"title": 5, "keys": [KEY]},
    {"keys": []},
    {"keys": [KEY] * 2001},
    {"keys": KEY},
    {"keys": ["x"]},
    {"keys": None},
    {},
    [KEY],
    # qty as a JSON number (issue 15: ints and short floats skip the DecimalField); each must read as the field does
    *PLAIN_QTY_BODIES,
    {"keys": [{**KEY, "qty": 100000000000000}]},
    {"keys": [{**KEY, "qty": 10**20}]},
    {"keys": [{**KEY, "qty": -5}]},
    {"keys": [{**KEY, "qty": -2.5}]},
    {"keys": [{**KEY, "qty": 0.0}]},
    {"keys": [{**KEY, "qty": -0.0}]},
    {"keys": [{**KEY, "qty": False}]},
    {"keys": [{**KEY, "qty": 0.1 + 0.2}]},
    {"keys": [{**KEY, "qty": 1.23456}]},
    {"keys": [{**KEY, "qty": 5e-5}]},
    {"keys": [{**KEY, "qty": 1e14}]},
    {"keys": [{**KEY, "qty": 123456789012345.6}]},
    {"keys": [{**KEY, "qty": 1e16}]},
    {"keys": [{**KEY, "qty": float("inf")}]},
    {"keys": [{**KEY, "qty": float("nan")}]},
    {"keys": [{**KEY, "qty": "4"}, {"pos": 2, "text": "y", "qty": " 2.50 "}]},
]


@pytest.mark.parametrize("body", CREATE_BODIES, ids=range(len(CREATE_BODIES)))
def test_the_lean_create_body_reads_what_the_serializer_reads_or_gives_up(body) -> None:
    serializer = CreateRequestManualRequestDTOSerializer(data=body)
    lean = create_body(body)

    if lean is None:
        return  # the view runs the serializer itself
    assert serializer.is_valid(), serializer.errors
    assert lean == (serializer.validated_data.get("title"), serializer.validated_data["keys"])
    assert [type(key.qty) for key in lean[1]] == [type(key.qty) for key in serializer.validated_data["keys"]]
    assert [str(key.qty) for key in lean[1]] == [str(key.qty) for key in serializer.validated_data["keys"]]


@pytest.mark.parametrize("body", PLAIN_QTY_BODIES, ids=range(len(PLAIN_QTY_BODIES)))
def test_plain_number_quantities_are_read_without_the_decimal_field(body, monkeypatch) -> None:
    monkeypatch.setattr(serializers._QTY, "run_validation", None)  # would fail if called

    assert create_body(body) is not None


def test_the_lean_path_is_taken_for_plain_bodies() -> None:
    assert [create_body(body) is not None for body in CREATE_BODIES[:8]] == [True] * 6 + [False] * 2


@pytest.mark.parametrize("body", CREATE_BODIES[:6], ids=range(6))
def test_create_answers_and_stores_as_the_serializer_path_did(alice, alice_client, body) -> None:
    response = alice_client.post(URL, body, format="json")

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    created = Request.objects.get(pk=response.json()["requestid"])
    old_answer = {"success": True, "requestid": created.pk, "filename": None, "status": "draft", "message": None}
    assert response.content == JSONRenderer().render(CreateRequestResponseDTOSerializer(old_answer).data)
    serializer = CreateRequestManualRequestDTOSerializer(data=body)
    assert serializer.is_valid()
    with transaction.atomic():  # the old write, rolled back: the same rows but for ids and timestamps
        old = services.request_create(
            owner=alice, title=serializer.validated_data.get("title"), keys=serializer.validated_data["keys"]
        )
        old_rows = _stored(old)
        transaction.set_rollback(True)
    assert _stored(created) == old_rows
    assert created.owner_id == alice.pk and created.created_at <= created.updated_at


def _stored(request: Request) -> tuple:
    request = Request.objects.get(pk=request.pk)
    head = (request.title, request.status, request.source_filename, request.source_attachment_id, request.deadline)
    keys = RequestKey.objects.filter(request=request).order_by("pos")
    return head, list(keys.values_list("pos", "text", "normalized_text", "qty", "unit", "note"))


def test_create_is_one_statement_after_authentication(alice, alice_client, django_assert_max_num_queries) -> None:
    alice_client.get(URL)  # the JWT check now has the user cached
    with django_assert_max_num_queries(1 if connection.vendor == "postgresql" else 4):
        assert alice_client.post(URL, CREATE_BODIES[1], format="json").status_code == 200


def test_a_failed_create_leaves_nothing(alice, alice_client) -> None:
    response = alice_client.post(URL, {"keys": [KEY, {"pos": 1, "text": "again"}]}, format="json")

    assert response.status_code == 422 and not Request.objects.exists() and not RequestKey.objects.exists()


def test_postgresql_answers_are_the_database_bytes(alice, data) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL JSON")
    page = reads.request_list_json(owner=alice, limit=5, offset=0)
    with fake_states(states_for(data["suppliers"])):
        detail = reads.request_detail_json(owner=alice, request_id=data["linked"].pk)

    assert isinstance(page, bytes) and isinstance(detail, bytes)
    assert json.loads(detail)["keys"][0]["suppliers"] and json.loads(page)["total"] == 7


def test_the_detail_is_the_same_under_a_prepared_generic_plan(alice, alice_client, data) -> None:
    """Prepared (generic) plans estimate a few keys per request: the big detail must not turn quadratic."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plan")
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            with fake_states(states_for(data["suppliers"])):
                for _ in range(7):  # past DB_PREPARE_THRESHOLD: prepared, then the generic plan
                    response = alice_client.get(f"{URL}/{data['linked'].pk}")
                    assert_same(response.json(), old_detail(alice, data["linked"].pk))
        finally:
            cursor.execute("RESET plan_cache_mode")
