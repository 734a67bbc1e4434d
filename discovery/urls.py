"""Web discovery URLs (relative to /api/v1/), moderators only."""

from django.urls import path

from .views import HitViewSet, ParsingRunViewSet, PendingDomainViewSet, RequestParsingViewSet, ResolvedDomainViewSet

start = RequestParsingViewSet.as_view({"post": "start"})
status = RequestParsingViewSet.as_view({"get": "status"})
results = RequestParsingViewSet.as_view({"get": "results"})
runs = ParsingRunViewSet.as_view({"get": "list"})
run = ParsingRunViewSet.as_view({"get": "retrieve"})
pending = PendingDomainViewSet.as_view({"get": "list"})
pending_one = PendingDomainViewSet.as_view({"get": "retrieve"})
domain_hits = HitViewSet.as_view({"get": "domain"})
url_hits = HitViewSet.as_view({"get": "url"})
resolved = ResolvedDomainViewSet.as_view({"get": "list"})

urlpatterns = [
    path("moderator/requests/<int:requestId>/start-parsing", start, name="moderator-start-parsing"),
    path("moderator/requests/<int:requestId>/parsing-status", status, name="moderator-parsing-status"),
    path("moderator/requests/<int:requestId>/parsing-results", results, name="moderator-parsing-results"),
    path("moderator/parsing-runs", runs, name="moderator-parsing-runs"),
    path("moderator/parsing-runs/<str:runId>", run, name="moderator-parsing-run"),
    path("moderator/pending-domains", pending, name="moderator-pending-domains"),
    path("moderator/pending-domains/<path:domain>", pending_one, name="moderator-pending-domain"),
    path("moderator/domains/<path:domain>/hits", domain_hits, name="moderator-domain-hits"),
    path("moderator/urls/hits", url_hits, name="moderator-url-hits"),
    path("moderator/resolved-domains", resolved, name="moderator-resolved-domains"),
]
