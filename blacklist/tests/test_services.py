"""The blacklist services: entries, validation, and the signals every change sends (recipients follow them in
messaging: messaging/tests/test_blacklist_effects.py).
"""

from collections.abc import Iterator

import pytest
from django.db import transaction

from blacklist.errors import DomainNotBlacklisted, InnNotBlacklisted
from blacklist.models import DomainBlacklistEntry, DomainBlacklistUrl, InnBlacklistEntry
from blacklist.services import domain_blacklist_add, domain_blacklist_remove, inn_blacklist_add, inn_blacklist_remove
from blacklist.signals import domain_blacklisted, domain_unblacklisted, inn_blacklisted, inn_unblacklisted
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


# --- INN ------------------------------------------------------------------------------------


def test_inn_readd_updates_the_reason(alice) -> None:
    inn_blacklist_add(owner=alice, inn="7707083893", reason="first")
    inn_blacklist_add(owner=alice, inn="77 0708 3893", reason="second")
    assert list(InnBlacklistEntry.objects.values_list("inn", "reason")) == [("7707083893", "second")]


def test_inn_add_rejects_bad_inn_and_long_reason(alice) -> None:
    with pytest.raises(ValidationFailed):
        inn_blacklist_add(owner=alice, inn="7707083894")
    with pytest.raises(ValidationFailed):
        inn_blacklist_add(owner=alice, inn="7707083893", reason="x" * 501)
    assert not InnBlacklistEntry.objects.exists()


# --- domains --------------------------------------------------------------------------------


def test_domain_readd_updates_comment_and_appends_new_urls(moderator) -> None:
    domain_blacklist_add(domain="bad.ru", comment="first", url="https://bad.ru/a", created_by=moderator)
    domain_blacklist_add(domain="www.bad.ru", comment="second", url="https://bad.ru/a")
    entry, _ = domain_blacklist_add(domain="bad.ru", url="https://shop.bad.ru/b")
    entry.refresh_from_db()
    assert entry.comment == "second" and entry.created_by == moderator
    assert list(DomainBlacklistUrl.objects.values_list("url", flat=True)) == [
        "https://bad.ru/a",
        "https://shop.bad.ru/b",
    ]


@pytest.mark.parametrize("domain", ["ru", "co.uk", "1.2.3.4", "", "localhost"])
def test_domain_add_rejects_non_registrable_input(domain) -> None:
    with pytest.raises(ValidationFailed):
        domain_blacklist_add(domain=domain)
    assert not DomainBlacklistEntry.objects.exists()


def test_domain_url_must_be_under_the_domain() -> None:
    with pytest.raises(ValidationFailed):
        domain_blacklist_add(domain="bad.ru", url="https://good.ru/x")


# --- the signals ----------------------------------------------------------------------------


@pytest.fixture
def heard() -> Iterator[list[tuple[str, dict, bool]]]:
    """Every blacklist signal as (name, kwargs, sent inside a transaction); each receiver answers 2."""
    calls: list[tuple[str, dict, bool]] = []
    signals = {
        "inn_blacklisted": inn_blacklisted,
        "inn_unblacklisted": inn_unblacklisted,
        "domain_blacklisted": domain_blacklisted,
        "domain_unblacklisted": domain_unblacklisted,
    }
    receivers = {}
    for name, signal in signals.items():

        def receive(sender, signal=None, _name=name, **kwargs) -> int:
            calls.append((_name, kwargs, transaction.get_connection().in_atomic_block))
            return 2

        receivers[name] = receive  # signals hold receivers weakly: keep them alive for the test
        signal.connect(receive, dispatch_uid=f"test-{name}")
    yield calls
    for name, signal in signals.items():
        signal.disconnect(dispatch_uid=f"test-{name}")


def test_each_change_sends_its_signal_and_returns_the_receivers_count(alice, heard) -> None:
    _, unticked = inn_blacklist_add(owner=alice, inn="77 0708 3893")
    inn_blacklist_remove(owner=alice, inn="7707083893")
    _, unticked_by_domain = domain_blacklist_add(domain="https://www.Bad.ru/x")
    domain_blacklist_remove(domain="bad.ru")

    assert [(name, kwargs) for name, kwargs, _ in heard] == [
        ("inn_blacklisted", {"owner": alice, "inn": "7707083893"}),
        ("inn_unblacklisted", {"owner": alice, "inn": "7707083893"}),
        ("domain_blacklisted", {"root": "bad.ru"}),
        ("domain_unblacklisted", {"root": "bad.ru"}),
    ]
    assert all(inside for _, _, inside in heard)  # receivers share the change's transaction
    assert unticked >= 2 and unticked_by_domain >= 2  # plus whatever messaging's receivers unticked (none here)


def test_removing_an_absent_entry_is_404_and_sends_nothing(alice, bob, heard) -> None:
    inn_blacklist_add(owner=alice, inn="7707083893")
    heard.clear()
    with pytest.raises(InnNotBlacklisted):
        inn_blacklist_remove(owner=bob, inn="7707083893")
    with pytest.raises(DomainNotBlacklisted):
        domain_blacklist_remove(domain="bad.ru")
    assert heard == []
    assert InnBlacklistEntry.objects.filter(owner=alice).exists()


def test_path_inputs_are_refused_with_their_python_name(alice) -> None:
    with pytest.raises(ValidationFailed) as bad_inn:
        inn_blacklist_remove(owner=alice, inn="123")
    with pytest.raises(ValidationFailed) as bad_domain:
        domain_blacklist_remove(domain="ru")
    with pytest.raises(ValidationFailed) as bad_url:
        domain_blacklist_add(domain="bad.ru", url="https://good.ru/x")
    assert [path for path, _, _ in bad_inn.value.errors] == [("inn",)]
    assert [path for path, _, _ in bad_domain.value.errors] == [("domain",)]
    assert [path for path, _, _ in bad_url.value.errors] == [("url",)]
