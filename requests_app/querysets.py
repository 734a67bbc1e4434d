"""Multi-row filters of requests, shared by the selectors and the admin."""

from __future__ import annotations

from typing import Any, cast

from django.db import models
from django.db.models.functions import Coalesce


class RequestQuerySet(models.QuerySet):
    def owned_by(self, user: Any) -> RequestQuerySet:
        """Only the requests of ``user``; every buyer-facing read starts here."""
        return self.filter(owner_id=user.pk)

    def with_keys_count(self) -> RequestQuerySet:
        """Annotate ``keys_count`` in the same query.

        A correlated subquery rather than ``Count`` over a join, so the rows are not multiplied by their keys.
        PostgreSQL evaluates it once for each row the ``LIMIT`` reads — the page's rows and every row skipped by
        ``OFFSET`` before them — each a count through the unique ``(request, pos)`` index. So a page costs
        ``offset + limit`` such counts, not one per request of the owner nor one per key.
        The buyer's list page (``reads.request_list_json``) counts keys for the page's rows only instead.
        """
        # The model of the ``keys`` relation: this module is imported by the model module, not the reverse.
        key_model = cast("type[models.Model]", self.model._meta.get_field("keys").related_model)
        counts = (
            key_model._default_manager.filter(request=models.OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return self.annotate(keys_count=Coalesce(models.Subquery(counts), 0))
