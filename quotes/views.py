"""Buyer endpoints of quotes: each validates, calls one service or selector, and serializes.

``GET/POST …/quotes`` are open to moderators too (they enter quotes from replies for buyers); the
comparison, the awards and revoking a link are the buyer's own decisions and strictly owner-scoped.
Each action resolves the request in the caller's scope before it reads the body, so another buyer's id is a
404 whatever the body says.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, viewsets
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from core.query import query_choice
from requests_app.selectors import request_get

from . import selectors, services
from .comparison import build_comparison
from .serializers import (
    AwardsInputDTOSerializer,
    ComparisonDTOSerializer,
    QuoteDTOSerializer,
    QuoteInputDTOSerializer,
    QuoteLinkRevokeResponseDTOSerializer,
    QuoteListResponseDTOSerializer,
)
from .services import LineInput, QuoteInput
from .xlsx import XLSX_CONTENT_TYPE, comparison_xlsx

TAGS = ["UserMessaging"]
REQUEST_ID = OpenApiParameter("requestId", int, OpenApiParameter.PATH)
SUPPLIER_ID = OpenApiParameter("supplierId", int, OpenApiParameter.PATH)
FORMAT = OpenApiParameter("format", str, enum=["json", "xlsx"], required=False, default="json")


class XlsxRenderer(renderers.BaseRenderer):
    """Lets ``?format=xlsx`` through DRF's content negotiation; the view writes the workbook itself."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else b""


def _quote_input(data: Mapping[str, Any]) -> QuoteInput:
    return QuoteInput(
        currency=data["currency"],
        vat_included=data["vatincluded"],
        valid_until=data.get("validuntil"),
        comment=data.get("comment") or "",
        attachment_ids=data["attachmentids"],
        lines=[
            LineInput(
                key_id=line["keyid"],
                price=line.get("price"),
                qty=line.get("qty"),
                lead_time_days=line.get("leadtimedays"),
                analogue=line.get("analogue") or "",
                comment=line.get("comment") or "",
            )
            for line in data["lines"]
        ],
    )


class QuoteViewSet(viewsets.ViewSet):
    """Quotes of a request: list, enter by hand, compare, award, revoke a supplier's link."""

    error_names: ClassVar[Mapping[str, str]] = {
        "key_id": "keyid",
        "supplier_id": "supplierid",
        "lead_time_days": "leadtimedays",
        "attachment_ids": "attachmentids",
        "vat_included": "vatincluded",
        "valid_until": "validuntil",
    }

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        if getattr(self, "action", None) == "comparison":
            return [renderers.JSONRenderer(), XlsxRenderer()]
        return super().get_renderers()

    def perform_content_negotiation(self, request: HttpRequest, force: bool = False) -> Any:
        if getattr(self, "action", None) == "comparison" and not force:  # a bad ?format= is a 422, not a 404
            query_choice(request, "format", ["json", "xlsx"])
        return super().perform_content_negotiation(request, force=force)

    def finalize_response(self, request: HttpRequest, response: Any, *args: Any, **kwargs: Any) -> Any:
        """Errors are JSON (the contract's shapes) even when ``?format=xlsx`` was asked for."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
        return response

    @extend_schema(
        operation_id="list_request_quotes_userrequests__requestId__quotes_get",
        summary="List the quotes of a request",
        tags=TAGS,
        parameters=[REQUEST_ID],
        responses={200: QuoteListResponseDTOSerializer},
    )
    def retrieve(self, request: HttpRequest, requestId: int) -> Response:
        """The latest submitted revision of each supplier's quote (drafts are the supplier's own)."""
        rfq = selectors.request_for_quotes(actor=request.user, request_id=requestId)
        quotes = list(selectors.current_quotes(request=rfq))
        return Response(QuoteListResponseDTOSerializer({"requestid": rfq.pk, "quotes": quotes}).data)

    @extend_schema(
        operation_id="create_request_quote_userrequests__requestId__quotes_post",
        summary="Enter a quote received by e-mail",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=QuoteInputDTOSerializer,
        responses={200: QuoteDTOSerializer},
        description="A quote received by e-mail, entered by the buyer or a moderator (source `manual`): a new "
        "revision. A supplier that is not a recipient, or a key of another request → 422.",
    )
    def create(self, request: HttpRequest, requestId: int) -> Response:
        rfq = selectors.request_for_quotes(actor=request.user, request_id=requestId)
        body = QuoteInputDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = services.quote_enter(
            actor=request.user,
            request=rfq,
            supplier_id=body.validated_data["supplierid"],
            data=_quote_input(body.validated_data),
        )
        return Response(QuoteDTOSerializer(selectors.quote_with_details(quote_id=quote.pk)).data)

    @extend_schema(
        operation_id="get_request_comparison_userrequests__requestId__comparison_get",
        summary="Compare the quotes key by key",
        tags=TAGS,
        parameters=[REQUEST_ID, FORMAT],
        responses={
            (200, "application/json"): ComparisonDTOSerializer,
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The comparison as a workbook (format=xlsx)."
            ),
        },
    )
    def comparison(self, request: HttpRequest, requestId: int) -> Response | HttpResponse:
        """Every key with every offer side by side, best price and fastest marked, totals per supplier."""
        rfq = request_get(owner=request.user, request_id=requestId)
        comparison = build_comparison(request=rfq)
        if request.accepted_renderer.format == "xlsx":
            response = HttpResponse(comparison_xlsx(comparison), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="comparison-{rfq.pk}.xlsx"'
            return response
        return Response(comparison)

    @extend_schema(
        operation_id="update_request_awards_userrequests__requestId__awards_put",
        summary="Award keys to suppliers",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=AwardsInputDTOSerializer,
        responses={200: ComparisonDTOSerializer},
        description="Choose the supplier per key (`supplierid: null` clears); keys not listed keep their award.",
    )
    def awards(self, request: HttpRequest, requestId: int) -> Response:
        request_get(owner=request.user, request_id=requestId)
        body = AwardsInputDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        awards = [(item["keyid"], item["supplierid"]) for item in body.validated_data["awards"]]
        rfq = services.awards_replace(owner=request.user, request_id=requestId, awards=awards)
        return Response(build_comparison(request=rfq))

    @extend_schema(
        operation_id="revoke_quote_link_userrequests__requestId__quote_links__supplierId__revoke_post",
        summary="Revoke a supplier's quote link",
        tags=TAGS,
        parameters=[REQUEST_ID, SUPPLIER_ID],
        request=None,
        responses={200: QuoteLinkRevokeResponseDTOSerializer},
        description="Close the supplier's quote link (the page answers 410); the next e-mail carries a new one.",
    )
    def revoke_link(self, request: HttpRequest, requestId: int, supplierId: int) -> Response:
        revoked = services.link_revoke(owner=request.user, request_id=requestId, supplier_id=supplierId)
        return Response(QuoteLinkRevokeResponseDTOSerializer({"success": True, "revoked": revoked}).data)
