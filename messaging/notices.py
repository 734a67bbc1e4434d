"""E-mails to buyers about their requests (not to suppliers): "moderation of your request is done".

``requests_app`` sends ``signals.moderation_done`` inside the transaction that marks the task done; the receiver
here publishes ``messaging.send_moderation_done_email`` after the commit (a rolled-back "done" sends nothing),
and the worker writes the e-mail in the buyer's language (``BuyerProfile.language``, else ``LANGUAGE_CODE``)
with how many suppliers were linked. The e-mail is a notice: a lost one is logged, never retried for ever.
"""

import logging
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError

from accounts.selectors import profile_of
from requests_app.models import Request
from requests_app.signals import moderation_done

from .email import email_language

logger = logging.getLogger(__name__)

SEND_MODERATION_DONE_EMAIL = "messaging.send_moderation_done_email"
TEXT_TEMPLATE = "messaging/moderation_done_email.txt"
HTML_TEMPLATE = "messaging/moderation_done_email.html"


@receiver(moderation_done, dispatch_uid="messaging.email_buyer_moderation_done")
def email_buyer_moderation_done(sender: Any, *, request_id: int, suppliers_linked: int, **kwargs: Any) -> None:
    """After the commit, ask a worker to e-mail the buyer (only ids and the count travel through the broker)."""

    def publish() -> None:
        try:
            current_app.signature(SEND_MODERATION_DONE_EMAIL, args=(request_id, suppliers_linked)).apply_async(
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}
            )
        except (OperationalError, OSError) as exc:
            logger.warning(
                "messaging: broker unavailable, moderation e-mail for request %s not sent: %s", request_id, exc
            )

    transaction.on_commit(publish)


def moderation_done_email(*, request: Request, suppliers_linked: int) -> EmailMultiAlternatives:
    """The e-mail to the request's owner, in their language."""
    owner = request.owner
    language = email_language(profile_of(owner))
    with translation.override(language):
        context = {
            "request": request,
            "title": request.title or f"#{request.pk}",
            "suppliers_linked": suppliers_linked,
        }
        subject = ngettext(
            "Request “%(title)s”: moderation done, %(count)s supplier linked",
            "Request “%(title)s”: moderation done, %(count)s suppliers linked",
            suppliers_linked,
        ) % {"title": context["title"], "count": suppliers_linked}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(TEXT_TEMPLATE, context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[owner.email],
        )
        message.attach_alternative(render_to_string(HTML_TEMPLATE, context), "text/html")
    return message


def send_moderation_done(*, request_id: int, suppliers_linked: int) -> bool:
    """Send the notice for a request (gone: nothing); ``True`` when an e-mail left."""
    request = Request.objects.select_related("owner", "owner__profile").filter(pk=request_id).first()
    if request is None or not request.owner.is_active:
        return False
    moderation_done_email(request=request, suppliers_linked=suppliers_linked).send(fail_silently=False)
    logger.info("moderation-done e-mail for request %s sent", request_id)
    return True
