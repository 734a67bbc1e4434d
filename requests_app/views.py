"""Buyer request endpoints: each validates, calls one service or selector, and serializes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request as DrfRequest
from rest_framework.response import Response

from attachments.uploadhandlers import HashingUploadHandler
from core.pagination import LimitOffsetPagination, page_parameters
from core.permissions import IsModerator
from core.query import query_choice

from . import deadlines, reads, selectors, services
from .models import ModeratorTaskStatus, Request, RequestStatus
from .serializers import (
    SUPPLIER_STATES,
    CloseRequestResponseDTOSerializer,
    CreateRequestManualRequestDTOSerializer,
    CreateRequestResponseDTOSerializer,
    ModeratorTaskDetailDTOSerializer,
    ModeratorTaskDTOSerializer,
    ModeratorTaskListResponseDTOSerializer,
    RequestDetailDTOSerializer,
    RequestListResponseDTOSerializer,
    RequestUploadDTOSerializer,
    SetDeadlineRequestDTOSerializer,
    SubmitRequestDTOSerializer,
    SubmitRequestResponseDTOSerializer,
    UpdateRequestKeysRequestDTOSerializer,
    UploadCreateResponseDTOSerializer,
    UploadPreviewRequestDTOSerializer,
    UploadPreviewResponseDTOSerializer,
    create_body,
)

TAGS = ["UserRequests"]
# 401/404/413/415/422 are added to every operation by core.schema; only 409 is specific here.
ERROR_DTO = {"$ref": "#/components/schemas/ErrorDTO"}
REQUEST_ID = OpenApiParameter("requestId", int, OpenApiParameter.PATH)
# The create's answer as DRF's JSONRenderer writes it; one encoder (``json.dumps`` with arguments builds one per call).
_CREATED_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _detail_answer(detail: Request) -> Response:
    """The request detail, with the linked suppliers' states fetched once, before serializing."""
    context = {SUPPLIER_STATES: selectors.supplier_states_of([detail])}
    return Response(RequestDetailDTOSerializer(detail, context=context).data)


def _json_answer(answer: bytes | dict[str, Any]) -> Response | HttpResponse:
    """JSON the database built is sent as it is; the dicts of the other vendors go through DRF's renderer."""
    if isinstance(answer, bytes):
        return HttpResponse(answer, content_type="application/json")
    return Response(answer)


def _created_answer(created: Request, *, message: str | None) -> dict[str, object]:
    return {
        "success": True,
        "requestid": created.pk,
        "filename": created.source_filename,
        "status": created.status,
        "message": message,
    }


