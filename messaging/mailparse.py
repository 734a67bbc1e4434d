"""Reading an inbound e-mail as the platform needs it, whatever state it arrives in.

``parse_mail(raw)`` never raises: bad encodings are decoded with replacement characters, unknown charsets fall
back to UTF-8/cp1251/latin-1, headers are decoded tolerantly and cut to the columns they go to, a message
without (or with an absurd) ``Message-ID`` gets a stable one derived from the SHA-256 of its bytes, nesting
deeper than ``MAX_DEPTH`` and parts beyond ``MAX_PARTS`` are ignored (and noted), and anything the ``email``
package throws (a ``RecursionError`` from a MIME bomb included) leaves the body empty with a note — the
caller still files or queues the mail. Delivery status notifications (RFC 3464 ``multipart/report``, and the
common non-standard bounces of mailer daemons) are recognised here too (``bounce``).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.header import Header, decode_header, make_header
from email.message import Message as EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

MAX_DEPTH = 12  # MIME nesting followed; deeper parts are not read
MAX_PARTS = 500  # MIME parts looked at in one message
MAX_BODY_CHARS = 100_000
MAX_HEADER_CHARS = 8_000  # of one decoded header value before it is cut
MESSAGE_ID_MAX = 255
DERIVED_ID_DOMAIN = "derived.inbound"
MESSAGE_ID_RE = re.compile(r"<[^<>\s]{1,250}>")
FALLBACK_CHARSETS = ("utf-8", "cp1251", "latin-1")
BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-delivery-subsystem", "mail-daemon")
BOUNCE_SUBJECTS = re.compile(
    r"undeliver|returned mail|delivery (status notification|failure|has failed)|mail delivery failed|"
    r"failure notice|не доставлено|недоставлен|delivery failure",
    re.IGNORECASE,
)


@dataclass(slots=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(slots=True)
class BounceReport:
    """A delivery failure: for whom, why, and the Message-IDs of the original we may recognise."""

    recipients: list[str] = field(default_factory=list)
    status: str = ""
    diagnostic: str = ""
    original_message_ids: list[str] = field(default_factory=list)
    standard: bool = True  # an RFC 3464 report (else recognised from the sender and subject)


@dataclass(slots=True)
class InboundMail:
    raw: bytes
    message_id: str
    message_id_derived: bool
    from_email: str
    from_name: str
    to_addresses: list[str]  # To, Cc, Delivered-To, X-Original-To, Envelope-To (lower-cased)
    to_header: str
    subject: str
    date: datetime | None
    in_reply_to: str
    references: list[str]
    body_text: str
    attachments: list[InboundAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was dropped and why (English, for the record)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (filename, why) of attachments not kept
    bounce: BounceReport | None = None
    report_type: str = ""  # "delivery-status" for any DSN (also delayed / delivered ones)
    auto_reply: bool = False  # Auto-Submitted / X-Autoreply / Precedence: an out-of-office answer, not a reply


def derived_message_id(raw: bytes) -> str:
    """The stable stand-in for a missing Message-ID: the same bytes give the same id on every fetch."""
    return f"<sha256-{hashlib.sha256(raw).hexdigest()[:40]}@{DERIVED_ID_DOMAIN}>"


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset, with replacement characters; an unknown or lying charset falls back."""
    names = [charset, *FALLBACK_CHARSETS] if charset else list(FALLBACK_CHARSETS)
    for name in names:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError, TypeError, ValueError):
            continue
    return data.decode("utf-8", errors="replace")  # unreachable in practice: latin-1 decodes any bytes


