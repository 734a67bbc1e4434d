"""The moderators' console: the Django admin with a landing page that says what is waiting.

Installed through ``B2BAdminConfig`` (``default_site``), so ``admin.site`` and every ``@admin.register`` use it.
Django imports this module the first time ``admin.site`` is used, i.e. from the apps' ``admin.py`` during the
admin's autodiscovery in ``AdminConfig.ready()``: every model is loaded by then, so the top floor imports the
apps' models here at module level (nothing below the top floor may import this module).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from messaging.models import Message, MessageStatus
from requests_app.models import ModeratorTask, ModeratorTaskStatus
from suppliers.models import DomainDecision, DomainDecisionStatus


@dataclass(frozen=True)
class Queue:
    """One count on the landing page and the filtered list it opens."""

    label: str  # a lazy translation: rendered in the moderator's language
    count: int
    url: str


def _changelist(model: str, **filters: Any) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_changelist") + ("?" + urlencode(filters) if filters else "")


def console_queues(user: Any) -> list[Queue]:
    """The work waiting for moderators; four count queries."""
    tasks = ModeratorTask.objects.all()
    return [
        Queue(
            _("Pending tasks"),
            tasks.filter(status=ModeratorTaskStatus.PENDING).count(),
            _changelist("requests_app.moderatortask", status__exact=ModeratorTaskStatus.PENDING),
        ),
        Queue(
            _("My tasks in progress"),
            tasks.filter(status=ModeratorTaskStatus.IN_PROGRESS, assignee=user).count(),
            _changelist(
                "requests_app.moderatortask", status__exact=ModeratorTaskStatus.IN_PROGRESS, assignee__id__exact=user.pk
            ),
        ),
        Queue(
            _("Failed messages"),
            Message.objects.filter(status=MessageStatus.FAILED).count(),
            _changelist("messaging.message", status__exact=MessageStatus.FAILED),
        ),
        Queue(
            _("Pending domains"),
            DomainDecision.objects.filter(status=DomainDecisionStatus.PENDING).count(),
            _changelist("suppliers.domaindecision", status__exact=DomainDecisionStatus.PENDING),
        ),
    ]


class ConsoleAdminSite(admin.AdminSite):
    site_header = _("B2B Platform — moderators' console")
    site_title = _("B2B Platform console")
    index_title = _("Work waiting")
    index_template = "admin/console_index.html"
    # No "View site" link: the platform has no public site at "/" (it answered 404); the API documentation is at
    # /docs and /redoc.
    site_url = None

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {"queues": console_queues(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)
