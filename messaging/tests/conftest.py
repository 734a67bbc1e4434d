"""Fixtures of the messaging tests: files on disk, a real SMTP server, real Celery workers, a private Redis.

Unit tests run Celery eagerly (test settings); the integration tests (``@pytest.mark.integration``) publish
to Redis DB 10 with eager mode off and start worker processes that share the pytest test database.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from celery import current_app
from django.db import connection

from accounts.models import User
from messaging.models import Recipient
from requests_app.models import Request, RequestStatus
from requests_app.tests.factories import make_request_with_keys
from suppliers.models import Supplier
from suppliers.tests.factories import SupplierFactory

from .processes import RedisServer, Worker
from .smtp import SmtpSink

# The project's Celery app (created by b2bplatform.celery, which messaging does not import): the current app.
celery_app = current_app._get_current_object()
assert celery_app.main == "b2bplatform", f"the current Celery app is {celery_app.main!r}, not the project's"

# This app's Redis DB on the shared server; flushed around each delivery test, so never point it at real data.
SHARED_BROKER = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


def wait_until(predicate: Callable[[], Any], *, timeout: float = 45.0, interval: float = 0.1, what: str = "") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


def make_sendable_request(owner: User, *, suppliers: int = 2, keys: int = 3) -> tuple[Request, list[Supplier]]:
    """A confirmed request with keys and ``suppliers`` ticked recipients."""
    request = make_request_with_keys(keys, owner=owner, status=RequestStatus.CONFIRMED)
    cards = SupplierFactory.create_batch(suppliers)
    Recipient.objects.bulk_create(Recipient(request=request, supplier=card, selected=True) for card in cards)
    return request, cards


@pytest.fixture(scope="session")
def shared_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("messaging-media")


@pytest.fixture(autouse=True)
def media_root(settings: Any, shared_media_root: Path) -> Path:
    """Attachment files go to one directory the worker processes are told about too."""
    settings.MEDIA_ROOT = shared_media_root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(shared_media_root)},
        },
    }
    return shared_media_root


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def smtp(smtp_sink: SmtpSink) -> Iterator[SmtpSink]:
    """The loopback SMTP server, answering 250 and with nothing received, for this test."""
    smtp_sink.handler.reset()
    yield smtp_sink
    smtp_sink.handler.reset()


@pytest.fixture
def smtp_backend(settings: Any, smtp: SmtpSink) -> SmtpSink:
    """Send from this process over real SMTP to the loopback server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp


def _point_publisher_at(broker_url: str) -> None:
    # Celery caches its connection and producer pools; drop them so the next publish uses ``broker_url``.
    celery_app.conf.broker_url = broker_url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def live_celery() -> Iterator[Callable[[str], None]]:
    """This process publishes to a real broker (eager off); call the fixture's value to change broker."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    _point_publisher_at(SHARED_BROKER)
    redis.Redis.from_url(SHARED_BROKER).flushdb()
    yield _point_publisher_at
    celery_app.conf.task_always_eager = saved[0]
    _point_publisher_at(saved[1])
    redis.Redis.from_url(SHARED_BROKER).flushdb()


def _test_database_url() -> str:
    """The pytest test database (``test_…``), so worker processes see the rows the test committed."""
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a server database (PostgreSQL), not the test's SQLite")
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(
    live_celery: Callable[[str], None], smtp: SmtpSink, shared_media_root: Path, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    """Start real ``celery worker`` processes on the test database; all are killed at teardown."""
    workers: list[Worker] = []

    def start(name: str = "w1", *, broker_url: str = SHARED_BROKER, concurrency: int = 2, **env: str) -> Worker:
        worker_env = {
            "DJANGO_SETTINGS_MODULE": "b2bplatform.settings.test",
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": smtp.url,
            "EMAIL_TIMEOUT": "5",
            "MEDIA_ROOT": str(shared_media_root),
            "MESSAGE_RETRY_BASE_SECONDS": "0.2",
            "MESSAGE_RETRY_MAX_SECONDS": "1",
            "LOG_LEVEL": "INFO",
            **env,
        }
        worker = Worker(name=f"{name}-{len(workers)}", env=worker_env, log_path=tmp_path / f"{name}.log",
                        concurrency=concurrency)  # fmt: skip
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()
        print(f"----- log of worker {worker.name} (shown by pytest when the test failed) -----")
        print(worker.log()[-6000:])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
