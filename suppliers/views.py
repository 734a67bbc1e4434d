"""HTTP adapters of the supplier directory: buyer search, the moderators' card CRUD and domain decisions."""

from collections.abc import Mapping
from typing import ClassVar

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.pagination import LimitOffsetPagination
from core.permissions import IsModerator
from core.query import validated_query

from .decisions import domain_decide, domain_decision_get
from .models import DomainDecision, Supplier
from .selectors import supplier_block_reasons, supplier_get, supplier_list, supplier_search
from .serializers import (
    DomainDecisionConflictSerializer,
    DomainDecisionRequestDTOSerializer,
    DomainDecisionResponseDTOSerializer,
    ModeratorSupplierListQuerySerializer,
    SupplierCardCreateSerializer,
    SupplierCardDTOSerializer,
    SupplierCardUpdateSerializer,
    SupplierConflictSerializer,
    SupplierSearchItemSerializer,
    SupplierSearchQuerySerializer,
    SupplierSearchResponseSerializer,
)
from .services import supplier_create, supplier_update

TAGS = ["Suppliers"]
MODERATOR_TAGS = ["Moderator"]


# The buyers' search over the directory, each hit marked when a blacklist blocks it for the caller. (A comment,
# not a docstring: drf-spectacular would publish a docstring as the operation's description.)
class SupplierSearchViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="suppliers_search_suppliers_search_get",
        parameters=[SupplierSearchQuerySerializer],
        responses={200: SupplierSearchResponseSerializer},
        tags=TAGS,
        summary="Search suppliers by name, INN, domain or e-mail",
    )
    def search(self, request: Request) -> Response:
        query = validated_query(SupplierSearchQuerySerializer, request)
        suppliers = supplier_search(q=query["q"], limit=query["limit"])
        blocked = supplier_block_reasons(buyer=request.user, suppliers=suppliers)
        items = SupplierSearchItemSerializer(suppliers, many=True, context={"blocked": blocked}).data
        return Response({"items": items, "q": query["q"], "limit": query["limit"]})


class ModeratorSupplierViewSet(viewsets.GenericViewSet):
    """Supplier cards for moderators: list, create, read, update."""

    permission_classes = [IsAuthenticated, IsModerator]
    pagination_class = LimitOffsetPagination
    serializer_class = SupplierCardDTOSerializer
    lookup_url_kwarg = "supplierId"

    def get_object(self) -> Supplier:
        """The card of the path; also what DRF's OPTIONS metadata asks for."""
        return supplier_get(supplier_id=self.kwargs[self.lookup_url_kwarg])

    @extend_schema(
        operation_id="list_moderator_suppliers_moderator_suppliers_get",
        summary="List supplier cards",
        parameters=[ModeratorSupplierListQuerySerializer],
        responses={200: SupplierCardDTOSerializer(many=True)},
        tags=MODERATOR_TAGS,
    )
    def list(self, request: Request) -> Response:
        query = validated_query(ModeratorSupplierListQuerySerializer, request)
        page = self.paginate_queryset(supplier_list(q=query.get("q"), type=query.get("type")))
        return self.get_paginated_response(SupplierCardDTOSerializer(page, many=True).data)

    @extend_schema(
        operation_id="create_moderator_supplier_moderator_suppliers_post",
        summary="Create a supplier card",
        request=SupplierCardCreateSerializer,
        responses={
            200: SupplierCardDTOSerializer,
            409: OpenApiResponse(SupplierConflictSerializer, description="INN or URL already taken"),
        },
        tags=MODERATOR_TAGS,
    )
    def create(self, request: Request) -> Response:
        serializer = SupplierCardCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplier = supplier_create(inn=serializer.validated_data["inn"], fields=serializer.to_fields())
        return Response(SupplierCardDTOSerializer(supplier_get(supplier_id=supplier.pk)).data)

    @extend_schema(
        operation_id="get_moderator_supplier_moderator_suppliers__supplierId__get",
        summary="Get a supplier card",
        parameters=[OpenApiParameter("supplierId", int, OpenApiParameter.PATH)],
        responses={200: SupplierCardDTOSerializer},
        tags=MODERATOR_TAGS,
    )
    def retrieve(self, request: Request, supplierId: int) -> Response:
        return Response(SupplierCardDTOSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="update_moderator_supplier_moderator_suppliers__supplierId__put",
        summary="Update a supplier card",
        parameters=[OpenApiParameter("supplierId", int, OpenApiParameter.PATH)],
        request=SupplierCardUpdateSerializer,
        responses={
            200: SupplierCardDTOSerializer,
            409: OpenApiResponse(SupplierConflictSerializer, description="A URL belongs to another supplier"),
        },
        tags=MODERATOR_TAGS,
    )
    def update(self, request: Request, supplierId: int) -> Response:
        serializer = SupplierCardUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplier_update(
            supplier_id=supplierId,
            fields=serializer.to_fields(),
            refresh_checko=serializer.validated_data.get("refreshchecko", False),
        )
        return Response(SupplierCardDTOSerializer(supplier_get(supplier_id=supplierId)).data)


DECISION_TAGS = MODERATOR_TAGS
DOMAIN = OpenApiParameter("domain", str, OpenApiParameter.PATH, description="Any form; the root domain is used.")


class DomainDecisionViewSet(viewsets.ViewSet):
    """A moderator's verdict on a root domain: supplier, reseller, blacklist or pending."""

    permission_classes = [IsAuthenticated, IsModerator]
    error_locations: ClassVar[Mapping[str, tuple[str | int, ...]]] = {
        "domain": ("path", "domain"),
        "card": ("body", "carddata"),
    }

    @extend_schema(
        operation_id="get_domain_decision_moderator_domains__domain__decision_get",
        summary="Get Domain Decision",
        parameters=[DOMAIN],
        responses={200: DomainDecisionResponseDTOSerializer},
        tags=DECISION_TAGS,
    )
    def retrieve(self, request: Request, domain: str) -> Response:
        decision = domain_decision_get(domain=domain)
        return Response(DomainDecisionResponseDTOSerializer(_with_card(decision)).data)

    @extend_schema(
        operation_id="make_domain_decision_moderator_domains__domain__decision_post",
        summary="Make Domain Decision",
        parameters=[DOMAIN],
        request=DomainDecisionRequestDTOSerializer,
        responses={
            200: DomainDecisionResponseDTOSerializer,
            409: OpenApiResponse(
                DomainDecisionConflictSerializer,
                description="duplicate_domain (the root is on another card, named), duplicate_url, or "
                "domain_blacklisted for a card decision",
            ),
        },
        tags=DECISION_TAGS,
    )
    def create(self, request: Request, domain: str) -> Response:
        body = DomainDecisionRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = domain_decide(
            domain=domain,
            status=body.validated_data["status"],
            card=body.to_card(),
            comment=(body.validated_data.get("comment") or "").strip() or None,
            moderator=request.user,
        )
        return Response(DomainDecisionResponseDTOSerializer(_with_card(decision)).data)


def _with_card(decision: DomainDecision) -> DomainDecision:
    """Attach the card with its sites prefetched, as the card endpoints answer it."""
    if decision.supplier_id is not None:
        decision.supplier = supplier_get(supplier_id=decision.supplier_id)
    return decision
