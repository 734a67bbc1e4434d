"""Recipients follow the blacklists (``messaging.receivers`` on ``blacklist.signals``): adding to a list unticks
not-yet-contacted recipients, removing clears the reason only; through the services, the API, the admin and
the moderators' domain decisions.
"""

import uuid
from urllib.parse import quote

import pytest

from accounts.models import User
from blacklist.errors import DomainNotBlacklisted, InnNotBlacklisted
from blacklist.models import DomainBlacklistEntry
from blacklist.services import domain_blacklist_add, domain_blacklist_remove, inn_blacklist_add, inn_blacklist_remove
from messaging.models import Direction, Message, MessageStatus, Recipient
from requests_app.models import Request, RequestStatus
from requests_app.tests.factories import RequestFactory
from suppliers.decisions import domain_url_add
from suppliers.models import DomainDecision, DomainUrl, Supplier
from suppliers.services import supplier_sync_domains
from suppliers.tests.factories import SupplierFactory, SupplierSiteFactory

pytestmark = pytest.mark.django_db

INNS = "/api/v1/user/blacklist-inn"
DOMAINS = "/api/v1/moderator/blacklist/domains"
ADMIN_DOMAINS = "/admin/blacklist/domainblacklistentry/"
ROOT = "romashka.ru"


def make_request(owner: User) -> Request:
    return RequestFactory(owner=owner, status=RequestStatus.CONFIRMED)


def make_recipient(request: Request, supplier: Supplier, *, selected: bool = True, **fields) -> Recipient:
    return Recipient.objects.create(request=request, supplier=supplier, selected=selected, **fields)


def make_message(request: Request, supplier: Supplier, status: str = MessageStatus.SENT, **fields) -> Message:
    return Message.objects.create(
        request=request,
        supplier=supplier,
        direction=fields.pop("direction", Direction.OUTGOING),
        to_email=supplier.email,
        subject="RFQ",
        body="Please quote",
        status=status,
        message_id=f"<{uuid.uuid4().hex}@test>",
        **fields,
    )


def state(recipient: Recipient) -> tuple[bool, str | None]:
    recipient.refresh_from_db()
    return recipient.selected, recipient.blocked_reason


