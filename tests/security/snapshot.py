"""A snapshot of every row of the project's apps, to prove that a refused request changed nothing."""

from typing import Any

from django.apps import apps

PROJECT_APPS = ("accounts", "requests_app", "attachments", "suppliers", "blacklist", "messaging")


def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    snapshot: dict[str, list[dict[str, Any]]] = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values())
    return snapshot
