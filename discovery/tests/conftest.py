"""Fixtures of the discovery tests: one local fake HTTP server speaking the SearXNG JSON API and the parser
service's API (with their failures), the settings that point the product at it, and real Celery workers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import redis
from celery import current_app
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
SHARED_BROKER = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def default_urls(query: str, page: int, per_page: int) -> list[str]:
    return [f"https://www.site{(page - 1) * per_page + i}.example/{page}/{i}" for i in range(1, per_page + 1)]


@dataclass
class FakeSearch:
    """What the fake answers next and what it was asked. ``statuses`` are used up one per call (then 200)."""

    base_url: str = ""
    statuses: list[int] = field(default_factory=list)
    raw: bytes | None = None
    delay: float = 0.0
    per_page: int = 10
    pages: int = 100  # pages with results; later pages are empty
    urls: Callable[[str, int, int], list[str]] = default_urls
    engine: str = "google"
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else 200


@pytest.fixture
def fake_search() -> Iterator[FakeSearch]:
    state = FakeSearch()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # SearXNG: GET /search?q=…&format=json&pageno=n
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            state.calls.append({"method": "GET", "path": parts.path, "query": query})
            page = int(query.get("pageno", "1"))
            items = []
            if page <= state.pages:
                items = [{"url": url, "title": f"Title of {url}", "engine": state.engine}
                         for url in state.urls(query.get("q", ""), page, state.per_page)]  # fmt: skip
            self._answer({"query": query.get("q"), "results": items})

        def do_POST(self) -> None:  # the parser service: POST /parse {"query", "depth"}
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            state.calls.append({"method": "POST", "path": self.path, "body": body})
            if "?" in body.get("query", ""):
                self._answer({"detail": "bad query"}, status=400)
                return
            self._answer({"urls": state.urls(body.get("query", ""), 1, state.per_page)})

        def _answer(self, body: Any, status: int | None = None) -> None:
            status = status or state.next_status()
            if state.delay:
                stop.wait(state.delay)
            payload = state.raw if state.raw is not None and status == 200 else json.dumps(body).encode()
            try:
                self.send_response(status)
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
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _fast(settings: Any) -> None:
    settings.SEARCH_TIMEOUT_SECONDS = 1.0
    settings.SEARCH_RATE_PER_MINUTE = 0
    settings.SEARCH_RETRY_BASE_SECONDS = 0
    settings.SEARCH_MAX_ATTEMPTS = 3


@pytest.fixture
def searxng(settings: Any, fake_search: FakeSearch) -> FakeSearch:
    settings.SEARCH_PROVIDER = "searxng"
    settings.SEARXNG_URL = fake_search.base_url
    _fast(settings)
    return fake_search


@pytest.fixture
def parser_service(settings: Any, fake_search: FakeSearch) -> FakeSearch:
    settings.SEARCH_PROVIDER = "parser_service"
    settings.PARSER_SERVICE_URL = fake_search.base_url
    _fast(settings)
    return fake_search


@pytest.fixture
def discovery_off(settings: Any) -> None:
    settings.SEARCH_PROVIDER = ""


def wait_until(predicate: Callable[[], Any], *, timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)
    return value


def test_database_url() -> str:
    """The pytest test database, so that worker processes see the rows the test committed."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test, whatever its name


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Real ``celery worker`` processes on the test database, publishing from this process (eager off)."""
    app = current_app._get_current_object()
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url, app._pool, app.amqp._producer_pool = SHARED_BROKER, None, None
    redis.Redis.from_url(SHARED_BROKER).flushdb()
    workers: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(*, concurrency: int = 2, **env: str) -> subprocess.Popen[bytes]:
        log = tmp_path / f"worker-{len(workers)}.log"
        worker_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "b2bplatform.settings.test",
                      "DATABASE_URL": test_database_url(), "CELERY_BROKER_URL": SHARED_BROKER,
                      "CELERY_TASK_ALWAYS_EAGER": "false", "LOG_LEVEL": "INFO", **env}  # fmt: skip
        command = [str(CELERY), "-A", "b2bplatform", "worker", "--pool=prefork", "-c", str(concurrency),
                   "-n", f"discovery{len(workers)}@%h", "--without-mingle", "--without-gossip",
                   "--without-heartbeat", "-l", "INFO"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=worker_env, stdout=log.open("ab"),
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        workers.append((process, log))
        return process

    yield start
    for process, log in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        print(f"----- {log.name} -----\n{log.read_text(errors='replace')[-4000:]}")
    app.conf.task_always_eager = saved[0]
    app.conf.broker_url, app._pool, app.amqp._producer_pool = saved[1], None, None
    redis.Redis.from_url(SHARED_BROKER).flushdb()
