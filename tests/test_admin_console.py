"""The Django admin as the moderators' console: every page and action works for a moderator, the landing page
counts the waiting work, buyers are kept out and moderators cannot do superuser things."""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.backends import MODERATOR_PERMISSIONS
from accounts.models import User
from messaging.models import Message, MessageStatus
from requests_app.models import ModeratorTask, ModeratorTaskStatus
from requests_app.tests.factories import ModeratorTaskFactory
from suppliers.models import DomainDecision, DomainDecisionStatus, DomainUrl
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODELS = [model for model, _ in REGISTRY]
IDS = [model._meta.label for model in MODELS]


@pytest.fixture
def seeded(alice: User, moderator: User) -> None:
    """At least one row of every model the moderators work with."""
    world = build_world(owner=alice, moderator=moderator)
    DomainUrl.objects.create(domain="flanec.example", url="https://flanec.example/catalog")
    request_key = ModeratorTask.objects.get(pk=world.ids["taskId"]).request.keys.first()
    request_key.supplier_links.create(supplier_id=world.ids["supplierId"], created_by=moderator)


def _url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _perm(model: type[models.Model], action: str) -> bool:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}" in MODERATOR_PERMISSIONS


def test_the_console_is_the_admin_site() -> None:
    assert admin.site.__class__.__name__ == "ConsoleAdminSite"
    assert reverse("admin:index") == "/admin/"


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_changelist_add_and_change_pages_render_as_permitted(model: type[models.Model], console: Client) -> None:
    model_admin = admin.site._registry[model]
    can_view = _perm(model, "view") or _perm(model, "change")

    listing = console.get(_url(model, "changelist"))
    assert listing.status_code == (200 if can_view else 403), model

    add = console.get(_url(model, "add"))
    can_add = _perm(model, "add") and model_admin.has_add_permission(_request_for(console, listing))
    assert add.status_code == (200 if can_add else 403), model

    obj = model_admin.get_queryset(_request_for(console, listing)).first()
    if obj is not None:
        page = console.get(_url(model, "change", obj.pk))
        assert page.status_code == (200 if can_view else 403), model


def _request_for(console: Client, response: Any) -> Any:
    request = response.wsgi_request
    request.user = User.objects.get(pk=console.session["_auth_user_id"])
    return request


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_every_action_runs_for_a_moderator(model: type[models.Model], console: Client) -> None:
    listing = console.get(_url(model, "changelist"))
    if listing.status_code != 200:
        pytest.skip("not part of the moderators' console")
    actions = list(listing.context["cl"].model_admin.get_actions(listing.wsgi_request))
    pks = [str(pk) for pk in model.objects.values_list("pk", flat=True)[:5]]
    for action in actions:
        response = console.post(_url(model, "changelist"), {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: pks})
        # delete_selected answers its confirmation page; the others do their work and redirect back
        assert response.status_code in ((200,) if action == "delete_selected" else (302,)), (model, action)


def test_landing_page_counts_the_waiting_work(console: Client, moderator: User, make_user) -> None:
    other = make_user("other-mod@platform.example", moderator=True)
    ModeratorTaskFactory.create_batch(2)
    ModeratorTaskFactory(status=ModeratorTaskStatus.IN_PROGRESS, assignee=moderator)
    ModeratorTaskFactory(status=ModeratorTaskStatus.IN_PROGRESS, assignee=other)
    ModeratorTaskFactory(status=ModeratorTaskStatus.DONE)
    DomainDecision.objects.create(domain="maybe.example", status=DomainDecisionStatus.PENDING)
    DomainDecision.objects.create(domain="spam.example", status=DomainDecisionStatus.BLACKLIST)
    failed = Message.objects.filter(status=MessageStatus.FAILED).count()

    response = console.get("/admin/")

    assert response.status_code == 200
    counts = {queue.label: queue.count for queue in response.context["queues"]}
    assert counts == {
        "Pending tasks": 2,
        "My tasks in progress": 1,
        "Failed messages": failed,
        "Pending domains": 1,
    }
    html = response.content.decode()
    assert "/admin/requests_app/moderatortask/?status__exact=pending" in html
    assert "/admin/suppliers/domaindecision/?status__exact=pending" in html
    assert "/admin/messaging/message/?status__exact=failed" in html


def test_landing_page_count_follows_the_links(console: Client) -> None:
    ModeratorTaskFactory.create_batch(3)
    ModeratorTaskFactory(status=ModeratorTaskStatus.DONE)
    queue = next(q for q in console.get("/admin/").context["queues"] if q.label == "Pending tasks")

    listing = console.get(queue.url)

    assert listing.context["cl"].result_count == queue.count == 3


def test_buyer_cannot_open_the_admin(alice: User) -> None:
    client = Client()
    client.force_login(alice)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/requests_app/moderatortask/").status_code == 302


def test_moderator_cannot_delete_users_or_touch_groups(console: Client, alice: User) -> None:
    group = Group.objects.get()

    assert console.get(_url(User, "change", alice.pk)).status_code == 200  # may look
    assert console.post(_url(User, "delete", alice.pk), {"post": "yes"}).status_code == 403
    assert console.post(_url(User, "change", alice.pk), {"email": alice.email, "is_superuser": "on"}).status_code == 403
    assert console.get(_url(User, "add")).status_code == 403
    assert console.get(_url(Group, "changelist")).status_code == 403
    assert console.get(_url(Group, "change", group.pk)).status_code == 403
    alice.refresh_from_db()
    assert not alice.is_superuser
    assert User.objects.filter(pk=alice.pk).exists()


def test_moderator_sees_the_console_apps_only(console: Client) -> None:
    apps = {app["app_label"] for app in console.get("/admin/").context["app_list"]}

    assert apps == {
        "accounts", "attachments", "blacklist", "discovery", "messaging", "quotes", "requests_app", "suppliers",
    }  # fmt: skip
