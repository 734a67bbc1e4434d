"""A web-discovery run of 200 keys × 10 results against a local fake SearXNG, on one worker host.

Starts a fake SearXNG (http.server on loopback, 10 results a page, 20 distinct roots shared by the keys) and
one Celery worker host (``--pool=prefork``, concurrency = CPU count unless ``--concurrency``), creates a
confirmed request with 200 keys, calls ``start-parsing`` (depth 1) in-process through the test client and
polls until the run has ended, hits grouped and counted. Then it reads the pending-domain queue with
≥ 10,000 hits stored and counts its queries. Targets (issue 17): run < 30 s, queue page ≤ 5 queries.

    .venv/bin/python bench/discovery_run.py            # PostgreSQL b2b_discovery_bench, Redis DB 2
    .venv/bin/python bench/discovery_run.py --keys 400 --concurrency 4
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/b2b_discovery_bench"
sys.path.insert(0, str(ROOT / "bench"))

from send_fanout import setup_django, start_worker, wait_ready  # noqa: E402


class FakeSearxng(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the http.server API spells it so
        query = parse_qs(urlsplit(self.path).query)
        q, page = query["q"][0], int(query["pageno"][0])
        salt = abs(hash(q)) % 1000
        results = [{"url": f"https://www.root{(salt + i) % 20}.example/{salt}/{page}/{i}", "title": f"{q} {i}",
                    "engine": "google"} for i in range(10)]  # fmt: skip
        payload = json.dumps({"results": results}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSearxng)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    setup_django(
        database_url, CELERY_BROKER_URL=args.broker, CELERY_TASK_ALWAYS_EAGER="false",
        SEARCH_PROVIDER="searxng", SEARXNG_URL=f"http://127.0.0.1:{server.server_address[1]}",
        SEARCH_RATE_PER_MINUTE="0",
    )  # fmt: skip
    import redis
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.tests.factories import UserFactory
    from discovery.models import KeySearch, SearchHit, SearchRun
    from requests_app.models import Request, RequestKey, RequestStatus

    redis.Redis.from_url(args.broker).flushdb()
    tag = uuid.uuid4().hex[:8]
    buyer = UserFactory(email=f"buyer-{tag}@discovery.example")
    moderator = UserFactory(email=f"mod-{tag}@discovery.example", moderator=True)
    request = Request.objects.create(owner=buyer, title="Discovery bench", status=RequestStatus.CONFIRMED)
    RequestKey.objects.bulk_create(
        RequestKey(request=request, pos=pos, text=f"Flange DN{pos} {tag}", normalized_text=f"flange dn{pos} {tag}")
        for pos in range(1, args.keys + 1)
    )
    log_path = Path(tempfile.mkdtemp(prefix="b2b-discovery-")) / "worker.log"
    node = f"discovery-{tag}@{socket.gethostname()}"
    worker = start_worker(dict(os.environ), node, args.concurrency, log_path)
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(moderator).access_token}")
    try:
        wait_ready(node, worker, log_path)
        started = time.monotonic()
        answer = client.post(f"/api/v1/moderator/requests/{request.pk}/start-parsing", {"depth": 1}, format="json")
        answered = time.monotonic() - started
        run_id = answer.json()["runId"]
        while time.monotonic() - started < args.timeout:
            if SearchRun.objects.filter(pk=run_id, status__in=["succeeded", "failed"]).exists():
                break
            time.sleep(0.1)
        finished = time.monotonic() - started
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
        server.shutdown()

    run = SearchRun.objects.get(pk=run_id)
    hits = SearchHit.objects.filter(run=run).count()
    states = dict(KeySearch.objects.filter(run=run).values_list("status").annotate(n=Count("id")))
    total_hits = SearchHit.objects.count()
    client.get("/api/v1/moderator/pending-domains?limit=50")  # warm
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/v1/moderator/pending-domains?limit=50")
    ok = run.status == "succeeded" and finished < 30.0 and len(queries) <= 5 and page.status_code == 200
    print(f"keys {args.keys} × 10 results, worker concurrency {args.concurrency} (prefork, 1 host): run {run.status} "
          f"{states}, {hits} hits; start-parsing answered in {answered:.3f} s; run ended in {finished:.2f} s "
          "(target < 30 s)")  # fmt: skip
    print(f"pending-domains page with {total_hits} hits stored: {len(queries)} queries (target ≤ 5), "
          f"{page.json().get('total')} domains")  # fmt: skip
    print("discovery_run: OK" if ok else "discovery_run: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
