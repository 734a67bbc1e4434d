"""The code e-mail leaves through the Celery task; the daily purge."""

from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from accounts import delivery, tasks
from accounts.models import OtpChallenge, OtpFailureStreak, RateLimitCounter
from accounts.otp import code_matches

from .conftest import REQUEST_URL, code_in, free_port
from .factories import OtpChallengeFactory, UserFactory, expired_challenge

pytestmark = pytest.mark.django_db


def test_the_request_queues_the_task_after_commit_with_the_challenge_id_only(
    anon_client, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    published: list[tuple] = []
    original_delay = tasks.send_otp_email.delay

    def spy(*args, **kwargs):
        published.append((args, kwargs))
        return original_delay(*args, **kwargs)

    monkeypatch.setattr(tasks.send_otp_email, "delay", spy)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        anon_client.post(REQUEST_URL, {"email": "a@buyer.example"}, format="json")
    assert published == [] and mailoutbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()

    challenge = OtpChallenge.objects.get()
    assert published == [((challenge.pk,), {})]
    assert len(mailoutbox) == 1
    code = code_in(mailoutbox[0].body)
    assert code not in repr(published)


def test_the_email_carries_the_code_in_text_and_html(ask_code, mailoutbox):
    code = ask_code("a@buyer.example")
    message = mailoutbox[0]
    assert message.to == ["a@buyer.example"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert code not in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert code in html and code in message.body
    assert "10 minutes" in message.body
    assert code_matches(email="a@buyer.example", code=code, stored_hmac=OtpChallenge.objects.get().code_hmac)


def test_inactive_users_get_no_email(anon_client, django_capture_on_commit_callbacks, mailoutbox):
    UserFactory(email="gone@buyer.example", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = anon_client.post(REQUEST_URL, {"email": "gone@buyer.example"}, format="json")
    assert response.status_code == 200
    assert mailoutbox == []
    assert OtpChallenge.objects.get().code_hmac == ""


def test_a_challenge_gets_one_code_only(mailoutbox):
    challenge = OtpChallengeFactory(code_hmac="")
    assert tasks.send_otp_email.delay(challenge.pk).get() is True
    assert tasks.send_otp_email.delay(challenge.pk).get() is False
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "fields",
    [{"used_at": timezone.now}, {"cancelled_at": timezone.now}, {"expires_in": timedelta(seconds=-1)}],
    ids=["used", "cancelled", "expired"],
)
def test_no_email_for_a_closed_challenge(mailoutbox, fields):
    values = {key: value() for key, value in fields.items() if callable(value)}
    if "expires_in" in fields:
        created = timezone.now() - timedelta(minutes=11)
        values.update(created_at=created, expires_at=created + timedelta(minutes=10))
    challenge = OtpChallengeFactory(code_hmac="", **values)
    assert delivery.otp_deliver(challenge_id=challenge.pk) is False
    assert mailoutbox == []


def test_no_email_for_a_missing_challenge(mailoutbox):
    assert delivery.otp_deliver(challenge_id=987654) is False


def test_a_failed_send_clears_the_digest_so_a_retry_draws_a_fresh_code():
    challenge = OtpChallengeFactory(code_hmac="")
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": free_port(),  # nothing listens: connection refused
        "EMAIL_TIMEOUT": 2,
    }
    with override_settings(**smtp), pytest.raises(OSError):
        delivery.otp_deliver(challenge_id=challenge.pk)
    challenge.refresh_from_db()
    assert challenge.code_hmac == ""


def test_purge_deletes_expired_challenges_ended_windows_and_stale_streaks():
    old = expired_challenge(email="old@buyer.example")
    fresh = OtpChallengeFactory(email="fresh@buyer.example")
    now = timezone.now()
    RateLimitCounter.objects.create(
        scope="otp_ip_hour", key="1.1.1.1", window_start=now - timedelta(hours=2), window_end=now - timedelta(hours=1)
    )
    live = RateLimitCounter.objects.create(
        scope="otp_ip_hour", key="2.2.2.2", window_start=now, window_end=now + timedelta(hours=1)
    )
    OtpFailureStreak.objects.create(email="stale@b.example", failures=3, last_failure_at=now - timedelta(days=2))
    locked = OtpFailureStreak.objects.create(
        email="locked@b.example", last_failure_at=now - timedelta(days=2), locked_until=now + timedelta(minutes=5)
    )

    result = tasks.purge_expired_otp_data.delay().get()

    assert result == {"challenges": 1, "counters": 1, "streaks": 1}
    assert list(OtpChallenge.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not OtpChallenge.objects.filter(pk=old.pk).exists()
    assert list(RateLimitCounter.objects.all()) == [live]
    assert list(OtpFailureStreak.objects.all()) == [locked]


def test_the_purge_runs_daily_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts.purge_expired_otp_data"]
    assert entry["task"] == "accounts.purge_expired_otp_data"
    assert entry["task"] in current_app.tasks
    assert entry["schedule"] == timedelta(days=1)


def test_the_code_never_reaches_a_log_record(ask_code, verify, caplog):
    caplog.set_level("DEBUG")
    code = ask_code("logged@buyer.example")
    verify("logged@buyer.example", code)
    assert caplog.records, "the delivery should have logged something"
    assert all(code not in record.getMessage() and code not in str(record.args) for record in caplog.records)
