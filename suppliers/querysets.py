"""Multi-row filters over supplier cards, shared by selectors, services and the admin."""

from __future__ import annotations

from django.db import models


class SupplierQuerySet(models.QuerySet):
    def with_sites(self) -> SupplierQuerySet:
        return self.prefetch_related("sites")

    def under_root(self, root: str) -> SupplierQuerySet:
        """Suppliers with a site or an e-mail address under the registrable ``root`` domain.

        A join, not a subquery of ``SupplierDomain`` (models.py imports this module): a card has each root once.
        """
        return self.filter(domains__root_domain=root)
