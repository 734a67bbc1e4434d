"""Multi-row filters of requests, shared by the selectors and the admin."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Coalesce


class RequestQuerySet(models.QuerySet):
    def owned_by(self, user: Any) -> RequestQuerySet:
        """Only the requests of ``user``; every buyer-facing read starts here."""
        return self.filter(owner_id=user.pk)

    def with_keys_count(self) -> RequestQuerySet:
        """Annotate ``keys_count`` in the same query.

        A correlated subquery rather than ``Count`` over a join: PostgreSQL evaluates it only for the rows of
        the page (after ``LIMIT``), through the unique ``(request, pos)`` index, whatever the number of keys.
        """
        from .models import RequestKey  # the model module imports this one

        counts = (
            RequestKey.objects.filter(request=models.OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return self.annotate(keys_count=Coalesce(models.Subquery(counts), 0))
