"""The buyer's comparison of a 2,000-key request with 20 current quotes: JSON and XLSX, queries and time.

Seeds (once per run, in its own rows) a request of 2,000 keys e-mailed to 21 suppliers, 20 of whom quoted every
key (40,000 lines; ``quotes/tests/data.py``), then calls ``GET …/comparison`` and ``…?format=xlsx`` through the
Django test client in-process, after one warm-up each, and prints the median of ``--runs`` beside the targets of
PRODUCT.md §4: JSON ≤ 8 queries and < 1 s, XLSX < 5 s.

    .venv/bin/python bench/quotes_comparison.py          # PostgreSQL b2b_quotes_bench (created when missing)
    .venv/bin/python bench/quotes_comparison.py --keys 500 --suppliers 5 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/b2b_quotes_bench"
sys.path.insert(0, str(ROOT / "bench"))

from send_fanout import setup_django  # noqa: E402

TARGET_QUERIES = 8
TARGET_JSON_SECONDS = 1.0
TARGET_XLSX_SECONDS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=2000)
    parser.add_argument("--suppliers", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_QUOTES_DATABASE_URL") or DEFAULT_DB
    setup_django(database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.tests.factories import UserFactory
    from quotes.tests.data import seed_comparison

    tag = uuid.uuid4().hex[:8]
    buyer = UserFactory(email=f"buyer-{tag}@quotes.example")
    started = time.monotonic()
    request = seed_comparison(buyer, keys=args.keys, suppliers=args.suppliers, tag=tag)
    seeded = time.monotonic() - started
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(buyer).access_token}")
    url = f"/api/v1/user/requests/{request.pk}/comparison"

    def timed(path: str) -> tuple[list[float], list[float], int, int, int]:
        client.get(path)  # warm-up: connection, caches, imports
        timings, cpu, queries, size, status = [], [], 0, 0, 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                begin, begin_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                timings.append(time.perf_counter() - begin)
                cpu.append(time.process_time() - begin_cpu)
            queries, size, status = len(captured), len(response.content), response.status_code
        return timings, cpu, queries, size, status

    json_times, json_cpu, json_queries, json_size, json_status = timed(url)
    xlsx_times, xlsx_cpu, xlsx_queries, xlsx_size, xlsx_status = timed(url + "?format=xlsx")
    json_median, xlsx_median = statistics.median(json_times), statistics.median(xlsx_times)
    ok = (
        json_status == 200
        and xlsx_status == 200
        and json_queries <= TARGET_QUERIES
        and json_median < TARGET_JSON_SECONDS
        and xlsx_median < TARGET_XLSX_SECONDS
    )
    lines = args.keys * args.suppliers
    print(f"seeded {args.keys} keys × {args.suppliers} quotes ({lines} lines) in {seeded:.1f} s; median of {args.runs}")
    load = os.getloadavg()[0]
    print(f"comparison JSON: {json_queries} queries (target ≤ {TARGET_QUERIES}), {json_median:.3f} s "
          f"(target < {TARGET_JSON_SECONDS:.0f} s; web CPU {statistics.median(json_cpu):.3f} s), "
          f"{json_size / 1e6:.1f} MB")  # fmt: skip
    print(f"comparison XLSX: {xlsx_queries} queries, {xlsx_median:.3f} s (target < {TARGET_XLSX_SECONDS:.0f} s; "
          f"web CPU {statistics.median(xlsx_cpu):.3f} s), {xlsx_size / 1e6:.1f} MB; load {load:.1f}")  # fmt: skip
    print("quotes_comparison: OK" if ok else "quotes_comparison: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
