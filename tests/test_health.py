"""Liveness and readiness probes."""

import pytest
from django.test import override_settings

from b2bplatform.celery import app as celery_app


def test_health_is_ok_without_touching_anything(anon_client):
    response = anon_client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_checks_database_broker_and_storage(anon_client):
    response = anon_client.get("/api/v1/health/ready")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "storage": "ok"}}


@pytest.fixture
def broken_broker():
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        yield
    finally:
        celery_app.conf.broker_url = original


@pytest.mark.django_db
def test_ready_answers_503_naming_a_failing_broker(anon_client, broken_broker):
    response = anon_client.get("/api/v1/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["storage"] == "ok"
    assert body["checks"]["broker"] != "ok"


@pytest.mark.django_db
def test_ready_answers_503_naming_failing_storage(anon_client, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the storage root should be")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocker)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        response = anon_client.get("/api/v1/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] != "ok"
