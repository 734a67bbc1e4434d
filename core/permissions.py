"""Role permissions shared by every app."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsModerator(BasePermission):
    """A staff user in the ``moderators`` group (or a superuser)."""

    message = _("Moderator role required.")
    code = "moderator_required"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_moderator", False))
