"""Multi-row filters over attachments, shared by selectors and the admin."""

from typing import Any

from django.db import models


class AttachmentQuerySet(models.QuerySet):
    def owned_by(self, owner: Any) -> "AttachmentQuerySet":
        return self.filter(owner=owner)

    def alive(self) -> "AttachmentQuerySet":
        """Not soft-deleted: what the buyer still sees and may send."""
        return self.filter(is_deleted=False)
