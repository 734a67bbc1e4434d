"""Times `POST /api/v1/user/upload-and-create` with a 2,000-row XLSX (target: a draft request in < 3 s).

How: builds the workbook with openpyxl (header `№ | Наименование | Ед. изм. | Кол-во`, 2,000 realistic keys),
creates a throw-away test database with Django's test machinery (migrated from scratch, named
`bench_import_<pid>` on a server so a test run's `test_<name>` is never touched; the configured database itself is
never written), and posts the file through the whole API stack — JWT authentication,
multipart parsing, the importer, the attachment store and the bulk insert — with the Django test client,
in process, after one warm-up request. Uploaded files go to a temporary directory. Each run is timed from
sending the request to receiving the answer; every run, the best and the median are printed. The file is
parsed in the capped child process of `requests_app/importers/sandbox.py`, as in production. Last, a crafted
workbook (the 5-million-shared-strings bomb of issue 13, ~200 KiB) is posted once: it must be refused with a
4xx within seconds.

    .venv/bin/python bench/import_xlsx.py [--runs 5] [--rows 2000]

Uses DJANGO_SETTINGS_MODULE (default `b2bplatform.settings.local`, i.e. SQLite) and DATABASE_URL; for the
product's figure run it on PostgreSQL, e.g. `DATABASE_URL=postgres://postgres@127.0.0.1:5432/b2bplatform`.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook

# Django is set up in main(), not here: the import's parse process is a multiprocessing child, which
# re-imports this script (as `__mp_main__`) and must not pay for a Django set-up each time.
ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 3.0
BOMB_TARGET_SECONDS = 5.0
ITEMS = (
    "Фланец плоский Д{n} Ст20 ГОСТ 33259-2015",
    "Труба стальная бесшовная 57х{n},5 ГОСТ 8732-78",
    "Кабель ВВГнг(А)-LS 3х{n},5",
    "Подшипник шариковый 62{n}-2RS",
    "Отвод крутоизогнутый 90° d{n}х4",
    "Болт М{n}х50 оцинкованный DIN 933",
)
UNITS = ("шт", "м", "кг", "компл")


def build_xlsx(rows: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["№", "Наименование", "Ед. изм.", "Кол-во"])
    for pos in range(1, rows + 1):
        text = ITEMS[pos % len(ITEMS)].format(n=10 + pos % 90)
        sheet.append([pos, text, UNITS[pos % len(UNITS)], round(1 + pos * 0.25, 2)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_bomb(strings: int = 5_000_000) -> bytes:
    """A workbook whose sharedStrings.xml holds `strings` one-letter strings: ~200 KiB that unpack to 85 MB."""
    with zipfile.ZipFile(io.BytesIO(build_xlsx(1))) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(strings // 50_000):
                member.write(b"<si><t>a</t></si>" * 50_000)
            member.write(b"</sst>")
    return buffer.getvalue()


def time_bomb(client, content: bytes) -> str:
    upload = io.BytesIO(content)
    upload.name = "bomb.xlsx"
    started = time.perf_counter()
    response = client.post("/api/v1/user/upload-and-create", {"file": upload}, secure=True)
    elapsed = time.perf_counter() - started
    if not 400 <= response.status_code < 500 or elapsed >= BOMB_TARGET_SECONDS:
        raise SystemExit(f"the crafted workbook answered {response.status_code} in {elapsed:.3f} s")
    code = response.json().get("code", "")
    size = len(content) // 1024
    return f"crafted {size} KiB xlsx (5 M shared strings) → {response.status_code} {code} in {elapsed:.3f} s"


def time_upload(client, content: bytes, run: int) -> tuple[float, dict]:
    upload = io.BytesIO(content)
    upload.name = f"bench-{run}.xlsx"
    started = time.perf_counter()
    response = client.post("/api/v1/user/upload-and-create", {"file": upload, "title": "bench"}, secure=True)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"upload-and-create answered {response.status_code}: {response.content[:500]!r}")
    return elapsed, response.json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "b2bplatform.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

    content = build_xlsx(args.rows)
    setup_test_environment()
    if connection.vendor != "sqlite":  # a name of its own: a test run's test_<name> beside it stays untouched
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_import_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory(prefix="b2b-bench-import-") as media:
            storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}}
            with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
                timings, bomb = run_benchmark(content, args.runs, args.rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    vendor = connection.vendor
    print(f"mode: Django test client in process, throw-away {vendor} database, {len(content) // 1024} KiB workbook")
    print("runs (s): " + ", ".join(f"{t:.3f}" for t in timings))
    print(f"{bomb} (target 4xx < {BOMB_TARGET_SECONDS:g} s)")
    best, median = min(timings), statistics.median(timings)
    verdict = "OK" if median < TARGET_SECONDS else "SLOWER THAN TARGET"
    figures = f"best {best:.3f} s, median {median:.3f} s (target < {TARGET_SECONDS} s)"
    print(f"import_xlsx {args.rows} rows → draft request: {figures} {verdict}")
    return 0 if median < TARGET_SECONDS else 1


def run_benchmark(content: bytes, runs: int, rows: int) -> tuple[list[float], str]:
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User
    from requests_app.models import RequestKey

    user = User.objects.create_user("bench-import@buyer.example")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    # Warm-up: the first request of a process loads the URLconf and every view module; that is start-up cost,
    # not import cost, so it is paid before timing (a running server paid it long ago).
    client.get("/api/v1/user/requests", secure=True)
    timings = []
    for run in range(runs):
        elapsed, body = time_upload(client, content, run)
        stored = RequestKey.objects.filter(request_id=body["requestid"]).count()
        if stored != rows:
            raise SystemExit(f"expected {rows} keys, the request has {stored}: {body}")
        timings.append(elapsed)
    return timings, time_bomb(client, build_bomb())


if __name__ == "__main__":
    sys.exit(main())
