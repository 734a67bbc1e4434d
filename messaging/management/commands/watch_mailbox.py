"""``manage.py watch_mailbox``: wait for replies and have them filed at once.

With ``IMAP_URL`` and a server offering IDLE, it keeps one connection in IDLE on the folder and, whenever
the server announces new mail (and every ``IMAP_IDLE_SECONDS`` anyway), triggers ``messaging.fetch_replies``
— published to the workers, or run here with ``--inline``. Without IDLE (or with the local maildir) it polls
every ``INBOUND_POLL_SECONDS``. Lost connections are reopened after a pause. The beat task keeps polling in
any case, so the command only makes replies arrive sooner; nothing depends on it running.
"""

from __future__ import annotations

import imaplib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from messaging import mailbox
from messaging.queueing import FETCH_REPLIES, publish_task

logger = logging.getLogger(__name__)
RECONNECT_PAUSE_SECONDS = 5.0


class Command(BaseCommand):
    help = "Wait for replies in the reply mailbox (IMAP IDLE, else polling) and trigger their filing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--inline", action="store_true", help="fetch in this process instead of a worker")
        parser.add_argument("--max-seconds", type=float, default=0.0, help="stop after this long (0: never)")
        parser.add_argument("--poll-seconds", type=float, default=0.0, help="override INBOUND_POLL_SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        self.inline = bool(options["inline"])
        self.stop_at = time.monotonic() + options["max_seconds"] if options["max_seconds"] else None
        self.poll = options["poll_seconds"] or settings.INBOUND_POLL_SECONDS
        self.trigger("start")
        if settings.IMAP_URL:
            self.watch_imap()
        else:
            self.poll_forever()

    def left(self) -> float | None:
        return None if self.stop_at is None else self.stop_at - time.monotonic()

    def trigger(self, why: str) -> None:
        if self.inline:
            result = mailbox.fetch_replies()
            self.stdout.write(f"fetch ({why}): {result.as_dict()}")
        else:
            published = publish_task(FETCH_REPLIES)
            self.stdout.write(f"fetch ({why}): {'published' if published else 'broker unavailable'}")
        self.stdout.flush()

    def poll_forever(self) -> None:
        while (left := self.left()) is None or left > 0:
            time.sleep(min(self.poll, left) if left is not None else self.poll)
            self.trigger("poll")

    def watch_imap(self) -> None:
        config = mailbox.imap_settings(settings.IMAP_URL)
        while (left := self.left()) is None or left > 0:
            try:
                client = mailbox.imap_connect(config)
            except (imaplib.IMAP4.error, OSError, ConnectionError) as error:
                logger.warning("watch_mailbox: cannot connect to %s: %s", config.key, error)
                time.sleep(RECONNECT_PAUSE_SECONDS)
                continue
            try:
                if "IDLE" not in client.capabilities:
                    self.stdout.write("the server offers no IDLE: polling")
                    client.logout()
                    self.poll_forever()
                    return
                client.select(mailbox.quoted_folder(config.folder), readonly=True)
                self.stdout.write(f"idling on {config.key}")
                self.stdout.flush()
                while (left := self.left()) is None or left > 0:
                    wait = settings.IMAP_IDLE_SECONDS if left is None else min(settings.IMAP_IDLE_SECONDS, left)
                    arrived = mailbox.imap_idle(client, seconds=wait)
                    self.trigger("idle: new mail" if arrived else "idle: timeout")
            except (imaplib.IMAP4.error, OSError, ConnectionError) as error:
                logger.warning("watch_mailbox: connection to %s lost: %s", config.key, error)
                time.sleep(RECONNECT_PAUSE_SECONDS)
            finally:
                try:
                    client.logout()
                except (imaplib.IMAP4.error, OSError):
                    pass