class RequestViewSet(viewsets.ViewSet):
    """The caller's requests for quotation; ids of other buyers' requests answer 404."""

    lookup_url_kwarg = "requestId"

    @extend_schema(
        operation_id="list_user_requests_user_requests_get",
        summary="List my requests",
        tags=TAGS,
        parameters=[
            *page_parameters(),
            OpenApiParameter("status", str, enum=RequestStatus.values, required=False),
        ],
        responses={200: RequestListResponseDTOSerializer},
    )
    def list(self, request: DrfRequest) -> Response | HttpResponse:
        # The hot path: the page's JSON comes finished from the database (requests_app/reads.py, decision 0011);
        # the paginator still reads and bounds limit/offset, so their 422s are the shared ones.
        status = query_choice(request, "status", RequestStatus.values)
        paginator = LimitOffsetPagination()
        limit, offset = paginator.get_limit(request), paginator.get_offset(request)
        return _json_answer(reads.request_list_json(owner=request.user, limit=limit, offset=offset, status=status))

    @extend_schema(
        operation_id="create_request_manual_user_requests_post",
        summary="Create a request from typed keys",
        tags=TAGS,
        request=CreateRequestManualRequestDTOSerializer,
        responses={200: CreateRequestResponseDTOSerializer},
    )
    def create(self, request: DrfRequest) -> HttpResponse:
        # The hot path (decision 0011): a plain body skips the serializer's field machinery (create_body accepts
        # only what the serializer accepts, with the same values); anything else, and every 422, is the
        # serializer's. The answer is the JSON DRF's renderer would write for CreateRequestResponseDTO.
        parsed = create_body(request.data)
        if parsed is None:
            body = CreateRequestManualRequestDTOSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            parsed = body.validated_data.get("title"), body.validated_data["keys"]
        created = services.request_create(owner=request.user, title=parsed[0], keys=parsed[1])
        return HttpResponse(
            _CREATED_JSON(_created_answer(created, message=None)).encode(), content_type="application/json"
        )

    @extend_schema(
        operation_id="get_user_request_detail_user_requests__requestId__get",
        summary="Get a request with its keys",
        tags=TAGS,
        parameters=[REQUEST_ID],
        responses={200: RequestDetailDTOSerializer},
    )
    def retrieve(self, request: DrfRequest, requestId: int) -> Response | HttpResponse:
        return _json_answer(reads.request_detail_json(owner=request.user, request_id=requestId))

    @extend_schema(
        operation_id="update_user_request_keys_user_requests__requestId__keys_put",
        summary="Replace the keys of a draft",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=UpdateRequestKeysRequestDTOSerializer,
        responses={
            200: RequestDetailDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`request_not_editable`: the request is not a draft"),
        },
    )
    @action(detail=True, methods=["put"])
    def keys(self, request: DrfRequest, requestId: int) -> Response:
        body = UpdateRequestKeysRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.request_replace_keys(owner=request.user, request_id=requestId, keys=body.validated_data["keys"])
        return _detail_answer(selectors.request_get_detail(owner=request.user, request_id=requestId))

    @extend_schema(
        operation_id="submit_user_request_user_requests__requestId__submit_post",
        summary="Submit a request for moderation",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=SubmitRequestDTOSerializer,
        responses={
            200: SubmitRequestResponseDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`invalid_state`: the request is not a draft"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: DrfRequest, requestId: int) -> Response:
        body = SubmitRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.request_submit(
            owner=request.user, request_id=requestId, deadline=body.validated_data.get("deadline")
        )
        answer = {
            "success": True,
            "requestid": result.request.pk,
            "newstatus": result.request.status,
            "matchedsuppliers": result.matched_suppliers,
            "message": gettext("Submitted for moderation."),
        }
        return Response(SubmitRequestResponseDTOSerializer(answer).data)

    @extend_schema(
        operation_id="set_user_request_deadline_user_requests__requestId__deadline_put",
        summary="Set or move the response deadline",
        description="Set or move the response deadline of a submitted request (a draft takes it in the submit "
        "body). Reminders follow the new deadline; contacted suppliers are e-mailed (docs/deadlines.md).",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=SetDeadlineRequestDTOSerializer,
        responses={
            200: RequestDetailDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`invalid_state`: the request is a draft or done"),
        },
    )
    @action(detail=True, methods=["put"])
    def deadline(self, request: DrfRequest, requestId: int) -> Response | HttpResponse:
        body = SetDeadlineRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deadlines.request_set_deadline(
            owner=request.user, request_id=requestId, deadline=body.validated_data["deadline"]
        )
        return _json_answer(reads.request_detail_json(owner=request.user, request_id=requestId))

    @extend_schema(
        operation_id="close_user_request_user_requests__requestId__close_post",
        summary="Close a request",
        description="Close the request (`done`) after its first send; contacted suppliers are e-mailed when it "
        "closes before its deadline.",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=None,
        responses={
            200: CloseRequestResponseDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`invalid_state`: never sent, or already done"),
        },
    )
    @action(detail=True, methods=["post"])
    def close(self, request: DrfRequest, requestId: int) -> Response:
        closed = deadlines.request_close(owner=request.user, request_id=requestId)
        answer = {"success": True, "requestid": closed.pk, "newstatus": closed.status}
        return Response(CloseRequestResponseDTOSerializer(answer).data)


UPLOAD_ERRORS = {
    413: OpenApiResponse(
        ERROR_DTO,
        description="Larger than `IMPORT_MAX_BYTES` (`payload_too_large`), an .xlsx/.docx archive over "
        "its caps (`archive_too_large`), or a parse over its memory or time cap (`file_too_complex`)",
    ),
    415: OpenApiResponse(ERROR_DTO, description="Not a readable .xlsx, .csv, .txt, .docx or text .pdf"),
    422: OpenApiResponse(
        {"$ref": "#/components/schemas/HTTPValidationError"},
        description='Unreadable rows: `loc` = `["body", "file", "row", <row number>]`; a sheet the workbook '
        'does not have: `loc` = `["body", "sheet"]`, type `unknown_sheet`, the message lists the sheets',
    ),
}


class RequestUploadViewSet(viewsets.ViewSet):
    """Create a draft request from an uploaded .xlsx, .csv, .txt, .docx or text .pdf, or preview one."""

    parser_classes = [MultiPartParser, FormParser]
    # The importer names the file and its rows in Python terms: ``("uploaded_file", "row", 12)``.
    error_locations: ClassVar[Mapping[str, tuple[str | int, ...]]] = {
        "uploaded_file": ("body", "file"),
        "sheet": ("body", "sheet"),
    }

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> DrfRequest:
        """Stream the upload to a temporary file and stop at `IMPORT_MAX_BYTES` (413) before reading it all.

        The attachments app's handler also hashes while streaming, which `attachment_create` then reuses.
        """
        if request.method == "POST":
            request.upload_handlers = [HashingUploadHandler(request, max_bytes=settings.IMPORT_MAX_BYTES)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        operation_id="upload_and_create_user_upload_and_create_post",
        summary="Create a request from a spreadsheet or document",
        description="Create a draft request from an uploaded .xlsx, .csv, .txt, .docx or text .pdf.",
        tags=TAGS,
        request={"multipart/form-data": RequestUploadDTOSerializer},
        responses={200: UploadCreateResponseDTOSerializer, **UPLOAD_ERRORS},
    )
    def create(self, request: DrfRequest) -> Response:
        form = _upload_form(request, RequestUploadDTOSerializer)
        outcome = services.request_create_from_file(
            owner=request.user,
            uploaded_file=form["file"],
            title=form.get("title"),
            sheet=form.get("sheet") or None,
        )
        answer = {
            **_created_answer(outcome.request, message=_imported_message(outcome.imported)),
            "warnings": outcome.warnings,
        }
        return Response(UploadCreateResponseDTOSerializer(answer).data)

    @extend_schema(
        operation_id="upload_preview_user_upload_preview_post",
        summary="Preview the keys read from a file",
        tags=TAGS,
        description="The keys, sheet and warnings `upload-and-create` would give for the same form; nothing is stored.",
        request={"multipart/form-data": UploadPreviewRequestDTOSerializer},
        responses={200: UploadPreviewResponseDTOSerializer, **UPLOAD_ERRORS},
    )
    def preview(self, request: DrfRequest) -> Response:
        form = _upload_form(request, UploadPreviewRequestDTOSerializer)
        uploaded = form["file"]
        result = services.request_preview_file(uploaded_file=uploaded, sheet=form.get("sheet") or None)
        answer = {
            "filename": uploaded.name,
            "sheet": result.sheet,
            "sheets": result.sheets,
            "keys": result.keys,
            "warnings": result.warnings,
        }
        return Response(UploadPreviewResponseDTOSerializer(answer).data)


def _imported_message(count: int) -> str:
    return ngettext("%(count)d key imported", "%(count)d keys imported", count) % {"count": count}


def _upload_form(request: DrfRequest, serializer_class: type[RequestUploadDTOSerializer]) -> dict[str, Any]:
    form = serializer_class(data=request.data)
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


MODERATOR_TAGS = ["Moderator"]  # one section for every moderator operation (ReDoc, Swagger UI)
TASK_ID = OpenApiParameter("taskId", int, OpenApiParameter.PATH)


class ModeratorTaskViewSet(viewsets.ViewSet):
    """The moderators' queue: one task per submitted request, oldest first."""

    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        operation_id="list_moderator_tasks_moderator_tasks_get",
        summary="List Moderator Tasks",
        tags=MODERATOR_TAGS,
        parameters=[
            OpenApiParameter("status", str, enum=ModeratorTaskStatus.values, required=False),
            *page_parameters(),
        ],
        responses={200: ModeratorTaskListResponseDTOSerializer},
    )
    def list(self, request: DrfRequest) -> Response:
        tasks = selectors.task_list(status=query_choice(request, "status", ModeratorTaskStatus.values))
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(tasks, request, view=self)
        return paginator.get_paginated_response(ModeratorTaskDTOSerializer(page, many=True).data)

    @extend_schema(
        operation_id="get_moderator_task_moderator_tasks__taskId__get",
        summary="Get Moderator Task",
        tags=MODERATOR_TAGS,
        parameters=[TASK_ID],
        responses={200: ModeratorTaskDetailDTOSerializer},
    )
    def retrieve(self, request: DrfRequest, taskId: int) -> Response:
        task = selectors.task_get_detail(task_id=taskId)
        context = {SUPPLIER_STATES: selectors.supplier_states_of([task.request])}
        return Response(ModeratorTaskDetailDTOSerializer(task, context=context).data)
