"""Supplier directory URLs (relative to /api/v1/)."""

from django.urls import path

from .views import DomainDecisionViewSet, ModeratorSupplierViewSet, SupplierSearchViewSet

search = SupplierSearchViewSet.as_view({"get": "search"})
moderator_suppliers = ModeratorSupplierViewSet.as_view({"get": "list", "post": "create"})
moderator_supplier = ModeratorSupplierViewSet.as_view({"get": "retrieve", "put": "update"})
domain_decision = DomainDecisionViewSet.as_view({"get": "retrieve", "post": "create"})

urlpatterns = [
    path("suppliers/search", search, name="suppliers-search"),
    path("moderator/suppliers", moderator_suppliers, name="moderator-suppliers"),
    path("moderator/suppliers/<int:supplierId>", moderator_supplier, name="moderator-supplier"),
    path("moderator/domains/<path:domain>/decision", domain_decision, name="moderator-domain-decision"),
]
