"""The one read-only admin: moderators see these records but never add, change or delete them."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Mix into a ``ModelAdmin`` (before it) for records written only by the services or the workers."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
