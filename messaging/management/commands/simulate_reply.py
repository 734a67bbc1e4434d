"""``manage.py simulate_reply <message id>``: play a supplier answering one outgoing e-mail (embedded default).

Writes a reply — to the recipient's reply address, ``In-Reply-To`` the e-mail, from the supplier's address —
into the local maildir (``INBOUND_MAILDIR``, ``var/inbox/new``), exactly as a mail server would deliver it.
The next ``messaging.fetch_replies`` (beat, every ``INBOUND_POLL_SECONDS``; or ``--fetch`` now) files it.
Any ``.eml`` file dropped into ``var/inbox/new`` is read the same way.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from messaging import mailbox
from messaging.email import reply_address
from messaging.models import Direction, Message, Recipient


class Command(BaseCommand):
    help = "Drop a supplier's reply to an outgoing message into the local maildir (var/inbox/new)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("message_id", type=int, help="id of the outgoing Message the supplier answers")
        parser.add_argument("--text", default="Good afternoon! Our price is 1 000 RUB per piece, delivery in 5 days.")
        parser.add_argument("--attach", type=Path, help="a file to attach to the reply")
        parser.add_argument("--fetch", action="store_true", help="file it now (instead of waiting for the beat)")

    def handle(self, *args: Any, **options: Any) -> None:
        message = Message.objects.filter(pk=options["message_id"], direction=Direction.OUTGOING).first()
        if message is None or message.supplier_id is None:
            raise CommandError("No outgoing message to a supplier with that id.")
        token = (
            Recipient.objects.filter(request_id=message.request_id, supplier_id=message.supplier_id)
            .values_list("reply_token", flat=True)
            .first()
        )
        email = EmailMessage()
        email["From"] = message.to_email
        email["To"] = reply_address(token)
        email["Subject"] = f"Re: {message.subject}"
        email["Date"] = format_datetime(timezone.now())
        email["Message-ID"] = make_msgid(domain="supplier.example")
        email["In-Reply-To"] = message.message_id
        email["References"] = message.message_id
        email.set_content(options["text"])
        attach: Path | None = options["attach"]
        if attach is not None:
            email.add_attachment(attach.read_bytes(), maintype="application", subtype="octet-stream",
                                 filename=attach.name)  # fmt: skip
        path = mailbox.drop_into_maildir(email.as_bytes())
        self.stdout.write(f"reply written to {path}")
        if options["fetch"]:
            self.stdout.write(f"fetched: {mailbox.fetch_replies().as_dict()}")
