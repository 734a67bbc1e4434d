"""Celery tasks of the accounts app: thin wrappers that load by id and call a function."""

import smtplib

from celery import shared_task
from django.utils import timezone

from . import delivery, services


@shared_task(
    name="accounts.send_otp_email",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=3,
)
def send_otp_email(challenge_id: int) -> bool:
    """E-mail a fresh code for the challenge. Only the id travels through the broker, never a code."""
    return delivery.otp_deliver(challenge_id=challenge_id)


@shared_task(name="accounts.purge_expired_otp_data")
def purge_expired_otp_data() -> dict[str, int]:
    """Daily: delete expired challenges, finished rate-limit windows and stale failure streaks."""
    return services.otp_purge_expired(now=timezone.now())
