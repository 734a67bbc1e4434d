"""HTTP adapters of the personal INN blacklist and the moderators' global domain blacklist."""

from collections.abc import Mapping

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.pagination import LimitOffsetPagination
from core.permissions import IsModerator

from .selectors import domain_blacklist_get, domain_blacklist_list, inn_blacklist_items, inn_blacklist_list
from .serializers import (
    AddModeratorBlacklistDomainRequestDTOSerializer,
    AddUserBlacklistInnRequestDTOSerializer,
    BlacklistOkResponseSerializer,
    ModeratorBlacklistDomainDTOSerializer,
    UserBlacklistInnItemDTOSerializer,
)
from .services import domain_blacklist_add, domain_blacklist_remove, inn_blacklist_add, inn_blacklist_remove

Loc = tuple[str | int, ...]


class BlacklistPagination(LimitOffsetPagination):
    """Blacklists are short and shown whole: limit 1..500, default 200."""

    default_limit = 200
    max_limit = 500


class UserBlacklistInnViewSet(viewsets.GenericViewSet):
    """The caller's own INN blacklist."""

    permission_classes = [IsAuthenticated]
    pagination_class = BlacklistPagination
    serializer_class = UserBlacklistInnItemDTOSerializer
    lookup_url_kwarg = "inn"

    @property
    def error_locations(self) -> Mapping[str, Loc]:
        """The services' ``("inn",)``: the path's on DELETE, the body's (the default) on POST."""
        return {"inn": ("path", "inn")} if self.action == "destroy" else {}

    @extend_schema(
        operation_id="list_user_blacklist_inn_user_blacklist_inn_get",
        summary="List my blacklisted INNs",
        responses={200: UserBlacklistInnItemDTOSerializer(many=True)},
        tags=["UserBlacklist"],
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(inn_blacklist_list(owner=request.user))
        items = inn_blacklist_items(entries=page)
        return self.get_paginated_response(UserBlacklistInnItemDTOSerializer(items, many=True).data)

    @extend_schema(
        operation_id="add_user_blacklist_inn_user_blacklist_inn_post",
        summary="Blacklist a company by INN",
        request=AddUserBlacklistInnRequestDTOSerializer,
        responses={200: BlacklistOkResponseSerializer},
        tags=["UserBlacklist"],
    )
    def create(self, request: Request) -> Response:
        serializer = AddUserBlacklistInnRequestDTOSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _, unticked = inn_blacklist_add(
            owner=request.user, inn=serializer.validated_data["inn"], reason=serializer.validated_data.get("reason")
        )
        message = f"Added; {unticked} recipient(s) unticked" if unticked else "Added"
        return Response({"success": True, "message": message})

    @extend_schema(
        operation_id="remove_user_blacklist_inn_user_blacklist_inn__inn__delete",
        summary="Remove an INN from my blacklist",
        parameters=[OpenApiParameter("inn", str, OpenApiParameter.PATH)],
        responses={200: BlacklistOkResponseSerializer},
        tags=["UserBlacklist"],
    )
    def destroy(self, request: Request, inn: str) -> Response:
        inn_blacklist_remove(owner=request.user, inn=inn)
        return Response({"success": True})


class ModeratorBlacklistDomainViewSet(viewsets.GenericViewSet):
    """The global blacklist of root domains (moderators only)."""

    permission_classes = [IsAuthenticated, IsModerator]
    pagination_class = BlacklistPagination
    serializer_class = ModeratorBlacklistDomainDTOSerializer
    lookup_url_kwarg = "domain"

    @property
    def error_locations(self) -> Mapping[str, Loc]:
        """The services' ``("domain",)``: the path's on DELETE, the body's (the default) on POST."""
        return {"domain": ("path", "domain")} if self.action == "destroy" else {}

    @extend_schema(
        operation_id="list_blacklist_domains_moderator_blacklist_domains_get",
        summary="List blacklisted domains",
        responses={
            200: ModeratorBlacklistDomainDTOSerializer(many=True),
        },
        tags=["Moderator"],
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(domain_blacklist_list())
        return self.get_paginated_response(ModeratorBlacklistDomainDTOSerializer(page, many=True).data)

    @extend_schema(
        operation_id="add_blacklist_domain_moderator_blacklist_domains_post",
        summary="Blacklist a domain",
        request=AddModeratorBlacklistDomainRequestDTOSerializer,
        responses={200: ModeratorBlacklistDomainDTOSerializer},
        tags=["Moderator"],
    )
    def create(self, request: Request) -> Response:
        serializer = AddModeratorBlacklistDomainRequestDTOSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry, _ = domain_blacklist_add(
            domain=data["domain"], comment=data.get("comment"), url=data.get("url") or None, created_by=request.user
        )
        return Response(ModeratorBlacklistDomainDTOSerializer(domain_blacklist_get(domain=entry.domain)).data)

    @extend_schema(
        operation_id="delete_blacklist_domain_moderator_blacklist_domains__domain__delete",
        summary="Remove a domain from the blacklist",
        parameters=[OpenApiParameter("domain", str, OpenApiParameter.PATH)],
        responses={200: BlacklistOkResponseSerializer},
        tags=["Moderator"],
    )
    def destroy(self, request: Request, domain: str) -> Response:
        domain_blacklist_remove(domain=domain)
        return Response({"success": True})
