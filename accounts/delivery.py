"""Drawing a challenge's code and e-mailing it: run by the Celery worker, never by the web process.

The worker draws the code, stores only its HMAC with a conditional update (so one challenge gets at most one
code) and sends the e-mail. The plain code lives in this worker's memory and in the e-mail — never in the
broker, the database or a log line. See docs/decisions/0005-otp-code-drawn-by-worker.md.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OtpChallenge, User
from .otp import CODE_LIFETIME, code_hmac, generate_code

logger = logging.getLogger(__name__)

# In the worker's language: settings.LANGUAGE_CODE (Russian by default); the address has no language of its own.
OTP_EMAIL_SUBJECT = _("Your B2B Platform login code")


def _may_receive_code(email: str) -> bool:
    """Inactive users get no e-mail; unknown addresses do (their account is created on the first verify).

    ``email`` is the challenge's canonical address, compared exactly like the login lookup.
    """
    return not User.objects.filter(email=email, is_active=False).exists()


def _send(*, email: str, code: str) -> None:
    context = {"code": code, "email": email, "minutes": int(CODE_LIFETIME.total_seconds() // 60)}
    message = EmailMultiAlternatives(
        subject=str(OTP_EMAIL_SUBJECT),
        body=render_to_string("accounts/otp_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    )
    message.attach_alternative(render_to_string("accounts/otp_email.html", context), "text/html")
    message.send(fail_silently=False)


def otp_deliver(*, challenge_id: int) -> bool:
    """Draw, store (as HMAC) and e-mail the code of an open challenge; ``True`` when an e-mail left.

    Does nothing for a challenge that is gone, used, cancelled, expired or already has a code. When sending
    fails the stored digest is cleared again, so a retry draws a fresh code instead of leaving a code nobody got.
    """
    challenge = OtpChallenge.objects.filter(pk=challenge_id).only("id", "email").first()
    if challenge is None or not _may_receive_code(challenge.email):
        return False
    code = generate_code()
    digest = code_hmac(email=challenge.email, code=code)
    claimed = (
        OtpChallenge.objects.open_for(challenge.email)
        .filter(pk=challenge.pk, code_hmac="", expires_at__gt=timezone.now())
        .update(code_hmac=digest)
    )
    if not claimed:
        return False
    try:
        _send(email=challenge.email, code=code)
    except Exception:
        OtpChallenge.objects.filter(pk=challenge.pk, code_hmac=digest).update(code_hmac="")
        logger.warning("OTP e-mail for challenge %s could not be sent", challenge.pk)
        raise
    logger.info("OTP e-mail for challenge %s sent", challenge.pk)
    return True
