"""Blacklist URLs (relative to /api/v1/)."""

from django.urls import path

from .views import ModeratorBlacklistDomainViewSet, UserBlacklistInnViewSet

inn_list = UserBlacklistInnViewSet.as_view({"get": "list", "post": "create"})
inn_detail = UserBlacklistInnViewSet.as_view({"delete": "destroy"})
domain_list = ModeratorBlacklistDomainViewSet.as_view({"get": "list", "post": "create"})
domain_detail = ModeratorBlacklistDomainViewSet.as_view({"delete": "destroy"})

urlpatterns = [
    path("user/blacklist-inn", inn_list, name="user-blacklist-inn"),
    path("user/blacklist-inn/<str:inn>", inn_detail, name="user-blacklist-inn-detail"),
    path("moderator/blacklist/domains", domain_list, name="moderator-blacklist-domains"),
    path("moderator/blacklist/domains/<path:domain>", domain_detail, name="moderator-blacklist-domain"),
]