def header_text(message: EmailMessage, name: str) -> str:
    """One header, RFC 2047 decoded, on one line, cut at ``MAX_HEADER_CHARS``; ``""`` when absent or broken."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 — a header the email package cannot even return
        return ""
    if value is None:
        return ""
    if isinstance(value, Header):  # raw 8-bit bytes in the header: RFC 6532 UTF-8, or a legacy charset
        text = "".join(
            decode_bytes(part, None) if isinstance(part, bytes) else part for part, _charset in decode_header(value)
        )
    else:
        try:
            text = str(make_header(decode_header(str(value))))
        except Exception:  # noqa: BLE001 — bad encoded-words, unknown charsets: keep the raw text
            text = str(value)
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    return " ".join(text.split())[:MAX_HEADER_CHARS]


def _all_header_texts(message: EmailMessage, name: str) -> list[str]:
    try:
        values = message.get_all(name) or []
    except Exception:  # noqa: BLE001
        return []
    return [" ".join(str(value).split())[:MAX_HEADER_CHARS] for value in values]


def _addresses(message: EmailMessage, *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        values.extend(_all_header_texts(message, name))
    try:
        pairs = getaddresses(values)
    except Exception:  # noqa: BLE001
        pairs = []
    found = [address.strip().lower() for _name, address in pairs if "@" in address]
    return list(dict.fromkeys(address[:254] for address in found))


def message_ids_in(text: str) -> list[str]:
    return list(dict.fromkeys(MESSAGE_ID_RE.findall(text or "")))


class _TextExtractor(HTMLParser):
    """HTML → plain text: block elements become line breaks, script/style/head are dropped."""

    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"})
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
        text = "".join(extractor.parts)
    except Exception:  # noqa: BLE001 — the parser is lenient; this is a last resort
        text = re.sub(r"<[^>]*>", " ", markup)
    text = html.unescape(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _payload_bytes(part: EmailMessage) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 — broken base64 / quoted-printable
        return b""
    return payload if isinstance(payload, bytes) else b""


def _part_text(part: EmailMessage) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001
        charset = None
    return decode_bytes(_payload_bytes(part), charset)


def _filename(part: EmailMessage) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if not name:
        return ""
    try:
        name = str(make_header(decode_header(name)))
    except Exception:  # noqa: BLE001, S110 — keep the name as written
        name = str(name)
    return " ".join(str(name).split())[:200]


@dataclass(slots=True)
class _Walk:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[InboundAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parts_seen: int = 0
    delivery_status: list[EmailMessage] = field(default_factory=list)
    enclosed_headers: list[str] = field(default_factory=list)


def _walk(part: EmailMessage, walk: _Walk, depth: int) -> None:
    walk.parts_seen += 1
    if walk.parts_seen > MAX_PARTS:
        if walk.parts_seen == MAX_PARTS + 1:
            walk.notes.append(f"More than {MAX_PARTS} MIME parts: the rest was not read.")
        return
    if depth > MAX_DEPTH:
        walk.notes.append(f"MIME parts nested deeper than {MAX_DEPTH} levels were not read.")
        return
    content_type = (part.get_content_type() or "text/plain").lower()
    disposition = (header_text(part, "Content-Disposition").split(";")[0]).strip().lower()
    filename = _filename(part)
    if content_type == "message/delivery-status":
        payload = part.get_payload()
        if isinstance(payload, list):
            walk.delivery_status.extend(item for item in payload if isinstance(item, EmailMessage))
        return
    if content_type in ("message/rfc822", "message/global") and not filename:
        payload = part.get_payload()
        for inner in payload if isinstance(payload, list) else []:
            if isinstance(inner, EmailMessage):
                walk.enclosed_headers.append(header_text(inner, "Message-ID"))
                walk.enclosed_headers.append(header_text(inner, "To"))
        walk.notes.append("An enclosed e-mail (message/rfc822) was not kept as a file.")
        return
    if content_type == "text/rfc822-headers":
        walk.enclosed_headers.append(_part_text(part))
        return
    if part.is_multipart():
        payload = part.get_payload()
        for child in payload if isinstance(payload, list) else []:
            if isinstance(child, EmailMessage):
                _walk(child, walk, depth + 1)
        return
    if filename or disposition == "attachment":
        walk.attachments.append(
            InboundAttachment(
                filename=filename or "attachment", content_type=content_type, content=_payload_bytes(part)
            )
        )
    elif content_type == "text/plain":
        walk.plain.append(_part_text(part))
    elif content_type == "text/html":
        walk.html.append(_part_text(part))
    elif content_type.startswith("text/"):
        walk.plain.append(_part_text(part))
    else:  # an inline image or other binary part without a name
        walk.attachments.append(InboundAttachment(filename="", content_type=content_type, content=_payload_bytes(part)))


def _bounce(message: EmailMessage, walk: _Walk, from_email: str, subject: str, report_type: str) -> BounceReport | None:
    """An RFC 3464 failure report, or a mailer daemon's free-form one; None for anything else (delays too)."""
    if report_type == "delivery-status" and walk.delivery_status:
        recipients: list[str] = []
        status = diagnostic = ""
        failed = False
        for fields in walk.delivery_status[1:] or walk.delivery_status:
            action = header_text(fields, "Action").lower()
            if action != "failed":
                continue
            failed = True
            final = header_text(fields, "Final-Recipient") or header_text(fields, "Original-Recipient")
            address = final.split(";", 1)[-1].strip().strip("<>").lower()
            if "@" in address:
                recipients.append(address[:254])
            status = status or header_text(fields, "Status")
            diagnostic = diagnostic or header_text(fields, "Diagnostic-Code")
        if not failed:
            return None
        return BounceReport(
            recipients=recipients,
            status=status[:32],
            diagnostic=diagnostic[:200],
            original_message_ids=message_ids_in(" ".join(walk.enclosed_headers)),
        )
    local = from_email.partition("@")[0].lower()
    if local in BOUNCE_SENDERS or (not from_email and BOUNCE_SUBJECTS.search(subject)):
        if not BOUNCE_SUBJECTS.search(subject) and local not in BOUNCE_SENDERS:
            return None
        text = " ".join([*walk.enclosed_headers, *walk.plain])
        return BounceReport(original_message_ids=message_ids_in(text), diagnostic=subject[:200], standard=False)
    return None


