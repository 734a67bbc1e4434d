"""`send` to 1,000 recipients: how fast the API answers and how fast one worker host delivers everything.

Starts an SMTP sink (aiosmtpd, counting what it accepts) on loopback and one Celery worker host
(``--pool=prefork``, concurrency = CPU count unless ``--concurrency``), creates a buyer, a confirmed request
and 1,000 ticked suppliers, then calls ``POST /api/v1/user/requests/{id}/send`` in-process through the
Django test client (view + service + commit + publishing the 1,000 tasks) and polls the database until
every message is ``sent``. Targets (PRODUCT.md §4): answer < 1 s, all delivered < 30 s.

    .venv/bin/python bench/send_fanout.py                       # PostgreSQL b2b_messaging_bench, Redis DB 11
    .venv/bin/python bench/send_fanout.py --recipients 2000 --concurrency 4

Environment: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/b2b_messaging_bench``, created
and migrated when missing), ``DJANGO_SETTINGS_MODULE`` (default local). The broker is always the script's
own (``--broker``, default Redis DB 11, flushed first), so no other worker steals its tasks.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/b2b_messaging_bench"
INN_BASE = 8_000_000  # bench suppliers' INNs live far from the factories' and the seed's ranges


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CountingHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.accepted += 1
        return "250 OK"


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist (PostgreSQL only)."""
    import psycopg

    if not url.startswith("postgres"):
        return
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str, **environment: str) -> None:
    """The benches' common start: ``DATABASE_URL`` and ``environment`` in the environment (``LOG_LEVEL`` WARNING
    unless set), local settings and DEBUG off unless told otherwise, the database created when missing, Django
    set up and migrated."""
    os.environ.update(DATABASE_URL=database_url, LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"), **environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "b2bplatform.settings.local")
    os.environ.setdefault("DEBUG", "false")
    ensure_database(database_url)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(recipients: int) -> tuple[Any, Any]:
    """A buyer, a confirmed request with 5 keys, and ``recipients`` ticked suppliers (reused across runs)."""
    from stdnum.ru import inn as stdnum_inn

    from accounts.models import User
    from messaging.models import Recipient
    from requests_app.models import Request, RequestKey, RequestStatus
    from suppliers.models import Supplier

    def inn(n: int) -> str:
        body = f"77{(INN_BASE + n) % 10**7:07d}"
        return body + stdnum_inn.calc_company_check_digit(body)

    buyer = User.objects.create_user(f"bench-{uuid.uuid4().hex[:12]}@fanout.example")
    request = Request.objects.create(owner=buyer, title="Fan-out bench", status=RequestStatus.CONFIRMED)
    RequestKey.objects.bulk_create(
        RequestKey(request=request, pos=pos, text=f"Flange DN{pos}00", normalized_text=f"flange dn{pos}00", unit="pcs")
        for pos in range(1, 6)
    )
    wanted = {inn(n): n for n in range(recipients)}
    existing = set(Supplier.objects.filter(inn__in=wanted).values_list("inn", flat=True))
    Supplier.objects.bulk_create(
        Supplier(inn=code, name=f"Fan-out supplier {n}", email=f"sales{n}@fanout-{n}.example")
        for code, n in wanted.items()
        if code not in existing
    )
    suppliers = Supplier.objects.filter(inn__in=wanted)
    Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in suppliers)
    return buyer, request


def start_worker(env: dict[str, str], node: str, concurrency: int, log_path: Path) -> subprocess.Popen[bytes]:
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery), "-A", "b2bplatform", "worker", "--pool=prefork", "-c", str(concurrency), "-Q", "celery",
        "-n", node, "--without-mingle", "--without-gossip", "-l", "WARNING",
    ]  # fmt: skip
    log = log_path.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(node: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 90) -> None:
    """Ping the worker over the broker until it answers (its log stays at WARNING, as in production)."""
    from b2bplatform.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited: {log_path.read_text(errors='replace')[-2000:]}")
        if app.control.ping(destination=[node], timeout=0.5):
            return
    raise RuntimeError("the worker did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    smtp_port = free_port()
    sink = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    sink.start()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="b2b-fanout-media-"))
    setup_django(
        database_url,
        CELERY_BROKER_URL=args.broker,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    import redis
    from django.db.models import Count
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from messaging.models import Message, MessageStatus

    redis.Redis.from_url(args.broker).flushdb()
    buyer, request = seed(args.recipients)
    log_path = Path(tempfile.mkdtemp(prefix="b2b-fanout-")) / "worker.log"
    node = f"fanout-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    worker = start_worker(dict(os.environ), node, args.concurrency, log_path)
    try:
        wait_ready(node, worker, log_path)
        client = APIClient(HTTP_HOST="127.0.0.1")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(buyer).access_token}")
        body = {"subject": "RFQ: flanges (fan-out bench)", "body": "Please quote the items below."}
        # A warm process, as a web worker that has served requests before: URLconf, views, DB connection.
        client.get(f"/api/v1/user/requests/{request.pk}/messages")

        started = time.monotonic()
        answer = client.post(f"/api/v1/user/requests/{request.pk}/send", body, format="json")
        answered = time.monotonic() - started
        if answer.status_code != 200:
            print(f"send failed: {answer.status_code} {answer.content[:500]!r}", file=sys.stderr)
            return 1
        ids = answer.json()["messageids"]

        sent = 0
        while time.monotonic() - started < args.timeout:
            sent = Message.objects.filter(pk__in=ids, status=MessageStatus.SENT).count()
            if sent == len(ids):
                break
            time.sleep(0.1)
        delivered = time.monotonic() - started
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
        sink.stop()

    rows = Message.objects.filter(pk__in=ids).order_by().values("status").annotate(n=Count("id"))
    states = dict(rows.values_list("status", "n"))
    ok = sent == len(ids) and answered < 1.0 and delivered < 30.0
    print(f"recipients {len(ids)}, worker concurrency {args.concurrency} (prefork, 1 host), states {states}")
    print(f"send answer: {answered:.3f} s (target < 1 s); all sent: {delivered:.2f} s (target < 30 s); "
          f"SMTP accepted {handler.accepted}")  # fmt: skip
    print("send_fanout: OK" if ok else "send_fanout: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
