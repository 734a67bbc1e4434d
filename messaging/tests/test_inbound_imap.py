"""Replies come back over real IMAP (issue 18): dovecot on loopback, real Celery workers, the aiosmtpd server.

Mails are delivered with IMAP APPEND; the worker (or this process) reads them as ``messaging.fetch_replies``
does in production. Skipped only when dovecot cannot run here (the reason is printed).
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from messaging import mailbox
from messaging.models import (
    Direction,
    MailboxState,
    Message,
    MessageStatus,
    Recipient,
    ReplyStatus,
    SuppressedAddress,
    UnmatchedMail,
    UnmatchedStatus,
)
from messaging.queueing import FETCH_REPLIES, publish_task

from .conftest import _test_database_url, make_sendable_request, wait_until
from .dovecot import DovecotServer
from .mails import build_reply, dsn_for, reply_to_recipient, zip_bomb
from .processes import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def dovecot_server() -> Iterator[DovecotServer]:
    reason = DovecotServer.unavailable()
    if reason:
        pytest.skip(f"no IMAP server for the inbound tests: {reason}")
    # Not pytest's tmp_path: its parents are 0700, and dovecot's unprivileged processes must reach the files.
    workdir = Path(tempfile.mkdtemp(prefix="b2b-dovecot-"))
    server = DovecotServer(workdir)
    try:
        server.start()
    except (OSError, subprocess.CalledProcessError, RuntimeError) as error:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.skip(f"dovecot cannot run here: {error}")
    yield server
    server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def imap(dovecot_server: DovecotServer, settings) -> DovecotServer:
    """An empty INBOX, and this process configured to read it over IMAPS."""
    client = dovecot_server.client()
    client.select("INBOX")
    client.store("1:*", "+FLAGS", "(\\Deleted)") if int(client.select("INBOX")[1][0] or 0) else None
    client.expunge()
    client.logout()
    settings.IMAP_URL = dovecot_server.imaps_url
    settings.IMAP_CA_FILE = str(dovecot_server.cert)
    return dovecot_server


def _sent_request(owner, suppliers: int = 3):
    """A request already e-mailed to ``suppliers`` suppliers (the outgoing rows as delivery left them)."""
    request, cards = make_sendable_request(owner, suppliers=suppliers)
    messages = []
    for index, card in enumerate(cards):
        messages.append(
            Message.objects.create(
                request=request,
                supplier=card,
                direction=Direction.OUTGOING,
                to_email=card.email,
                subject="RFQ",
                body="Please quote.",
                status=MessageStatus.SENT,
                message_id=f"<msg-{9000 + index}.{index:016x}@b2b.localhost>",
            )
        )
    recipients = {r.supplier_id: r for r in Recipient.objects.select_related("supplier").filter(request=request)}
    return request, cards, messages, recipients


def test_replies_over_imap_are_filed_by_a_worker_once_with_copies_to_the_buyer(alice, imap, start_worker, smtp):
    request, cards, messages, recipients = _sent_request(alice)
    token_reply = reply_to_recipient(recipients[cards[0].pk], message_id="<t@supplier>")
    imap.append(
        token_reply,
        build_reply(
            to="rfq@b2b.localhost",
            from_email="colleague@other.example",
            message_id="<h@supplier>",
            In_Reply_To=messages[1].message_id,
        ),
        build_reply(to="rfq@b2b.localhost", from_email=cards[2].email, message_id="<s@supplier>"),
        build_reply(to="rfq@b2b.localhost", from_email="stranger@nowhere.example", message_id="<u@supplier>"),
        token_reply,  # the same reply delivered twice
        dsn_for(messages[2], message_id="<dsn@mx>"),
        reply_to_recipient(
            recipients[cards[0].pk],
            message_id="<bomb@supplier>",
            attachments=[("bomb.zip", zip_bomb(), "application/zip")],
        ),
    )
    start_worker(IMAP_URL=imap.imaps_url, IMAP_CA_FILE=str(imap.cert))

    assert publish_task(FETCH_REPLIES)
    wait_until(
        lambda: (
            MailboxState.objects.filter(last_uid__gt=0).exists()
            and Message.objects.filter(direction=Direction.INCOMING).count() == 4
            and len(smtp.handler.received) == 4
        ),
        what="4 replies filed and 4 copies sent",
    )

    incoming = {m.message_id: m for m in Message.objects.filter(direction=Direction.INCOMING)}
    assert set(incoming) == {"<t@supplier>", "<h@supplier>", "<s@supplier>", "<bomb@supplier>"}
    assert incoming["<h@supplier>"].supplier_id == cards[1].pk and incoming["<s@supplier>"].supplier_id == cards[2].pk
    bomb = incoming["<bomb@supplier>"]
    assert not bomb.attachments.exists() and "bomb.zip" in bomb.body
    assert UnmatchedMail.objects.get(message_id="<u@supplier>").status == UnmatchedStatus.PENDING
    states = dict(Recipient.objects.filter(request=request).values_list("supplier_id", "reply_status"))
    assert states == {
        cards[0].pk: ReplyStatus.REPLIED,
        cards[1].pk: ReplyStatus.REPLIED,
        cards[2].pk: ReplyStatus.BOUNCED,
    }
    assert SuppressedAddress.objects.filter(email=cards[2].email.lower()).exists()
    assert Message.objects.get(pk=messages[2].pk).bounced_at is not None
    copies = [received.message for received in smtp.handler.received]
    assert all(copy["To"] == alice.email for copy in copies)
    assert len({copy["Message-ID"] for copy in copies}) == 4  # one copy per reply, none doubled

    # the next run reads nothing again
    assert publish_task(FETCH_REPLIES)
    last_uid = MailboxState.objects.get().last_uid
    imap.append(build_reply(to="rfq@b2b.localhost", from_email=cards[1].email, message_id="<late@supplier>"))
    assert publish_task(FETCH_REPLIES)
    wait_until(lambda: MailboxState.objects.get().last_uid > last_uid, what="the late reply")
    wait_until(lambda: len(smtp.handler.received) == 5, what="its copy")
    assert Message.objects.filter(direction=Direction.INCOMING).count() == 5


def test_a_fetch_interrupted_mid_batch_files_the_rest_once_on_rerun(alice, imap, settings, monkeypatch):
    settings.IMAP_URL = imap.starttls_url  # and over STARTTLS this time
    request, cards, _messages, recipients = _sent_request(alice, suppliers=1)
    raws = [reply_to_recipient(recipients[cards[0].pk], message_id=f"<r{n}@supplier>") for n in range(6)]
    imap.append(*raws)
    calls = {"count": 0}
    real = mailbox._commit_position

    def crash_on_the_fourth(state_id: int, uid: int) -> None:
        calls["count"] += 1
        if calls["count"] == 4:
            raise KeyboardInterrupt("the worker dies here")  # not an Exception: nothing catches it
        real(state_id, uid)

    monkeypatch.setattr(mailbox, "_commit_position", crash_on_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        mailbox.fetch_replies()
    assert Message.objects.filter(direction=Direction.INCOMING).count() == 3  # the 4th rolled back with its mark
    monkeypatch.setattr(mailbox, "_commit_position", real)

    result = mailbox.fetch_replies()

    assert (result.fetched, result.filed, result.duplicates) == (3, 3, 0)
    ids = sorted(Message.objects.filter(direction=Direction.INCOMING).values_list("message_id", flat=True))
    assert ids == sorted(f"<r{n}@supplier>" for n in range(6))
    assert mailbox.fetch_replies().fetched == 0


def test_a_new_uidvalidity_reads_again_without_doubling(alice, imap):
    request, cards, _messages, recipients = _sent_request(alice, suppliers=1)
    imap.append(reply_to_recipient(recipients[cards[0].pk], message_id="<once@supplier>"))
    assert mailbox.fetch_replies().filed == 1
    MailboxState.objects.update(uidvalidity=1)  # as if the server rebuilt the mailbox
    result = mailbox.fetch_replies()
    assert (result.fetched, result.duplicates) == (1, 1)
    assert Message.objects.filter(direction=Direction.INCOMING).count() == 1


def test_the_certificate_is_verified(imap, settings):
    settings.IMAP_CA_FILE = ""  # the self-signed test certificate is then untrusted
    with pytest.raises(ssl.SSLError):
        mailbox.fetch_replies()


def test_watch_mailbox_idles_and_files_new_mail_at_once(alice, imap, tmp_path: Path):
    request, cards, _messages, recipients = _sent_request(alice, suppliers=1)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "b2bplatform.settings.test",
        "DATABASE_URL": _test_database_url(),
        "IMAP_URL": imap.imaps_url,
        "IMAP_CA_FILE": str(imap.cert),
        "IMAP_IDLE_SECONDS": "30",
    }
    log = (tmp_path / "watch.log").open("wb")
    command = [sys.executable, "manage.py", "watch_mailbox", "--inline", "--max-seconds", "40"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: b"idling on" in (tmp_path / "watch.log").read_bytes(), timeout=20, what="IDLE")
        imap.append(reply_to_recipient(recipients[cards[0].pk], message_id="<idle@supplier>"))
        wait_until(
            lambda: Message.objects.filter(message_id="<idle@supplier>").exists(),
            timeout=15,
            what="the reply filed by watch_mailbox",
        )
        wait_until(lambda: b"idle: new mail" in (tmp_path / "watch.log").read_bytes(), timeout=5, what="its log")
    finally:
        process.kill()
        process.wait(timeout=10)
        log.close()
        print((tmp_path / "watch.log").read_text(errors="replace")[-3000:])
