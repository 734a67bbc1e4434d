"""One end-to-end login through a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from .conftest import REQUEST_URL, VERIFY_URL, code_in, free_port

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


def test_the_code_reaches_a_real_smtp_server_and_logs_in(anon_client, smtp_server, django_capture_on_commit_callbacks):
    port, inbox = smtp_server
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }
    with override_settings(**smtp), django_capture_on_commit_callbacks(execute=True):
        response = anon_client.post(REQUEST_URL, {"email": "smtp@buyer.example"}, format="json")
    assert response.status_code == 200

    assert len(inbox.messages) == 1
    _, recipients, raw = inbox.messages[0]
    assert recipients == ["smtp@buyer.example"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == "smtp@buyer.example"
    code = code_in(message.get_body(preferencelist=("plain",)).get_content())
    assert code in message.get_body(preferencelist=("html",)).get_content()

    login = anon_client.post(VERIFY_URL, {"email": "smtp@buyer.example", "code": code}, format="json")
    assert login.status_code == 200
    assert login.json()["user"]["email"] == "smtp@buyer.example"