def parse_mail(raw: bytes) -> InboundMail:
    """Everything the filing needs from one raw e-mail; never raises (see the module's docstring)."""
    notes: list[str] = []
    try:
        message = message_from_bytes(raw)
    except Exception as error:  # noqa: BLE001
        message = message_from_bytes(b"")
        notes.append(f"The e-mail could not be parsed ({type(error).__name__}); it is kept as received.")
    message_id_header = header_text(message, "Message-ID")
    ids = message_ids_in(message_id_header)
    derived = not ids or len(ids[0]) > MESSAGE_ID_MAX
    message_id = derived_message_id(raw) if derived else ids[0]
    from_header = header_text(message, "From")
    try:
        from_name, from_email = parseaddr(from_header)
    except Exception:  # noqa: BLE001
        from_name, from_email = "", ""
    from_email = from_email.strip().lower()[:254] if "@" in from_email else ""
    subject = header_text(message, "Subject")[:255]
    try:
        date = parsedate_to_datetime(header_text(message, "Date")) if header_text(message, "Date") else None
    except Exception:  # noqa: BLE001
        date = None
    if date is not None and date.tzinfo is None:
        date = None
    in_reply_to_ids = message_ids_in(header_text(message, "In-Reply-To"))
    references = message_ids_in(" ".join(_all_header_texts(message, "References")))
    walk = _Walk()
    try:
        _walk(message, walk, 0)
    except RecursionError:
        walk.notes.append("The MIME structure is nested too deeply to read; the body was not kept.")
    except Exception as error:  # noqa: BLE001
        walk.notes.append(f"Part of the e-mail could not be read ({type(error).__name__}).")
    notes.extend(dict.fromkeys(walk.notes))
    body = "\n\n".join(text.strip() for text in walk.plain if text.strip())
    if not body and walk.html:
        body = "\n\n".join(html_to_text(markup) for markup in walk.html)
    body = body.replace("\x00", "")
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS]
        notes.append(f"The text was cut at {MAX_BODY_CHARS} characters.")
    report_type = ""
    try:
        if message.get_content_type() == "multipart/report":
            report_type = str(message.get_param("report-type") or "")
    except Exception:  # noqa: BLE001
        report_type = ""
    report_type = str(report_type).lower()
    return InboundMail(
        raw=raw,
        message_id=message_id,
        message_id_derived=derived,
        from_email=from_email,
        from_name=from_name[:200],
        to_addresses=_addresses(message, "To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"),
        to_header=header_text(message, "To")[:1000],
        subject=subject.replace("\x00", ""),
        date=date,
        in_reply_to=in_reply_to_ids[0] if in_reply_to_ids and len(in_reply_to_ids[0]) <= MESSAGE_ID_MAX else "",
        references=[reference for reference in references if len(reference) <= MESSAGE_ID_MAX][:100],
        body_text=body,
        attachments=walk.attachments,
        notes=notes,
        bounce=_bounce(message, walk, from_email, subject, report_type),
        report_type=report_type,
        auto_reply=_is_auto_reply(message),
    )


def _is_auto_reply(message: EmailMessage) -> bool:
    """RFC 3834 ``Auto-Submitted`` other than ``no``, or the common vendor headers of out-of-office answers."""
    auto_submitted = header_text(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    precedence = header_text(message, "Precedence").lower()
    return bool(header_text(message, "X-Autoreply") or header_text(message, "X-Autorespond")) or precedence in (
        "auto_reply",
        "auto-reply",
    )
