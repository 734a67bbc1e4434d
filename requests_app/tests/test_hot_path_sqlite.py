"""The hot reads on SQLite (the embedded default): ``.values()`` rows, the same answers as the serializers.

Run by ``test_hot_path.py::test_sqlite_builds_the_same_answers`` in a child process with a SQLite
``DATABASE_URL``; skipped in the main (PostgreSQL) run.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

from requests_app.models import Request
from requests_app.tests.hot_path_data import assert_same, fake_states, old_detail, old_list, seed, states_for

URL = "/api/v1/user/requests"

pytestmark = [
    pytest.mark.skipif(os.environ.get("HOT_PATH_SQLITE") != "1", reason="run by test_hot_path.py on SQLite"),
    pytest.mark.django_db,
]


def test_list_and_detail_answer_as_the_serializers_did(alice, alice_client, bob_client) -> None:
    assert connection.vendor == "sqlite"
    data = seed(alice)
    for query in [{}, {"limit": 2, "offset": 3}, {"offset": 7}, {"status": "draft"}]:
        assert_same(alice_client.get(URL, query).json(), old_list(alice, **{"limit": 50, "offset": 0, **query}))
    with fake_states(states_for(data["suppliers"])):
        for request in data["requests"]:
            assert_same(alice_client.get(f"{URL}/{request.pk}").json(), old_detail(alice, request.pk))
    assert bob_client.get(f"{URL}/{data['linked'].pk}").status_code == 404


def test_create_stores_the_request_and_its_keys(alice, alice_client) -> None:
    body = {"title": " T ", "keys": [{"pos": 2, "text": " b ", "qty": 2.5}, {"pos": 1, "text": "a", "unit": " шт "}]}
    response = alice_client.post(URL, body, format="json")

    assert response.status_code == 200, response.content
    request = Request.objects.get(pk=response.json()["requestid"])
    assert (request.owner_id, request.title, request.status) == (alice.pk, "T", "draft")
    assert [(k.pos, k.text, k.qty, k.unit) for k in request.keys.order_by("pos")] == [
        (1, "a", None, "шт"),
        (2, "b", 2.5, None),
    ]
