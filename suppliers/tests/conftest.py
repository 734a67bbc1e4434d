"""A real local HTTP server standing in for Checko (the only outside service of this app)."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class FakeChecko:
    """What the fake registry answers next, and what it was asked."""

    base_url: str = ""
    status: int = 200
    body: Any = field(
        default_factory=lambda: {"meta": {"status": "ok"}, "data": {"ИНН": "", "НаимСокр": "ООО Ромашка"}}
    )
    raw: bytes | None = None
    delay: float = 0.0
    calls: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def fake_checko(settings) -> Iterator[FakeChecko]:
    state = FakeChecko()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API spells it so
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            state.calls.append({"path": parts.path, "query": query})
            if state.delay:
                stop.wait(state.delay)
            payload = state.raw if state.raw is not None else json.dumps(state.body).encode()
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v2"
    settings.CHECKO_API_KEY = "test-key"
    settings.CHECKO_BASE_URL = state.base_url
    settings.CHECKO_TIMEOUT = 2.0
    try:
        yield state
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def checko_off(settings) -> None:
    settings.CHECKO_API_KEY = ""
