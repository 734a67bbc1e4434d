"""Supplier directory URLs (relative to /api/v1/)."""

from django.urls import path

from .views import DomainDecisionView, ModeratorSupplierViewSet, SupplierSearchView

moderator_suppliers = ModeratorSupplierViewSet.as_view({"get": "list", "post": "create"})
moderator_supplier = ModeratorSupplierViewSet.as_view({"get": "retrieve", "put": "update"})

urlpatterns = [
    path("suppliers/search", SupplierSearchView.as_view(), name="suppliers-search"),
    path("moderator/suppliers", moderator_suppliers, name="moderator-suppliers"),
    path("moderator/suppliers/<int:supplierId>", moderator_supplier, name="moderator-supplier"),
    path("moderator/domains/<path:domain>/decision", DomainDecisionView.as_view(), name="moderator-domain-decision"),
]