def _urls(rows: list[dict]) -> dict:
    data = {"urls-TOTAL_FORMS": str(len(rows)), "urls-INITIAL_FORMS": "0", "urls-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data.update({f"urls-{index}-{key}": value for key, value in row.items()})
    return data


def _url(domain: str) -> str:
    return f"/api/v1/moderator/domains/{quote(domain, safe='')}/decision"


def _carddata(**overrides) -> dict:
    body = {
        "inn": "7707083893",
        "name": "Romashka LLC",
        "email": "sales@romashka-mail.ru",
        "emails": ["info@romashka-mail.ru"],
        "phone": "+7 495 123-45-67",
        "comment": "met at the fair",
    }
    body.update(overrides)
    return body


def _decide(client, status: str, domain: str = ROOT, **body):
    return client.post(_url(domain), {"status": status, **body}, format="json")


# --- the services: INN ----------------------------------------------------------------------


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


# --- the services: domains ------------------------------------------------------------------


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


# --- the API -------------------------------------------------------------------------------


def test_add_unticks_this_buyers_recipients_only(alice, bob, alice_client) -> None:
    supplier = SupplierFactory()
    mine, theirs = make_recipient(make_request(alice), supplier), make_recipient(make_request(bob), supplier)
    response = alice_client.post(INNS, {"inn": supplier.inn}, format="json")
    assert "1 recipient" in response.json()["message"]
    assert state(mine) == (False, "inn_blacklisted")
    assert state(theirs) == (True, None)


def test_domain_add_normalises_and_readd_updates(moderator_client, alice) -> None:
    supplier = SupplierFactory(email="sales@shop.bad.ru")
    recipient = make_recipient(make_request(alice), supplier)
    first = moderator_client.post(
        DOMAINS, {"domain": "https://WWW.Bad.RU./catalog", "comment": "spam", "url": "https://bad.ru/x"}, format="json"
    )
    assert first.status_code == 200, first.json()
    body = first.json()
    assert (body["domain"], body["comment"]) == ("bad.ru", "spam")
    assert [(u["url"], u["comment"]) for u in body["urls"]] == [("https://bad.ru/x", "spam")]
    assert state(recipient) == (False, "domain_blacklisted")

    again = moderator_client.post(
        DOMAINS, {"domain": "bad.ru", "comment": "worse", "url": "https://spb.bad.ru/y"}, format="json"
    ).json()
    assert again["comment"] == "worse" and again["createdat"] == body["createdat"]
    assert [u["url"] for u in again["urls"]] == ["https://bad.ru/x", "https://spb.bad.ru/y"]


# --- the admin -----------------------------------------------------------------------------


def test_adding_a_domain_normalises_it_and_unticks(admin_client, admin_user, alice) -> None:
    supplier = SupplierFactory(email="sales@shop.bad.ru")
    recipient = make_recipient(make_request(alice), supplier)
    data = {
        "domain": "https://WWW.Bad.RU./x",
        "comment": "spam",
        **_urls([{"url": "https://bad.ru/x", "comment": "c"}]),
    }
    response = admin_client.post(f"{ADMIN_DOMAINS}add/", data)
    assert response.status_code == 302
    entry = DomainBlacklistEntry.objects.get()
    assert (entry.domain, entry.created_by) == ("bad.ru", admin_user)
    assert list(entry.urls.values_list("url", "comment")) == [("https://bad.ru/x", "c")]
    assert state(recipient) == (False, "domain_blacklisted")


def test_deleting_a_domain_clears_the_reason(admin_client, alice) -> None:
    supplier = SupplierFactory(email="sales@bad.ru")
    recipient = make_recipient(make_request(alice), supplier)
    admin_client.post(f"{ADMIN_DOMAINS}add/", {"domain": "bad.ru", **_urls([])})
    entry = DomainBlacklistEntry.objects.get()
    response = admin_client.post(f"{ADMIN_DOMAINS}{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert state(recipient) == (False, None)


# --- domain decisions ----------------------------------------------------------------------


def test_blacklist_decision_adds_the_root_and_unticks_uncontacted_recipients(
    moderator_client, moderator, alice, bob
) -> None:
    under_root = SupplierFactory()
    SupplierSiteFactory(supplier=under_root, url="https://spb.romashka.ru/catalog")
    elsewhere = SupplierFactory()
    SupplierSiteFactory(supplier=elsewhere, url="https://lutik.ru")
    fresh = make_recipient(make_request(alice), under_root)
    bob_request = make_request(bob)
    contacted = make_recipient(bob_request, under_root)
    make_message(bob_request, under_root, status=MessageStatus.SENT)
    untouched = make_recipient(make_request(alice), elsewhere)
    domain_url_add(domain=ROOT, url="https://romashka.ru/price.xlsx")

    response = _decide(moderator_client, "blacklist", "WWW.Romashka.RU", comment="spam")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["domain"], body["status"], body["comment"]) == (ROOT, "blacklist", "spam")
    assert (body["supplierid"], body["card"]) == (None, None)
    assert body["urls"] == ["https://romashka.ru/price.xlsx"]
    assert state(fresh) == (False, "domain_blacklisted")
    assert state(contacted) == (True, None)
    assert state(untouched) == (True, None)
    entry = DomainBlacklistEntry.objects.get()
    assert (entry.domain, entry.comment, entry.created_by) == (ROOT, "spam", moderator)
    listed = moderator_client.get(DOMAINS).json()
    [item] = listed["items"]
    assert (item["domain"], item["comment"]) == (ROOT, "spam")
    assert [(u["url"], u["comment"]) for u in item["urls"]] == [("https://romashka.ru/price.xlsx", "spam")]
    assert Supplier.objects.count() == 2  # no card written


def test_pending_decision_writes_nothing_else(moderator_client, moderator, alice) -> None:
    supplier = SupplierFactory()
    SupplierSiteFactory(supplier=supplier, url="https://romashka.ru/catalog")
    recipient = make_recipient(make_request(alice), supplier)
    response = _decide(moderator_client, "pending", comment="  ", carddata=_carddata(inn="7736207543"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {k: v for k, v in body.items() if k != "decisionat"} == {
        "domain": ROOT,
        "status": "pending",
        "supplierid": None,
        "card": None,
        "comment": None,
        "urls": [],
    }
    assert moderator_client.get(_url(ROOT)).json() == body
    assert list(Supplier.objects.values_list("pk", flat=True)) == [supplier.pk]  # carddata ignored
    assert not DomainBlacklistEntry.objects.exists()
    assert not DomainUrl.objects.exists()
    assert state(recipient) == (True, None)
    decision = DomainDecision.objects.get()
    assert (decision.status, decision.decided_by, decision.supplier_id) == ("pending", moderator, None)
