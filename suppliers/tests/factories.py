"""Factories for supplier cards and sites; every generated INN has a correct checksum.

Both keep ``SupplierDomain`` (the root-domain index of sites and e-mails) in step, so blacklist checks in
other apps' tests see what production code would see.
"""

import factory

from core.domains import root_domain
from core.testing import company_inn
from suppliers.models import Supplier, SupplierSite, SupplierType
from suppliers.services import supplier_sync_domains


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    type = SupplierType.SUPPLIER
    inn = factory.Sequence(lambda n: company_inn(n + 1))
    name = factory.Sequence(lambda n: f"Supplier {n} LLC")
    email = factory.Sequence(lambda n: f"sales@supplier{n}-mail.ru")
    emails = factory.LazyFunction(list)
    phone = None
    comment = None

    @factory.post_generation
    def sync_domains(obj: Supplier, create: bool, extracted: object, **kwargs: object) -> None:
        """Keep the root-domain index (sites + e-mails) true, as the services do."""
        if create:
            supplier_sync_domains(supplier=obj)


class SupplierSiteFactory(factory.django.DjangoModelFactory):
    """A site of a supplier; ``root_domain`` is computed from ``url`` unless given."""

    class Meta:
        model = SupplierSite
        skip_postgeneration_save = True

    supplier = factory.SubFactory(SupplierFactory)
    url = factory.Sequence(lambda n: f"https://www.site{n}-shop.ru")
    root_domain = factory.LazyAttribute(lambda site: root_domain(site.url))

    @factory.post_generation
    def sync_domains(obj: SupplierSite, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            supplier_sync_domains(supplier=obj.supplier)
