"""Raw e-mails as suppliers' mail systems send them: replies, bounces, and broken ones."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from messaging.email import reply_address
from messaging.models import Message, Recipient


def reply_to_recipient(recipient: Recipient, *, body: str = "Our price: 100 RUB per piece.", **headers: str) -> bytes:
    """A reply sent to the recipient's plus-address (what pressing "reply" does)."""
    return build_reply(
        to=reply_address(recipient.reply_token), from_email=recipient.supplier.email, body=body, **headers
    )


def build_reply(
    *,
    to: str,
    from_email: str,
    body: str = "Our price: 100 RUB per piece.",
    subject: str = "Re: RFQ",
    message_id: str | None = "<reply-1@supplier.example>",
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
    html: str | None = None,
    **headers: str,
) -> bytes:
    email = EmailMessage()
    email["From"] = f"Supplier Sales <{from_email}>"
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = format_datetime(timezone.now())
    if message_id:
        email["Message-ID"] = message_id
    for name, value in headers.items():
        del email[name.replace("_", "-")]
        email[name.replace("_", "-")] = value
    if html is not None and not body:
        email.set_content(html, subtype="html")
    else:
        email.set_content(body)
        if html is not None:
            email.add_alternative(html, subtype="html")
    for filename, content, content_type in attachments:
        maintype, subtype = content_type.split("/")
        email.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return email.as_bytes()


def dsn_for(message: Message, *, message_id: str = "<dsn-1@mx.example>", action: str = "failed") -> bytes:
    """An RFC 3464 delivery status notification for one of our outgoing messages (as Postfix writes it)."""
    original = (
        f"From: noreply@b2b.localhost\r\nTo: {message.to_email}\r\nSubject: {message.subject}\r\n"
        f"Message-ID: {message.message_id}\r\n\r\n"
    )
    return (
        "From: MAILER-DAEMON@mx.example (Mail Delivery System)\r\n"
        "To: noreply@b2b.localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"\r\n\r\n'
        "--BOUND\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. Your message could not be delivered.\r\n"
        "--BOUND\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; {message.to_email}\r\nOriginal-Recipient: rfc822;{message.to_email}\r\n"
        f"Action: {action}\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <user>: Recipient address rejected: User unknown\r\n\r\n"
        "--BOUND\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{original}"
        "--BOUND--\r\n"
    ).encode()


def nonstandard_bounce_for(message: Message) -> bytes:
    """A mailer daemon's free-form bounce quoting the original headers (no multipart/report)."""
    return (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
        "To: noreply@b2b.localhost\r\nSubject: Delivery Status Notification (Failure)\r\n"
        "Message-ID: <nonstd-bounce@mail.example>\r\n\r\n"
        f"Your message wasn't delivered to {message.to_email} because the address couldn't be found.\r\n\r\n"
        f"----- Original message -----\r\nMessage-ID: {message.message_id}\r\nSubject: {message.subject}\r\n"
    ).encode()


def zip_bomb() -> bytes:
    """A small .zip whose one member unpacks to 200 MB (over the import caps)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(200):
            member.write(chunk)
    return buffer.getvalue()
