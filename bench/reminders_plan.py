"""Reminders for 10,000 open recipients: how long one planning run takes and how many queries it makes.

Seeds (once per database; reused across runs) 100 processing requests × 100 contacted suppliers whose
−48 h reminder slot is due, plus as many recipients that must *not* be reminded (replied, quoted, bounced,
not yet sent), then runs ``messaging.deadlines.plan_reminders`` once with the query log on and once more
(nothing left to write). The reminders written are deleted afterwards, so the next run plans them again.
Publishing to the broker is counted, not done (delivery is ``send_fanout.py``'s figure).
Target (PRODUCT.md §4): planned in < 10 s and ≤ 10 queries.

    .venv/bin/python bench/reminders_plan.py                       # PostgreSQL b2b_reminders_bench
    .venv/bin/python bench/reminders_plan.py --requests 200 --recipients 100

Environment: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/b2b_reminders_bench``, created and
migrated when missing), ``DJANGO_SETTINGS_MODULE`` (default local).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from send_fanout import setup_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/b2b_reminders_bench"
INN_BASE = 6_000_000  # bench suppliers' INNs live far from the factories', the seed's and the fan-out bench's


def seed(requests: int, recipients: int) -> list[int]:
    """``requests`` processing requests with ``recipients`` due recipients each, and as many decoys; their ids."""
    from django.utils import timezone
    from stdnum.ru import inn as stdnum_inn

    from accounts.models import User
    from messaging.models import Mailing, MailingKind, Message, MessageStatus, Recipient, ReplyStatus
    from requests_app.models import Request, RequestKey, RequestStatus
    from suppliers.models import Supplier

    title = f"Reminders bench {requests}x{recipients}"
    existing = list(Request.objects.filter(title=title).values_list("pk", flat=True))
    if len(existing) == requests:
        refresh(existing)
        return existing

    def inn(n: int) -> str:
        body = f"77{(INN_BASE + n) % 10**7:07d}"
        return body + stdnum_inn.calc_company_check_digit(body)

    now = timezone.now()
    deadline = now + timedelta(hours=47)  # the −48 h slot became due an hour ago
    planned = now - timedelta(hours=3)
    buyer, _ = User.objects.get_or_create(email="bench-reminders@buyer.example")
    per_request = 2 * recipients
    wanted = {inn(n): n for n in range(per_request)}
    known = set(Supplier.objects.filter(inn__in=wanted).values_list("inn", flat=True))
    Supplier.objects.bulk_create(
        Supplier(inn=code, name=f"Reminder supplier {n}", email=f"sales{n}@reminders-{n}.example")
        for code, n in wanted.items()
        if code not in known
    )
    suppliers = list(Supplier.objects.filter(inn__in=wanted).order_by("pk"))
    decoy_states = [ReplyStatus.REPLIED, ReplyStatus.QUOTED, ReplyStatus.BOUNCED, None]  # None: never sent
    ids: list[int] = []
    for number in range(requests):
        request = Request.objects.create(
            owner=buyer, title=title, status=RequestStatus.PROCESSING, deadline=deadline, created_at=planned
        )
        ids.append(request.pk)
        RequestKey.objects.bulk_create(
            RequestKey(request=request, pos=pos, text=f"Flange DN{pos}00", normalized_text=f"flange dn{pos}00")
            for pos in range(1, 6)
        )
        for offset in (timedelta(hours=48), timedelta(hours=24)):
            Mailing.objects.create(
                request=request, kind=MailingKind.REMINDER, subject=f"Reminder: request No. {request.pk}",
                body="We have not yet received your answer.", created_by=buyer, attach_request_file=False,
                deadline=deadline, reminder_offset=offset, due_at=deadline - offset, planned_at=planned,
            )  # fmt: skip
        send = Mailing.objects.create(request=request, kind=MailingKind.SEND, subject="RFQ", body="Please quote.")
        rows, messages = [], []
        for index, supplier in enumerate(suppliers):
            decoy = index >= recipients
            state = decoy_states[index % len(decoy_states)] if decoy else ReplyStatus.NONE
            rows.append(Recipient(request=request, supplier=supplier, selected=True, reply_status=state or "none"))
            if state is not None:
                messages.append(
                    Message(
                        request=request,
                        supplier=supplier,
                        mailing=send,
                        to_email=supplier.email,
                        subject="RFQ",
                        body="Please quote.",
                        status=MessageStatus.SENT,
                        created_at=planned,
                        sent_at=planned,
                        message_id=f"<bench-{number}-{index}-{request.pk}@b2b.localhost>",
                    )  # fmt: skip
                )
        Recipient.objects.bulk_create(rows, batch_size=2000)
        Message.objects.bulk_create(messages, batch_size=2000)
    return ids


def refresh(request_ids: list[int]) -> None:
    """Seeded on an earlier day: move the deadlines, slots and first e-mails so that −48 h is due again now."""
    from django.db.models import F
    from django.utils import timezone

    from messaging.models import Mailing, MailingKind, Message
    from requests_app.models import Request

    now = timezone.now()
    deadline = now + timedelta(hours=47)
    planned = now - timedelta(hours=3)
    Request.objects.filter(pk__in=request_ids).update(deadline=deadline, status="processing")
    Mailing.objects.filter(request_id__in=request_ids, kind=MailingKind.REMINDER).update(
        deadline=deadline, due_at=deadline - F("reminder_offset"), planned_at=planned
    )
    Message.objects.filter(request_id__in=request_ids, mailing__kind=MailingKind.SEND).update(created_at=planned)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--recipients", type=int, default=100, help="due recipients per request")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    setup_django(database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from messaging import deadlines
    from messaging.models import MailingKind, Message

    request_ids = seed(args.requests, args.recipients)
    expected = args.requests * args.recipients
    Message.objects.filter(request_id__in=request_ids, mailing__kind=MailingKind.REMINDER).delete()
    if connection.vendor == "postgresql":  # the previous run's deleted reminders must not slow this one down
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE messaging_message, messaging_recipient, messaging_mailing")
    published: list[int] = []

    def count_only(message_ids: Sequence[int]) -> int:  # count, do not publish
        published.extend(message_ids)
        return len(message_ids)

    deadlines.enqueue_deliveries = count_only

    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        ids = deadlines.plan_reminders()
        elapsed = time.monotonic() - started
    again_started = time.monotonic()
    again = deadlines.plan_reminders()
    again_elapsed = time.monotonic() - again_started
    written = Message.objects.filter(request_id__in=request_ids, mailing__kind=MailingKind.REMINDER).count()
    Message.objects.filter(request_id__in=request_ids, mailing__kind=MailingKind.REMINDER).delete()

    ok = len(ids) == expected == written == len(published) and not again and elapsed < 10.0 and len(queries) <= 10
    print(
        f"open recipients {expected} (+{expected} not to remind) in {args.requests} requests; reminders written "
        f"{len(ids)}, published {len(published)}; a second run wrote {len(again)} in {again_elapsed:.2f} s"
    )
    slowest = sorted(((float(query["time"]), query["sql"][:40]) for query in queries.captured_queries), reverse=True)
    print(f"planned in {elapsed:.2f} s (target < 10 s), {len(queries)} queries (target ≤ 10); slowest: "
          + ", ".join(f"{sql.split()[0]} {seconds:.2f} s" for seconds, sql in slowest[:3]))  # fmt: skip
    print("reminders_plan: OK" if ok else "reminders_plan: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
