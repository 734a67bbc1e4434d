"""Reading the reply mailbox: over IMAP (``IMAP_URL``), or the local maildir ``INBOUND_MAILDIR`` without one.

IMAP is read by UID. ``MailboxState`` keeps the mailbox's ``UIDVALIDITY`` and the last UID filed; each mail is
filed in one transaction together with moving that mark, so a crash mid-batch neither loses a mail (its
transaction rolled back, the next fetch reads it again) nor files one twice (the mark moved with it; and a
mail is stored once by Message-ID anyway). A new ``UIDVALIDITY`` reads the mailbox from the start, and the
Message-ID keeps that from doubling anything. The mailbox is opened read-only (``EXAMINE``): no flag changes.

The maildir reader files each file of ``new/`` and then moves it to ``cur/`` (``:2,S``); a crash between the
two finds the file again, and the Message-ID makes the second filing a duplicate.

One reader at a time per mailbox (a PostgreSQL advisory lock): the beat task and ``watch_mailbox`` may fire
together; the second one returns at once.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import os
import re
import select
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .inbound import Outcome, process_mail
from .models import MailboxState

logger = logging.getLogger(__name__)

FETCH_CHUNK = 50
HEADER_ONLY_BYTES = 64 * 1024  # of an oversized maildir file, read for its headers
UID_RE = re.compile(rb"UID (\d+)")
SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(slots=True)
class FetchResult:
    mailbox: str = ""
    fetched: int = 0
    filed: int = 0
    duplicates: int = 0
    bounces: int = 0
    unmatched: int = 0
    busy: bool = False  # another reader had the mailbox

    def count(self, outcome: Outcome) -> None:
        self.fetched += 1
        if outcome.kind == "filed":
            self.filed += 1
        elif outcome.kind == "duplicate":
            self.duplicates += 1
        elif outcome.kind == "bounce":
            self.bounces += 1
        else:
            self.unmatched += 1

    def as_dict(self) -> dict[str, int]:
        return {key: int(value) for key, value in asdict(self).items() if key != "mailbox"}


# --- IMAP ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str
    implicit_tls: bool  # imaps:// (else STARTTLS, required unless IMAP_ALLOW_PLAINTEXT)

    @property
    def key(self) -> str:
        scheme = "imaps" if self.implicit_tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"[:255]


def imap_settings(url: str) -> ImapSettings:
    """``imaps://user:pass@host:993/INBOX`` or ``imap://user:pass@host:143/INBOX`` (STARTTLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError("IMAP_URL must look like imaps://user:password@host:993/INBOX")
    implicit = parts.scheme == "imaps"
    return ImapSettings(
        host=parts.hostname,
        port=parts.port or (993 if implicit else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        implicit_tls=implicit,
    )


def tls_context() -> ssl.SSLContext:
    """Verifying TLS; ``IMAP_CA_FILE`` adds a CA (a self-signed test certificate)."""
    return ssl.create_default_context(cafile=settings.IMAP_CA_FILE or None)


def imap_connect(config: ImapSettings) -> imaplib.IMAP4:
    timeout = settings.IMAP_TIMEOUT_SECONDS
    if config.implicit_tls:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(config.host, config.port, ssl_context=tls_context(), timeout=timeout)
    else:
        client = imaplib.IMAP4(config.host, config.port, timeout=timeout)
        if "STARTTLS" in client.capabilities:
            client.starttls(ssl_context=tls_context())
        elif not settings.IMAP_ALLOW_PLAINTEXT:
            client.shutdown()
            raise ConnectionError("The IMAP server offers no STARTTLS; refusing to send the password in clear.")
    client.login(config.user, config.password)
    return client


def _examine(client: imaplib.IMAP4, folder: str) -> int:
    typ, _data = client.select(quoted_folder(folder), readonly=True)
    if typ != "OK":
        raise ConnectionError(f"The IMAP folder {folder!r} cannot be opened: {_data!r}")
    _typ, values = client.response("UIDVALIDITY")
    return int(values[0]) if values and values[0] else 0


def quoted_folder(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uids_after(client: imaplib.IMAP4, last_uid: int) -> list[int]:
    typ, data = client.uid("SEARCH", None, f"UID {last_uid + 1}:*")
    if typ != "OK":
        raise ConnectionError(f"UID SEARCH failed: {data!r}")
    found = {int(value) for value in (data[0] or b"").split() if value.isdigit()}
    return sorted(uid for uid in found if uid > last_uid)  # "n:*" also answers the last UID when it is lower


def _fetch(client: imaplib.IMAP4, uids: list[int], item: str) -> dict[int, bytes]:
    """``UID FETCH`` of ``item`` for ``uids``: ``{uid: literal}`` (or the response line for sizes)."""
    typ, data = client.uid("FETCH", ",".join(map(str, uids)), f"(UID {item})")
    if typ != "OK":
        raise ConnectionError(f"UID FETCH failed: {data!r}")
    found: dict[int, bytes] = {}
    for entry in data:
        if isinstance(entry, tuple):
            uid = UID_RE.search(entry[0])
            if uid:
                found[int(uid.group(1))] = entry[1]
        elif isinstance(entry, bytes):
            uid = UID_RE.search(entry)
            if uid:
                found.setdefault(int(uid.group(1)), entry)
    return found


def _imap_batches(client: imaplib.IMAP4, uids: list[int]) -> Iterator[tuple[int, bytes, bool]]:
    """``(uid, raw, truncated)`` in UID order: a mail over ``INBOUND_MAX_MESSAGE_BYTES`` is fetched as headers."""
    limit = settings.INBOUND_MAX_MESSAGE_BYTES
    for start in range(0, len(uids), FETCH_CHUNK):
        chunk = uids[start : start + FETCH_CHUNK]
        sizes = {
            uid: int(found.group(1)) if (found := SIZE_RE.search(line)) else 0
            for uid, line in _fetch(client, chunk, "RFC822.SIZE").items()
        }
        small = [uid for uid in chunk if sizes.get(uid, 0) <= limit]
        large = [uid for uid in chunk if sizes.get(uid, 0) > limit]
        bodies = _fetch(client, small, "BODY.PEEK[]") if small else {}
        headers = _fetch(client, large, "BODY.PEEK[HEADER]") if large else {}
        for uid in chunk:
            if uid in bodies:
                yield uid, bodies[uid], False
            elif uid in headers:
                yield uid, headers[uid], True
            # a UID that vanished between SEARCH and FETCH (expunged): nothing to file


def fetch_imap(
    config: ImapSettings, *, limit: int | None = None, on_filed: Callable[[int], None] | None = None
) -> FetchResult:
    """File the mails after the last UID filed (at most ``limit``); ``on_filed(uid)`` after each commit."""
    result = FetchResult(mailbox=config.key)
    with mailbox_lock(config.key) as acquired:
        if not acquired:
            result.busy = True
            return result
        client = imap_connect(config)
        try:
            uidvalidity = _examine(client, config.folder)
            state, _created = MailboxState.objects.get_or_create(mailbox=config.key)
            if state.uidvalidity != uidvalidity:
                if state.uidvalidity is not None:
                    logger.warning("messaging: %s has a new UIDVALIDITY; reading it again from the start", config.key)
                MailboxState.objects.filter(pk=state.pk).update(uidvalidity=uidvalidity, last_uid=0)
                state.last_uid = 0
            uids = _uids_after(client, state.last_uid)
            if limit is not None:
                uids = uids[:limit]
            stop_at = time.monotonic() + settings.INBOUND_FETCH_BUDGET_SECONDS
            for uid, raw, truncated in _imap_batches(client, uids):
                if time.monotonic() > stop_at:
                    break  # the rest at the next run: a task never outlives its time limit
                with transaction.atomic():
                    outcome = process_mail(raw, truncated=truncated)
                    _commit_position(state.pk, uid)
                result.count(outcome)
                if on_filed is not None:
                    on_filed(uid)
            MailboxState.objects.filter(pk=state.pk).update(last_fetch_at=timezone.now(), last_error="")
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
    return result


def _commit_position(state_id: int, uid: int) -> None:
    """Move the mark to ``uid`` (in the mail's own transaction: filed and marked together, or neither)."""
    MailboxState.objects.filter(pk=state_id, last_uid__lt=uid).update(last_uid=uid, updated_at=timezone.now())


def imap_idle(client: imaplib.IMAP4, *, seconds: float) -> bool:
    """Wait in ``IDLE`` up to ``seconds`` (the mailbox selected); True when the server announced new mail.

    imaplib (Python < 3.14) has no IDLE; this speaks it directly: ``tag IDLE``, the ``+`` continuation, then
    untagged lines until ``EXISTS`` or the time is up, then ``DONE`` and the tagged answer.
    """
    tag = client._new_tag()  # type: ignore[attr-defined]  # imaplib's own tag counter
    client.send(tag + b" IDLE\r\n")
    line = client.readline()
    if not line.startswith(b"+"):
        raise ConnectionError(f"IDLE refused: {line!r}")
    arrived = False
    deadline = time.monotonic() + seconds
    sock = client.socket()
    while not arrived:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        buffered = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
        if not buffered and not _file_has_data(client):
            ready, _w, _x = select.select([sock], [], [], min(remaining, 5.0))
            if not ready:
                continue
        line = client.readline()
        if not line:
            raise ConnectionError("The IMAP server closed the connection during IDLE.")
        arrived = b"EXISTS" in line or b"RECENT" in line
    client.send(b"DONE\r\n")
    while True:
        line = client.readline()
        if not line:
            raise ConnectionError("The IMAP server closed the connection after IDLE.")
        if line.startswith(tag):
            break
        arrived = arrived or b"EXISTS" in line
    return arrived


def _file_has_data(client: imaplib.IMAP4) -> bool:
    reader = getattr(client, "file", None)
    peek = getattr(reader, "peek", None)
    if peek is None:
        return False
    try:
        previous = client.socket().gettimeout()
        client.socket().setblocking(False)
        try:
            return bool(peek(1))
        finally:
            client.socket().settimeout(previous)
    except (BlockingIOError, ssl.SSLWantReadError, OSError):
        return False


# --- maildir -------------------------------------------------------------------------------------------


def maildir_path() -> Path:
    return Path(settings.INBOUND_MAILDIR)


def ensure_maildir(path: Path) -> None:
    for name in ("new", "cur", "tmp"):
        (path / name).mkdir(parents=True, exist_ok=True)


def fetch_maildir(path: Path, *, limit: int | None = None) -> FetchResult:
    key = f"maildir:{path.resolve()}"[:255]
    result = FetchResult(mailbox=key)
    ensure_maildir(path)
    with mailbox_lock(key) as acquired:
        if not acquired:
            result.busy = True
            return result
        names = sorted(name for name in os.listdir(path / "new") if not name.startswith("."))
        if limit is not None:
            names = names[:limit]
        stop_at = time.monotonic() + settings.INBOUND_FETCH_BUDGET_SECONDS
        for name in names:
            if time.monotonic() > stop_at:
                break
            source = path / "new" / name
            try:
                raw, truncated = _read_maildir_file(source)
            except FileNotFoundError:
                continue  # moved by someone else
            with transaction.atomic():
                outcome = process_mail(raw, truncated=truncated)
            result.count(outcome)
            target_name = name if ":2," in name else f"{name}:2,S"
            os.replace(source, path / "cur" / target_name)
        MailboxState.objects.update_or_create(mailbox=key, defaults={"last_fetch_at": timezone.now()})
    return result


def _read_maildir_file(source: Path) -> tuple[bytes, bool]:
    size = source.stat().st_size
    with source.open("rb") as handle:
        if size <= settings.INBOUND_MAX_MESSAGE_BYTES:
            return handle.read(), False
        head = handle.read(HEADER_ONLY_BYTES)
    end = head.find(b"\r\n\r\n")
    end = end if end >= 0 else head.find(b"\n\n")
    return (head[: end + 2] if end >= 0 else head), True


def drop_into_maildir(raw: bytes, path: Path | None = None) -> Path:
    """Deliver ``raw`` the maildir way (write in ``tmp/``, rename into ``new/``): what a local MTA does."""
    path = path or maildir_path()
    ensure_maildir(path)
    name = f"{time.time():.6f}.{os.getpid()}.{hashlib.sha256(raw).hexdigest()[:12]}.{socket.gethostname()}"
    temporary = path / "tmp" / name
    temporary.write_bytes(raw)
    os.replace(temporary, path / "new" / name)
    return path / "new" / name


# --- the entry point and the lock ----------------------------------------------------------------------


def fetch_replies(*, limit: int | None = None) -> FetchResult:
    """Read the configured mailbox: IMAP when ``IMAP_URL`` is set, else the local maildir."""
    if settings.IMAP_URL:
        config = imap_settings(settings.IMAP_URL)
        try:
            return fetch_imap(config, limit=limit)
        except (imaplib.IMAP4.error, OSError, ConnectionError) as error:
            logger.warning("messaging: reading %s failed: %s", config.key, error)
            MailboxState.objects.filter(mailbox=config.key).update(last_error=str(error)[:2000])
            raise
    return fetch_maildir(maildir_path(), limit=limit)


@contextmanager
def mailbox_lock(key: str) -> Iterator[bool]:
    """A session-level PostgreSQL advisory lock on the mailbox (always granted on SQLite: one process)."""
    if connection.vendor != "postgresql":
        yield True
        return
    lock_id = int(hashlib.sha256(key.encode()).hexdigest()[:15], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
