"""The buyer's e-mail when moderation of their request is done (messaging.notices), unit and end to end."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import ngettext

from accounts.models import BuyerProfile
from messaging.notices import moderation_done_email
from requests_app.moderation import request_link_suppliers, task_finish, task_take
from requests_app.tests.factories import ModeratorTaskFactory, make_request_with_keys
from suppliers.tests.factories import SupplierFactory

from .conftest import wait_until

SUBJECT = ("Request “%(title)s”: moderation done, %(count)s supplier linked",
           "Request “%(title)s”: moderation done, %(count)s suppliers linked")  # fmt: skip


def finish_with_links(owner, moderator, *, suppliers: int, title: str = "Фланцы") -> None:
    request = make_request_with_keys(4, owner=owner, status="confirmed", title=title)
    task = ModeratorTaskFactory(request=request)
    cards = SupplierFactory.create_batch(suppliers)
    request_link_suppliers(request_id=request.pk, moderator=moderator, all_keys=[card.pk for card in cards])
    task_take(task_id=task.pk, moderator=moderator)
    task_finish(task_id=task.pk, moderator=moderator)


@pytest.mark.django_db
def test_done_e_mails_the_buyer_once_after_commit_with_the_count(
    alice, moderator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        finish_with_links(alice, moderator, suppliers=3)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    (sent,) = mail.outbox
    assert sent.to == ["alice@buyer.example"]
    # No profile language: the platform's (LANGUAGE_CODE; Russian in production, the catalogue holds the text).
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(*SUBJECT, 3) % {"title": "Фланцы", "count": 3}
    assert sent.subject == subject
    html = sent.alternatives[0][0]
    assert f'lang="{settings.LANGUAGE_CODE}"' in html and "3" in sent.body


@pytest.mark.django_db
def test_a_russian_buyer_gets_the_e_mail_in_russian(alice, moderator, django_capture_on_commit_callbacks) -> None:
    BuyerProfile.objects.create(user=alice, language="ru")

    with django_capture_on_commit_callbacks(execute=True):
        finish_with_links(alice, moderator, suppliers=2)

    (sent,) = mail.outbox
    with translation.override("ru"):
        assert sent.subject == ngettext(*SUBJECT, 2) % {"title": "Фланцы", "count": 2}
    assert 'lang="ru"' in sent.alternatives[0][0]


@pytest.mark.django_db
def test_the_e_mail_is_in_the_buyers_language(alice, moderator, django_capture_on_commit_callbacks) -> None:
    BuyerProfile.objects.create(user=alice, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        finish_with_links(alice, moderator, suppliers=1, title="Pipes")

    (sent,) = mail.outbox
    assert sent.subject == "Request “Pipes”: moderation done, 1 supplier linked"
    assert "Our moderators linked 1 supplier to its items." in sent.body
    assert 'lang="en"' in sent.alternatives[0][0]


@pytest.mark.django_db
def test_a_refused_done_sends_nothing(alice, moderator, make_user, django_capture_on_commit_callbacks) -> None:
    other = make_user("other@platform.example", moderator=True)
    task = ModeratorTaskFactory(request=make_request_with_keys(1, owner=alice, status="confirmed"))
    task_take(task_id=task.pk, moderator=other)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="take it over"):
        task_finish(task_id=task.pk, moderator=moderator)

    assert mail.outbox == []


@pytest.mark.django_db
def test_the_template_counts_in_english(alice) -> None:
    request = make_request_with_keys(1, owner=alice, title=None)
    BuyerProfile.objects.create(user=alice, language="en")

    message = moderation_done_email(request=request, suppliers_linked=0)

    assert message.subject == f"Request “#{request.pk}”: moderation done, 0 suppliers linked"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_e_mail_over_smtp(alice, moderator, smtp, start_worker) -> None:
    BuyerProfile.objects.create(user=alice, language="en")
    start_worker()

    finish_with_links(alice, moderator, suppliers=2, title="Bolts")

    wait_until(lambda: smtp.handler.received, what="the moderation-done e-mail")
    (received,) = smtp.handler.received
    assert received.rcpt_tos == ["alice@buyer.example"]
    assert str(received.message["Subject"]).strip() == "Request “Bolts”: moderation done, 2 suppliers linked"
