"""Quotes routes (relative to /api/v1/), beside the requests and messaging apps' `user/requests/<id>` routes."""

from django.urls import path

from .views import QuoteViewSet

quotes = QuoteViewSet.as_view({"get": "retrieve", "post": "create"})
comparison = QuoteViewSet.as_view({"get": "comparison"})
awards = QuoteViewSet.as_view({"put": "awards"})
revoke_link = QuoteViewSet.as_view({"post": "revoke_link"})

urlpatterns = [
    path("user/requests/<int:requestId>/quotes", quotes, name="request-quotes"),
    path("user/requests/<int:requestId>/comparison", comparison, name="request-comparison"),
    path("user/requests/<int:requestId>/awards", awards, name="request-awards"),
    path(
        "user/requests/<int:requestId>/quote-links/<int:supplierId>/revoke",
        revoke_link,
        name="request-quote-link-revoke",
    ),
]
