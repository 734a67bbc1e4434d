"""Supplier card writes: uniqueness of INN and URLs, the root-domain index, Checko after commit."""

import pytest
from django.db import connection

from core.errors import ValidationFailed
from core.testing import company_inn
from suppliers.checko import CHECKO_OFF_MESSAGE
from suppliers.errors import DuplicateInn, DuplicateUrl, SupplierNotFound
from suppliers.models import Supplier, SupplierDomain, SupplierSite
from suppliers.services import SupplierFields, supplier_create, supplier_sync_domains, supplier_update
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db


def _fields(**overrides) -> SupplierFields:
    data = {"name": "Romashka LLC", "email": "Sales@Romashka.ru", "urls": ["https://www.romashka.ru/"]}
    data.update(overrides)
    return SupplierFields(**data)


def _roots(supplier: Supplier) -> set[str]:
    return set(SupplierDomain.objects.filter(supplier=supplier).values_list("root_domain", flat=True))


def test_create_stores_normalised_sites_and_indexes_site_and_email_roots(checko_off) -> None:
    supplier = supplier_create(
        inn="77 07 083893",
        fields=_fields(
            emails=["info@mail.romashka-group.ru", "SALES@romashka.ru", "info@mail.romashka-group.ru"],
            urls=["https://www.romashka.ru/", "HTTPS://SPB.Romashka-Shop.RU/catalog", "romashka.ru"],
        ),
    )
    assert supplier.inn == "7707083893"
    assert supplier.email == "sales@romashka.ru"
    assert supplier.emails == ["info@mail.romashka-group.ru"]
    assert sorted(supplier.sites.values_list("url", "root_domain")) == [
        ("https://romashka.ru", "romashka.ru"),
        ("https://spb.romashka-shop.ru/catalog", "romashka-shop.ru"),
        ("https://www.romashka.ru", "romashka.ru"),
    ]
    assert _roots(supplier) == {"romashka.ru", "romashka-shop.ru", "romashka-group.ru"}


def test_duplicate_inn_names_the_existing_supplier(checko_off) -> None:
    existing = SupplierFactory(inn="7707083893", name="Old card")
    SupplierSiteFactory(supplier=existing, url="https://old.ru")
    with pytest.raises(DuplicateInn) as caught:
        supplier_create(inn="7707083893", fields=_fields())
    assert caught.value.as_body() == {
        "detail": "A supplier with this INN already exists.",
        "code": "duplicate_inn",
        "inn": "7707083893",
        "existingsupplier": {"supplierid": existing.pk, "name": "Old card", "urls": ["https://old.ru"]},
    }
    assert Supplier.objects.count() == 1


def test_url_of_another_supplier_is_a_conflict_in_any_spelling(checko_off) -> None:
    owner = SupplierFactory()
    SupplierSiteFactory(supplier=owner, url="https://romashka.ru/shop")
    with pytest.raises(DuplicateUrl) as caught:
        supplier_create(inn=company_inn(500), fields=_fields(urls=["HTTPS://Romashka.RU:443/shop"]))
    body = caught.value.as_body()
    assert body["code"] == "duplicate_url" and body["url"] == "https://romashka.ru/shop"
    assert body["existingsupplier"]["supplierid"] == owner.pk
    assert not Supplier.objects.filter(inn=company_inn(500)).exists()


def test_bad_url_or_too_many_emails_is_a_validation_error(checko_off) -> None:
    with pytest.raises(ValidationFailed) as caught:
        supplier_create(inn=company_inn(501), fields=_fields(urls=["https://ok.ru", "ftp://x.ru"]))
    assert caught.value.errors[0][0] == ("urls", 1)  # the view maps it to body.urls.1
    with pytest.raises(ValidationFailed):
        supplier_create(inn=company_inn(501), fields=_fields(emails=[f"a{i}@x.ru" for i in range(11)]))
    with pytest.raises(ValidationFailed):
        supplier_create(inn="7707083894", fields=_fields())


def test_update_replaces_sites_and_email_roots(checko_off) -> None:
    supplier = supplier_create(inn=company_inn(502), fields=_fields(emails=["x@old-mail.ru"]))
    updated = supplier_update(
        supplier_id=supplier.pk,
        fields=SupplierFields(urls=["https://new-site.ru"], emails=["x@new-mail.ru"], phone="+7 495 000-00-00"),
    )
    assert list(updated.sites.values_list("url", flat=True)) == ["https://new-site.ru"]
    assert updated.phone == "+7 495 000-00-00"
    assert updated.name == "Romashka LLC"
    assert _roots(updated) == {"new-site.ru", "new-mail.ru", "romashka.ru"}


def test_update_may_keep_own_url_but_not_take_another(checko_off) -> None:
    mine = supplier_create(inn=company_inn(503), fields=_fields())
    other = SupplierFactory()
    SupplierSiteFactory(supplier=other, url="https://taken.ru")
    supplier_update(supplier_id=mine.pk, fields=SupplierFields(urls=["https://www.romashka.ru", "https://b.ru"]))
    with pytest.raises(DuplicateUrl):
        supplier_update(supplier_id=mine.pk, fields=SupplierFields(urls=["https://taken.ru"]))
    assert set(SupplierSite.objects.filter(supplier=mine).values_list("url", flat=True)) == {
        "https://www.romashka.ru",
        "https://b.ru",
    }


def test_update_of_unknown_supplier_is_not_found(checko_off) -> None:
    with pytest.raises(SupplierNotFound):
        supplier_update(supplier_id=123456, fields=SupplierFields(name="x"))


def test_create_queues_checko_after_commit(fake_checko, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        supplier = supplier_create(inn="7707083893", fields=_fields())
    assert len(callbacks) == 1
    supplier.refresh_from_db()
    assert supplier.checko_data == fake_checko.body["data"]
    assert fake_checko.calls[0]["query"]["inn"] == "7707083893"


def test_create_without_a_key_says_checko_is_off(checko_off, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        supplier = supplier_create(inn="7707083893", fields=_fields())
    assert callbacks == []
    supplier.refresh_from_db()
    assert supplier.checko_error == CHECKO_OFF_MESSAGE


def test_sync_domains_drops_stale_roots() -> None:
    supplier = SupplierFactory(email="a@first.ru")
    assert _roots(supplier) == {"first.ru"}
    supplier.email = "a@second.ru"
    supplier.save()
    assert supplier_sync_domains(supplier=supplier) == {"second.ru"}
    assert _roots(supplier) == {"second.ru"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only")
def test_trigram_extension_and_name_index_exist() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'suppliers_supplier_name_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
