"""A real SMTP server on loopback (aiosmtpd) whose answers the test decides: 250, 451, 550 or a stall.

Only messages answered ``250`` are recorded in ``received`` — what a real relay would have accepted.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

STALL_LIMIT_SECONDS = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class ScriptedHandler:
    """Answers RCPT and DATA from scripts; ``"stall"`` at DATA holds the answer until released."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.rcpt_script: deque[str] = deque()
        self.data_script: deque[str] = deque()
        self.data_default = "250"
        self.data_attempts = 0
        self.stalled = threading.Event()
        self.release = threading.Event()

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.rcpt_script.clear()
            self.data_script.clear()
            self.data_default = "250"
            self.data_attempts = 0
        self.stalled.clear()
        self.release.set()  # free any handler still stalled by a previous test
        self.release = threading.Event()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        with self.lock:
            answer = self.rcpt_script.popleft() if self.rcpt_script else "250"
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
            return "250 OK"
        return _reply(answer)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_attempts += 1
            answer = self.data_script.popleft() if self.data_script else self.data_default
        if answer == "stall":
            release = self.release
            self.stalled.set()
            deadline = time.monotonic() + STALL_LIMIT_SECONDS
            while not release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            return "451 4.3.0 Stalled and aborted"
        if not answer.startswith("250"):
            return _reply(answer)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def received_ids(self) -> list[str]:
        with self.lock:
            return [item.message_id for item in self.received]


def _reply(code: str) -> str:
    texts = {"451": "451 4.7.1 Try again later", "550": "550 5.1.1 Mailbox unavailable", "421": "421 4.3.2 Closing"}
    return texts.get(code, code)


class SmtpSink:
    """``with SmtpSink() as sink:`` → a server on ``127.0.0.1:sink.port`` with ``sink.handler``."""

    def __init__(self) -> None:
        self.handler = ScriptedHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.handler.release.set()
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
