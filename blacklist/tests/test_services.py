"""Adding to a blacklist unticks not-yet-contacted recipients; removing clears the reason only."""

import pytest

from blacklist.errors import DomainNotBlacklisted, InnNotBlacklisted
from blacklist.models import DomainBlacklistEntry, DomainBlacklistUrl, InnBlacklistEntry
from blacklist.services import (
    domain_blacklist_add,
    domain_blacklist_remove,
    inn_blacklist_add,
    inn_blacklist_remove,
)
from blacklist.tests.helpers import make_message, make_recipient, make_request, state
from core.errors import ValidationFailed
from messaging.models import Direction, MessageStatus
from suppliers.services import supplier_sync_domains
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db


# --- INN ------------------------------------------------------------------------------------


def test_inn_add_unticks_only_this_buyers_uncontacted_recipients(alice, bob) -> None:
    supplier, other = SupplierFactory(), SupplierFactory()
    alice_request, alice_request2, bob_request = make_request(alice), make_request(alice), make_request(bob)
    fresh = make_recipient(alice_request, supplier)
    unticked_already = make_recipient(alice_request2, supplier, selected=False)
    other_supplier = make_recipient(alice_request, other)
    bobs = make_recipient(bob_request, supplier)

    entry, count = inn_blacklist_add(owner=alice, inn=supplier.inn, reason="never answers")

    assert (entry.inn, entry.reason, count) == (supplier.inn, "never answers", 2)
    assert state(fresh) == (False, "inn_blacklisted")
    assert state(unticked_already) == (False, "inn_blacklisted")
    assert state(other_supplier) == (True, None)
    assert state(bobs) == (True, None)


@pytest.mark.parametrize("status", [MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT])
def test_inn_add_leaves_contacted_recipients_alone(alice, status) -> None:
    supplier = SupplierFactory()
    request = make_request(alice)
    contacted = make_recipient(request, supplier)
    make_message(request, supplier, status=status)
    inn_blacklist_add(owner=alice, inn=supplier.inn)
    assert state(contacted) == (True, None)


def test_failed_or_incoming_messages_do_not_count_as_contact(alice) -> None:
    supplier = SupplierFactory()
    request = make_request(alice)
    recipient = make_recipient(request, supplier)
    make_message(request, supplier, status=MessageStatus.FAILED)
    make_message(request, supplier, status=MessageStatus.SENT, direction=Direction.INCOMING)
    inn_blacklist_add(owner=alice, inn=supplier.inn)
    assert state(recipient) == (False, "inn_blacklisted")


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


def test_inn_remove_clears_reason_but_keeps_unticked(alice, bob) -> None:
    supplier = SupplierFactory()
    recipient = make_recipient(make_request(alice), supplier)
    inn_blacklist_add(owner=alice, inn=supplier.inn)
    with pytest.raises(InnNotBlacklisted):
        inn_blacklist_remove(owner=bob, inn=supplier.inn)
    assert state(recipient) == (False, "inn_blacklisted")
    inn_blacklist_remove(owner=alice, inn=supplier.inn)
    assert state(recipient) == (False, None)
    with pytest.raises(InnNotBlacklisted):
        inn_blacklist_remove(owner=alice, inn=supplier.inn)


def test_inn_remove_falls_back_to_a_domain_reason(alice) -> None:
    supplier = SupplierFactory(email="x@blocked.ru")
    recipient = make_recipient(make_request(alice), supplier)
    inn_blacklist_add(owner=alice, inn=supplier.inn)
    domain_blacklist_add(domain="blocked.ru")
    assert state(recipient) == (False, "inn_blacklisted")
    inn_blacklist_remove(owner=alice, inn=supplier.inn)
    assert state(recipient) == (False, "domain_blacklisted")


# --- domains --------------------------------------------------------------------------------


def test_domain_add_unticks_uncontacted_recipients_in_all_requests(alice, bob) -> None:
    by_site, by_email, by_extra, clean = SupplierFactory(), SupplierFactory(), SupplierFactory(), SupplierFactory()
    SupplierSiteFactory(supplier=by_site, url="https://spb.bad.ru/catalog")
    by_email.email = "sales@mail.bad.ru"
    by_email.save()
    by_extra.emails = ["ok@fine.ru", "info@bad.ru"]
    by_extra.save()
    supplier_sync_domains(supplier=by_email)
    supplier_sync_domains(supplier=by_extra)
    alice_request, bob_request = make_request(alice), make_request(bob)
    recipients = [make_recipient(alice_request, s) for s in (by_site, by_email, by_extra)]
    bobs = make_recipient(bob_request, by_site)
    contacted = make_recipient(bob_request, by_email)
    make_message(bob_request, by_email, status=MessageStatus.QUEUED)
    untouched = make_recipient(alice_request, clean)

    entry, count = domain_blacklist_add(domain="HTTPS://WWW.Bad.RU./x", comment="spam")

    assert (entry.domain, entry.comment, count) == ("bad.ru", "spam", 4)
    for recipient in [*recipients, bobs]:
        assert state(recipient) == (False, "domain_blacklisted")
    assert state(contacted) == (True, None)
    assert state(untouched) == (True, None)


def test_domain_add_keeps_an_inn_reason(alice) -> None:
    supplier = SupplierFactory(email="x@bad.ru")
    recipient = make_recipient(make_request(alice), supplier)
    inn_blacklist_add(owner=alice, inn=supplier.inn)
    domain_blacklist_add(domain="bad.ru")
    assert state(recipient) == (False, "inn_blacklisted")


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


def test_domain_remove_clears_reason_unless_another_root_still_blocks(alice) -> None:
    both = SupplierFactory(email="a@bad.ru", emails=["b@worse.ru"])
    only_bad = SupplierFactory(email="a@sub.bad.ru")
    r_both, r_only = make_recipient(make_request(alice), both), make_recipient(make_request(alice), only_bad)
    domain_blacklist_add(domain="bad.ru")
    domain_blacklist_add(domain="worse.ru")
    domain_blacklist_remove(domain="https://www.BAD.ru/")
    assert state(r_only) == (False, None)
    assert state(r_both) == (False, "domain_blacklisted")
    with pytest.raises(DomainNotBlacklisted):
        domain_blacklist_remove(domain="bad.ru")
