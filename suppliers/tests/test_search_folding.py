"""Case-insensitive search in any script, and by a part of a domain, on PostgreSQL AND on SQLite.

The main suite runs these cases on PostgreSQL; ``test_the_same_cases_pass_on_sqlite`` runs this module again in
a child process on SQLite (the embedded default), where ``LIKE`` folds ASCII only and ``флан`` used to miss
``ФланцМаш``.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connection

from suppliers.models import Supplier
from suppliers.search import fold, search_text
from suppliers.services import SupplierFields, supplier_update
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

SEARCH = "/api/v1/suppliers/search"
CARDS = "/api/v1/moderator/suppliers"
ADMIN = "/admin/suppliers/supplier/"
CHILD = "SUPPLIER_SEARCH_SQLITE"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def flanec(db) -> Supplier:
    supplier = SupplierFactory(name="ООО «ФланцМаш»", email="sales@flanec-mash.ru")
    SupplierSiteFactory(supplier=supplier, url="https://www.flanec-mash.ru/catalog")
    SupplierFactory(name="Ромашка", email="info@romashka-trade.ru")
    SupplierFactory(name="Lютик Steel", email="sales@lutik.ru")
    return supplier


def _search(client, q: str) -> list[int]:
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200, response.content
    return [item["supplierid"] for item in response.json()["items"]]


def _cards(client, q: str) -> list[int]:
    response = client.get(CARDS, {"q": q})
    assert response.status_code == 200, response.content
    return [item["supplierid"] for item in response.json()["items"]]


def _admin(client, q: str) -> list[int]:
    return [supplier.pk for supplier in client.get(ADMIN, {"q": q}).context["cl"].result_list]


def test_fold_is_unicode_case_folding() -> None:
    assert fold("  ООО «ФланцМаш»\n") == "ооо «фланцмаш»"
    assert fold("Straße") == fold("STRASSE")
    assert search_text(name="Ёлка", inn="7707083893", emails=["A@B.ru"], roots=["xn--80akqj6aq.xn--p1ai"]) == (
        "ёлка | 7707083893 | a@b.ru | xn--80akqj6aq.xn--p1ai | фланец.рф"
    )


@pytest.mark.parametrize("q", ["флан", "ФЛАН", "Флан", "фЛаНцМаШ", "«фланцмаш»", "flanec", "FLANEC-MASH", "mash.ru"])
def test_buyer_search_ignores_case_in_any_script_and_finds_a_part_of_a_domain(flanec, alice_client, q) -> None:
    assert _search(alice_client, q) == [flanec.pk]


@pytest.mark.parametrize("q", ["флан", "ФЛАН", "flanec"])
def test_moderator_list_and_admin_search_do_the_same(flanec, moderator_client, admin_client, q) -> None:
    assert _cards(moderator_client, q) == [flanec.pk]
    assert _admin(admin_client, q) == [flanec.pk]


def test_admin_search_needs_every_word(flanec, admin_client) -> None:
    assert _admin(admin_client, "ооо ФЛАНЦ") == [flanec.pk]
    assert _admin(admin_client, "ооо ромашка") == []
    assert _admin(admin_client, "https://spb.flanec-mash.ru/x") == [flanec.pk]  # any host under the root


def test_a_renamed_card_is_found_by_its_new_name_only(flanec, alice_client, checko_off) -> None:
    supplier_update(supplier_id=flanec.pk, fields=SupplierFields(name="АО «ТрубоСталь»", email="sales@trubostal.ru"))

    assert _search(alice_client, "трубо") == [flanec.pk]
    assert _search(alice_client, "флан") == []
    assert _search(alice_client, "flanec") == [flanec.pk]  # the site is still under flanec-mash.ru


def test_an_idn_domain_is_found_in_its_unicode_form(db, alice_client) -> None:
    supplier = SupplierFactory(name="Zavod", email="sales@zavod-mail.ru")
    SupplierSiteFactory(supplier=supplier, url="https://фланец.рф")

    assert _search(alice_client, "ФЛАНЕЦ") == [supplier.pk]
    assert _search(alice_client, "xn--80akqj6aq") == [supplier.pk]


def test_the_migration_fills_the_text_of_existing_cards(flanec) -> None:
    Supplier.objects.update(search_text="")
    migration = importlib.import_module("suppliers.migrations.0005_supplier_search_text")

    migration.fill_search_text(django_apps, None)

    flanec.refresh_from_db()
    assert flanec.search_text == "ооо «фланцмаш» | " + flanec.inn + " | sales@flanec-mash.ru | flanec-mash.ru"
    assert not Supplier.objects.filter(search_text="").exists()


@pytest.mark.skipif(os.environ.get(CHILD) == "1", reason="this is the child run")
def test_the_same_cases_pass_on_sqlite(tmp_path) -> None:
    """This module again, on a SQLite file (a test run cannot switch databases, so in a child process)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "b2bplatform.settings.test",
        CHILD: "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
        + ["-o", "addopts="],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and " failed" not in result.stdout, result.stdout[-1000:]


@pytest.mark.skipif(os.environ.get(CHILD) != "1", reason="asserts the child run's database")
def test_the_child_run_is_on_sqlite(db) -> None:
    assert connection.vendor == "sqlite"
