"""Scoped reads: list, get, and the per-message selection used by messaging."""

import pytest

from attachments.errors import AttachmentNotFound
from attachments.selectors import attachment_get, attachment_list, attachments_for_sending
from attachments.tests.factories import AttachmentFactory
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

LIMITS = {"max_count": 10, "max_total_bytes": 25 * 1024 * 1024}


def test_list_shows_own_live_attachments_newest_first(alice, bob) -> None:
    older = AttachmentFactory(owner=alice)
    newer = AttachmentFactory(owner=alice)
    AttachmentFactory(owner=alice, is_deleted=True)
    AttachmentFactory(owner=bob)
    assert list(attachment_list(owner=alice)) == [newer, older]


def test_get_returns_own_attachment(alice) -> None:
    attachment = AttachmentFactory(owner=alice)
    assert attachment_get(owner=alice, attachment_id=attachment.pk) == attachment


@pytest.mark.parametrize("case", ["foreign", "deleted", "missing"])
def test_get_is_not_found_for_foreign_deleted_or_missing(alice, bob, case: str) -> None:
    if case == "foreign":
        attachment_id = AttachmentFactory(owner=bob).pk
    elif case == "deleted":
        attachment_id = AttachmentFactory(owner=alice, is_deleted=True).pk
    else:
        attachment_id = 424242
    with pytest.raises(AttachmentNotFound):
        attachment_get(owner=alice, attachment_id=attachment_id)


def test_for_sending_returns_attachments_in_the_order_asked_without_duplicates(alice) -> None:
    first, second = AttachmentFactory(owner=alice), AttachmentFactory(owner=alice)
    assert attachments_for_sending(owner=alice, attachment_ids=[second.pk, first.pk, second.pk], **LIMITS) == [
        second,
        first,
    ]


def test_for_sending_with_no_ids_is_empty(alice, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert attachments_for_sending(owner=alice, attachment_ids=[], **LIMITS) == []


def test_for_sending_uses_one_query(alice, django_assert_num_queries) -> None:
    ids = [AttachmentFactory(owner=alice).pk for _ in range(3)]
    with django_assert_num_queries(1):
        attachments_for_sending(owner=alice, attachment_ids=ids, **LIMITS)


def test_for_sending_names_every_foreign_deleted_or_missing_id(alice, bob) -> None:
    own = AttachmentFactory(owner=alice)
    foreign = AttachmentFactory(owner=bob)
    deleted = AttachmentFactory(owner=alice, is_deleted=True)
    with pytest.raises(ValidationFailed) as caught:
        attachments_for_sending(owner=alice, attachment_ids=[own.pk, foreign.pk, deleted.pk, 987654], **LIMITS)
    [(loc, message, kind)] = caught.value.errors
    assert loc == ("attachment_ids",)
    assert kind == "not_found"
    for bad_id in (foreign.pk, deleted.pk, 987654):
        assert str(bad_id) in message
    assert f"{own.pk}," not in message.split(":", 1)[1] + ","


def test_for_sending_refuses_more_than_the_maximum_count(alice) -> None:
    limits = {**LIMITS, "max_count": 2}
    ids = [AttachmentFactory(owner=alice).pk for _ in range(3)]
    with pytest.raises(ValidationFailed) as caught:
        attachments_for_sending(owner=alice, attachment_ids=ids, **limits)
    assert caught.value.errors[0][2] == "too_long"
    assert attachments_for_sending(owner=alice, attachment_ids=ids[:2], **limits)


def test_for_sending_refuses_a_total_over_the_maximum_size(alice) -> None:
    first = AttachmentFactory(owner=alice, content=b"a" * 60)
    second = AttachmentFactory(owner=alice, content=b"b" * 60)
    limits = {**LIMITS, "max_total_bytes": 100}
    with pytest.raises(ValidationFailed) as caught:
        attachments_for_sending(owner=alice, attachment_ids=[first.pk, second.pk], **limits)
    assert caught.value.errors[0][2] == "too_large"
    assert attachments_for_sending(owner=alice, attachment_ids=[first.pk], **limits) == [first]


def test_default_message_limits_are_ten_files_and_25_mb(settings) -> None:
    assert settings.MESSAGE_MAX_ATTACHMENTS == 10
    assert settings.MESSAGE_MAX_ATTACHMENT_BYTES == 25 * 1024 * 1024
