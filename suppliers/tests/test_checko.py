"""Checko enrichment against a real local HTTP server: stored on success, recorded on every failure."""

import pytest

from core.testing import personal_inn
from suppliers.checko import CHECKO_OFF_MESSAGE, CheckoClient, CheckoError
from suppliers.enrichment import supplier_refresh_checko
from suppliers.services import supplier_request_checko_refresh
from suppliers.tasks import refresh_checko
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def test_company_record_is_fetched_by_inn_and_stored(fake_checko) -> None:
    supplier = SupplierFactory(inn="7707083893")
    fake_checko.body = {"meta": {"status": "ok"}, "data": {"ИНН": "7707083893", "НаимПолн": "ПАО СБЕРБАНК"}}

    refresh_checko(supplier.pk)

    supplier.refresh_from_db()
    assert supplier.checko_data == {"ИНН": "7707083893", "НаимПолн": "ПАО СБЕРБАНК"}
    assert supplier.checko_updated_at is not None
    assert supplier.checko_error is None
    assert fake_checko.calls == [{"path": "/v2/company", "query": {"key": "test-key", "inn": "7707083893"}}]


def test_entrepreneur_inn_uses_the_entrepreneur_endpoint(fake_checko) -> None:
    supplier = SupplierFactory(inn=personal_inn(7))
    refresh_checko(supplier.pk)
    assert fake_checko.calls[0]["path"] == "/v2/entrepreneur"
    assert fake_checko.calls[0]["query"]["inn"] == supplier.inn


@pytest.mark.parametrize(
    ("status", "raw", "body", "error"),
    [
        (500, None, {"error": "boom"}, "HTTP 500"),
        (404, None, {}, "HTTP 404"),
        (200, b"<html>not json", None, "invalid JSON"),
        (200, None, ["a list"], "unexpected JSON"),
        (200, None, {"meta": {"status": "error", "message": "Invalid key"}}, "Invalid key"),
        (200, None, {"meta": {"status": "ok"}, "data": {}}, "no record"),
    ],
)
def test_registry_errors_are_recorded_and_keep_old_data(fake_checko, status, raw, body, error) -> None:
    supplier = SupplierFactory(checko_data={"old": True})
    fake_checko.status, fake_checko.raw, fake_checko.body = status, raw, body

    refresh_checko(supplier.pk)

    supplier.refresh_from_db()
    assert error in supplier.checko_error
    assert supplier.checko_data == {"old": True}


def test_timeout_is_recorded(fake_checko, settings) -> None:
    settings.CHECKO_TIMEOUT = 0.3
    fake_checko.delay = 2.0
    supplier = SupplierFactory()

    refresh_checko(supplier.pk)

    supplier.refresh_from_db()
    assert "did not answer within 0.3 s" in supplier.checko_error


def test_unreachable_registry_is_recorded(settings) -> None:
    settings.CHECKO_API_KEY = "k"
    settings.CHECKO_BASE_URL = "http://127.0.0.1:9/v2"  # discard port: connection refused
    supplier = SupplierFactory()
    supplier_refresh_checko(supplier_id=supplier.pk)
    supplier.refresh_from_db()
    assert "unreachable" in supplier.checko_error


def test_success_clears_a_previous_error(fake_checko) -> None:
    supplier = SupplierFactory(checko_error="Checko answered HTTP 500")
    refresh_checko(supplier.pk)
    supplier.refresh_from_db()
    assert supplier.checko_error is None and supplier.checko_data


def test_without_a_key_nothing_is_fetched_and_the_card_says_so(checko_off) -> None:
    supplier = SupplierFactory()
    assert supplier_request_checko_refresh(supplier=supplier) is False
    supplier.refresh_from_db()
    assert supplier.checko_error == CHECKO_OFF_MESSAGE
    supplier_refresh_checko(supplier_id=supplier.pk)
    supplier.refresh_from_db()
    assert supplier.checko_error == CHECKO_OFF_MESSAGE and supplier.checko_data is None


def test_client_refuses_non_http_base_url() -> None:
    client = CheckoClient(api_key="k", base_url="file:///etc", timeout=1)
    with pytest.raises(CheckoError, match="http"):
        client.fetch("7707083893")


def test_task_for_a_deleted_supplier_does_nothing(fake_checko) -> None:
    refresh_checko(999_999)
    assert fake_checko.calls == []
