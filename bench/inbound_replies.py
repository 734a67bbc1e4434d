"""1,000 supplier replies waiting in the reply mailbox: how fast one worker files them all.

Starts a real IMAP server (Debian's dovecot on loopback, as the tests do; the local maildir when dovecot cannot
run here, said in the output), an SMTP sink for the buyers' copies and one Celery worker host (``--pool=prefork
-c 1``), creates a buyer, a sent request with 1,000 recipients, puts one reply per recipient in the mailbox
(IMAP APPEND, each to its recipient's reply address, one with an attachment in ten), then publishes
``messaging.fetch_replies`` once and polls the database until every reply is an incoming message. Target
(issue 18): 1,000 replies filed in < 60 s with one worker. The copies to the buyer are timed too.

    .venv/bin/python bench/inbound_replies.py                 # PostgreSQL b2b_inbound_bench, Redis DB 12
    .venv/bin/python bench/inbound_replies.py --replies 2000

Environment: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/b2b_inbound_bench``, created and
migrated when missing). The broker is the script's own (``--broker``, flushed first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from send_fanout import CountingHandler, free_port, setup_django, start_worker, wait_ready  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/b2b_inbound_bench"
INN_BASE = 6_000_000


def seed(count: int) -> tuple[Any, Any, list[Any]]:
    from stdnum.ru import inn as stdnum_inn

    from accounts.models import User
    from messaging.models import Direction, Message, MessageStatus, Recipient
    from requests_app.models import Request, RequestKey, RequestStatus
    from suppliers.models import Supplier

    def inn(n: int) -> str:
        body = f"77{(INN_BASE + n) % 10**7:07d}"
        return body + stdnum_inn.calc_company_check_digit(body)

    buyer = User.objects.create_user(f"bench-{uuid.uuid4().hex[:12]}@inbound.example")
    request = Request.objects.create(owner=buyer, title="Inbound bench", status=RequestStatus.PROCESSING)
    RequestKey.objects.create(request=request, pos=1, text="Flange DN100", normalized_text="flange dn100", unit="pcs")
    wanted = {inn(n): n for n in range(count)}
    existing = set(Supplier.objects.filter(inn__in=wanted).values_list("inn", flat=True))
    Supplier.objects.bulk_create(
        Supplier(inn=code, name=f"Inbound supplier {n}", email=f"sales{n}@inbound-{n}.example")
        for code, n in wanted.items()
        if code not in existing
    )
    suppliers = list(Supplier.objects.filter(inn__in=wanted))
    Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in suppliers)
    tag = uuid.uuid4().hex[:8]
    Message.objects.bulk_create(
        Message(
            request=request,
            supplier=card,
            direction=Direction.OUTGOING,
            to_email=card.email,
            subject="RFQ",
            body="Please quote.",
            status=MessageStatus.SENT,
            message_id=f"<msg-b{tag}{card.pk}.0@b2b.localhost>",
        )
        for card in suppliers
    )
    recipients = list(Recipient.objects.filter(request=request).select_related("supplier"))
    return buyer, request, recipients


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    smtp_port = free_port()
    sink = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    sink.start()

    from messaging.tests.dovecot import DovecotServer

    workdir = Path(tempfile.mkdtemp(prefix="b2b-inbound-bench-"))
    server: DovecotServer | None = None
    why_not = DovecotServer.unavailable()
    if why_not is None:
        server = DovecotServer(workdir)
        try:
            server.start()
        except Exception as error:  # noqa: BLE001
            why_not, server = str(error)[:300], None
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="b2b-inbound-media-"))
    setup_django(
        database_url,
        CELERY_BROKER_URL=args.broker,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        CELERY_TASK_ALWAYS_EAGER="false",
        IMAP_URL=server.imaps_url if server else "",
        IMAP_CA_FILE=str(server.cert) if server else "",
        INBOUND_MAILDIR=str(workdir / "maildir"),
        INBOUND_FETCH_BUDGET_SECONDS="600",
    )
    import redis

    from messaging import mailbox
    from messaging.models import Direction, Message
    from messaging.queueing import FETCH_REPLIES, publish_task
    from messaging.tests.mails import reply_to_recipient

    redis.Redis.from_url(args.broker).flushdb()
    _buyer, request, recipients = seed(args.replies)
    raws = [
        reply_to_recipient(
            recipient,
            message_id=f"<bench-{uuid.uuid4().hex}@supplier.example>",
            body=f"Price for request {request.pk}: {100 + index} RUB.\n" * 5,
            attachments=[("price.csv", f"1;Flange;{100 + index}\n".encode(), "text/csv")] if index % 10 == 0 else [],
        )
        for index, recipient in enumerate(recipients)
    ]
    started_fill = time.monotonic()
    if server:
        server.append(*raws)
    else:
        for raw in raws:
            mailbox.drop_into_maildir(raw, workdir / "maildir")
    filled = time.monotonic() - started_fill

    log_path = workdir / "worker.log"
    node = f"inbound-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    worker = start_worker(dict(os.environ), node, 1, log_path)
    try:
        wait_ready(node, worker, log_path)
        incoming = Message.objects.filter(request=request, direction=Direction.INCOMING)
        started = time.monotonic()
        publish_task(FETCH_REPLIES)
        filed = 0
        filed_at = copies_at = None
        while time.monotonic() - started < args.timeout:
            filed = incoming.count()
            if filed >= len(raws) and filed_at is None:
                filed_at = time.monotonic() - started
            if filed_at is not None and handler.accepted >= len(raws):
                copies_at = time.monotonic() - started
                break
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
        sink.stop()
        if server:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    source = "IMAP (dovecot, imaps on loopback)" if server else f"maildir (dovecot unavailable: {why_not})"
    ok = filed_at is not None and filed_at < 60.0
    print(f"replies {len(raws)} in the mailbox via {source} (filled in {filled:.1f} s); one worker, concurrency 1")
    print(f"all filed: {filed_at:.2f} s (target < 60 s)" if filed_at is not None else f"filed {filed} of {len(raws)}")
    print(
        f"buyer's copies sent: {copies_at:.2f} s, SMTP accepted {handler.accepted}"
        if copies_at
        else f"buyer's copies accepted so far: {handler.accepted}"
    )
    print("inbound_replies: OK" if ok else "inbound_replies: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
