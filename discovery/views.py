"""HTTP adapters of web discovery (moderators only): start a run, follow it, the queue, the hits, the verdicts.

No view calls a search provider: ``start-parsing`` queues one Celery task per key and answers at once.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import QueryValidationError
from core.pagination import LimitOffsetPagination, page_parameters
from core.permissions import IsModerator
from core.query import query_choice, query_value

from . import selectors
from .models import DEFAULT_DEPTH, SearchSource, SearchStatus
from .serializers import (
    RESOLVED_STATUSES,
    DiscoveryConflictSerializer,
    DomainHitDTOSerializer,
    DomainHitListResponseDTOSerializer,
    ParsingResultsResponseDTOSerializer,
    ParsingRunDetailDTOSerializer,
    ParsingRunDTOSerializer,
    ParsingRunListResponseDTOSerializer,
    ParsingStatusResponseDTOSerializer,
    PendingDomainDetailDTOSerializer,
    PendingDomainDTOSerializer,
    PendingDomainListResponseDTOSerializer,
    ResolvedDomainDTOSerializer,
    ResolvedDomainListResponseDTOSerializer,
    StartParsingRequestDTOSerializer,
    StartParsingResponseDTOSerializer,
)
from .services import run_start

TAGS = ["Moderator"]  # with the other moderator operations
REQUEST_ID = OpenApiParameter("requestId", int, OpenApiParameter.PATH)
RUN_ID = OpenApiParameter("runId", str, OpenApiParameter.PATH)
DOMAIN = OpenApiParameter("domain", str, OpenApiParameter.PATH, description="Any form; the root domain is used.")
SORT_VALUES = tuple(selectors.PENDING_ORDER)
ORDER_VALUES = ("asc", "desc")


class HitPagination(LimitOffsetPagination):
    default_limit = 100


def _page(items: Any, request: Request, serializer: Any, paginator: type[LimitOffsetPagination]) -> Response:
    pager = paginator()
    rows = pager.paginate_queryset(items, request)
    return pager.get_paginated_response(serializer(rows, many=True).data)


# A request's search runs: start one, follow the latest, read its results grouped by root domain.
class RequestParsingViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        operation_id="start_parsing_moderator_requests__requestId__start_parsing_post",
        summary="Start Parsing",
        description="Queue a web search for every key of a confirmed or processing request (one task per key).",
        parameters=[REQUEST_ID],
        request=StartParsingRequestDTOSerializer,
        responses={
            200: StartParsingResponseDTOSerializer,
            409: OpenApiResponse(
                DiscoveryConflictSerializer,
                description="`invalid_state` (not confirmed/processing), `discovery_off` (no provider configured) "
                "or `run_in_progress` (with its `runId`)",
            ),
        },
        tags=TAGS,
    )
    def start(self, request: Request, requestId: int) -> Response:
        body = StartParsingRequestDTOSerializer(data=request.data if request.data else {})
        body.is_valid(raise_exception=True)
        run = run_start(
            request_id=requestId,
            depth=body.validated_data.get("depth") or DEFAULT_DEPTH,
            source=body.validated_data.get("source") or SearchSource.BOTH,
            moderator=request.user,
        )
        return Response(StartParsingResponseDTOSerializer(run).data)

    @extend_schema(
        operation_id="get_parsing_status_moderator_requests__requestId__parsing_status_get",
        summary="Get Parsing Status",
        parameters=[REQUEST_ID],
        responses={200: ParsingStatusResponseDTOSerializer},
        tags=TAGS,
    )
    def status(self, request: Request, requestId: int) -> Response:
        run = selectors.latest_run(request_id=requestId)
        data = {"run": run, "keys": selectors.run_searches(run=run)}
        return Response(ParsingStatusResponseDTOSerializer(data).data)

    @extend_schema(
        operation_id="get_parsing_results_moderator_requests__requestId__parsing_results_get",
        summary="Get Parsing Results",
        parameters=[REQUEST_ID],
        responses={200: ParsingResultsResponseDTOSerializer},
        tags=TAGS,
    )
    def results(self, request: Request, requestId: int) -> Response:
        run = selectors.latest_run(request_id=requestId)
        results = [{"keyId": key_id, "groups": groups} for key_id, groups in selectors.run_results(run=run)]
        data = {"requestId": run.request_id, "runId": str(run.pk), "results": results}
        return Response(ParsingResultsResponseDTOSerializer(data).data)


class ParsingRunViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        operation_id="list_parsing_runs_moderator_parsing_runs_get",
        summary="List Parsing Runs",
        parameters=[
            OpenApiParameter("status", str, enum=SearchStatus.values, required=False),
            *page_parameters(),
        ],
        responses={200: ParsingRunListResponseDTOSerializer},
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        runs = selectors.run_list(status=query_choice(request, "status", SearchStatus.values))
        return _page(runs, request, ParsingRunDTOSerializer, LimitOffsetPagination)

    @extend_schema(
        operation_id="get_parsing_run_detail_moderator_parsing_runs__runId__get",
        summary="Get Parsing Run Detail",
        parameters=[RUN_ID],
        responses={200: ParsingRunDetailDTOSerializer},
        tags=TAGS,
    )
    def retrieve(self, request: Request, runId: str) -> Response:
        run = selectors.run_get(run_id=runId)
        run.key_searches = selectors.run_searches(run=run)
        return Response(ParsingRunDetailDTOSerializer(run).data)


class PendingDomainViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        operation_id="list_pending_domains_moderator_pending_domains_get",
        summary="List Pending Domains",
        parameters=[
            *page_parameters(),
            OpenApiParameter(
                "sortBy",
                str,
                enum=SORT_VALUES,
                required=False,
                default="hits",
                description="hits (= totalhits), createdat (first seen), lasthitat or domain",
            ),
            OpenApiParameter("sortOrder", str, enum=ORDER_VALUES, required=False, default="desc"),
            OpenApiParameter("sortDir", str, enum=ORDER_VALUES, required=False, description="Alias of sortOrder"),
        ],  # fmt: skip
        responses={200: PendingDomainListResponseDTOSerializer},
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        sort_by = query_choice(request, "sortBy", SORT_VALUES) or "hits"
        order = query_choice(request, "sortOrder", ORDER_VALUES) or query_choice(request, "sortDir", ORDER_VALUES)
        pager = LimitOffsetPagination()
        rows = pager.paginate_queryset(
            selectors.pending_domains(sort_by=sort_by, descending=(order or "desc") == "desc"), request
        )
        selectors.domain_urls(domains=rows)
        return pager.get_paginated_response(PendingDomainDTOSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="get_pending_domain_detail_moderator_pending_domains__domain__get",
        summary="Get Pending Domain Detail",
        parameters=[DOMAIN],
        responses={200: PendingDomainDetailDTOSerializer},
        tags=TAGS,
    )
    def retrieve(self, request: Request, domain: str) -> Response:
        row = selectors.pending_domain_get(domain=domain)
        selectors.domain_urls(domains=[row])
        return Response(PendingDomainDetailDTOSerializer(row).data)


class HitViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        operation_id="get_domain_hits_moderator_domains__domain__hits_get",
        summary="Get Domain Hits",
        parameters=[DOMAIN, *page_parameters(HitPagination)],
        responses={200: DomainHitListResponseDTOSerializer},
        tags=TAGS,
    )
    def domain(self, request: Request, domain: str) -> Response:
        return _page(selectors.hits_for_domain(domain=domain), request, DomainHitDTOSerializer, HitPagination)

    @extend_schema(
        operation_id="get_url_hits_moderator_urls_hits_get",
        summary="Get Url Hits",
        parameters=[OpenApiParameter("url", str, required=True), *page_parameters(HitPagination)],
        responses={200: DomainHitListResponseDTOSerializer},
        tags=TAGS,
    )
    def url(self, request: Request) -> Response:
        url = query_value(request, "url")
        if url is None:
            raise QueryValidationError({"url": ["This parameter is required."]}, code="missing")
        return _page(selectors.hits_for_url(url=url), request, DomainHitDTOSerializer, HitPagination)


class ResolvedDomainViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        operation_id="list_resolved_domains_moderator_resolved_domains_get",
        summary="List Resolved Domains",
        parameters=[OpenApiParameter("status", str, enum=RESOLVED_STATUSES, required=False), *page_parameters()],
        responses={200: ResolvedDomainListResponseDTOSerializer},
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        rows = selectors.resolved_domains(status=query_choice(request, "status", RESOLVED_STATUSES))
        return _page(rows, request, ResolvedDomainDTOSerializer, LimitOffsetPagination)
