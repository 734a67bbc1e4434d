"""Buyer request endpoints: each validates, calls one service or selector, and serializes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request as DrfRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from attachments.uploadhandlers import HashingUploadHandler
from core.pagination import LimitOffsetPagination, page_parameters
from core.parsers import JSONParser
from core.permissions import IsModerator
from core.query import query_choice

from . import selectors, services
from .models import ModeratorTaskStatus, Request, RequestStatus
from .serializers import (
    CreateRequestManualRequestDTOSerializer,
    CreateRequestResponseDTOSerializer,
    ModeratorTaskDetailDTOSerializer,
    ModeratorTaskDTOSerializer,
    ModeratorTaskListResponseDTOSerializer,
    RequestDetailDTOSerializer,
    RequestListResponseDTOSerializer,
    RequestSummaryDTOSerializer,
    RequestUploadDTOSerializer,
    SubmitRequestResponseDTOSerializer,
    UpdateRequestKeysRequestDTOSerializer,
)

TAGS = ["UserRequests"]
# 401/404/413/415/422 are added to every operation by core.schema; only 409 is specific here.
ERROR_DTO = {"$ref": "#/components/schemas/ErrorDTO"}
REQUEST_ID = OpenApiParameter("requestId", int, OpenApiParameter.PATH)


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
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="list_user_requests_user_requests_get",
        tags=TAGS,
        parameters=[
            *page_parameters(),
            OpenApiParameter("status", str, enum=RequestStatus.values, required=False),
        ],
        responses={200: RequestListResponseDTOSerializer},
    )
    def list(self, request: DrfRequest) -> Response:
        status = query_choice(request, "status", RequestStatus.values)
        requests = selectors.request_list(owner=request.user, status=status)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(requests, request, view=self)
        return paginator.get_paginated_response(RequestSummaryDTOSerializer(page, many=True).data)

    @extend_schema(
        operation_id="create_request_manual_user_requests_post",
        tags=TAGS,
        request=CreateRequestManualRequestDTOSerializer,
        responses={200: CreateRequestResponseDTOSerializer},
    )
    def create(self, request: DrfRequest) -> Response:
        body = CreateRequestManualRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = services.request_create(
            owner=request.user, title=body.validated_data.get("title"), keys=body.validated_data["keys"]
        )
        return Response(CreateRequestResponseDTOSerializer(_created_answer(created, message=None)).data)

    @extend_schema(
        operation_id="get_user_request_detail_user_requests__requestId__get",
        tags=TAGS,
        parameters=[REQUEST_ID],
        responses={200: RequestDetailDTOSerializer},
    )
    def retrieve(self, request: DrfRequest, requestId: int) -> Response:
        detail = selectors.request_get_detail(owner=request.user, request_id=requestId)
        return Response(RequestDetailDTOSerializer(detail).data)

    @extend_schema(
        operation_id="update_user_request_keys_user_requests__requestId__keys_put",
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
        detail = selectors.request_get_detail(owner=request.user, request_id=requestId)
        return Response(RequestDetailDTOSerializer(detail).data)

    @extend_schema(
        operation_id="submit_user_request_user_requests__requestId__submit_post",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=None,
        responses={
            200: SubmitRequestResponseDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`invalid_state`: the request is not a draft"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: DrfRequest, requestId: int) -> Response:
        result = services.request_submit(owner=request.user, request_id=requestId)
        answer = {
            "success": True,
            "requestid": result.request.pk,
            "newstatus": result.request.status,
            "matchedsuppliers": result.matched_suppliers,
            "message": "Submitted for moderation.",
        }
        return Response(SubmitRequestResponseDTOSerializer(answer).data)


class RequestUploadView(APIView):
    """Create a draft request from an uploaded .xlsx, .csv, .txt, .docx or text .pdf."""

    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> DrfRequest:
        """Stream the upload to a temporary file and stop at `IMPORT_MAX_BYTES` (413) before reading it all.

        The attachments app's handler also hashes while streaming, which `attachment_create` then reuses.
        """
        if request.method == "POST":
            request.upload_handlers = [HashingUploadHandler(request, max_bytes=settings.IMPORT_MAX_BYTES)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        operation_id="upload_and_create_user_upload_and_create_post",
        tags=TAGS,
        request={"multipart/form-data": RequestUploadDTOSerializer},
        responses={
            200: CreateRequestResponseDTOSerializer,
            413: OpenApiResponse(
                ERROR_DTO,
                description="Larger than `IMPORT_MAX_BYTES` (`payload_too_large`), an .xlsx/.docx archive over "
                "its caps (`archive_too_large`), or a parse over its memory or time cap (`file_too_complex`)",
            ),
            415: OpenApiResponse(ERROR_DTO, description="Not a readable .xlsx, .csv, .txt, .docx or text .pdf"),
            422: OpenApiResponse(
                {"$ref": "#/components/schemas/HTTPValidationError"},
                description='Unreadable rows: `loc` = `["body", "file", "row", <row number>]`',
            ),
        },
    )
    def post(self, request: DrfRequest) -> Response:
        body = RequestUploadDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = services.request_create_from_file(
            owner=request.user, uploaded_file=body.validated_data["file"], title=body.validated_data.get("title")
        )
        answer = _created_answer(outcome.request, message=f"{outcome.imported} keys imported")
        return Response(CreateRequestResponseDTOSerializer(answer).data)


MODERATOR_TAGS = ["ModeratorTasks"]
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
    def retrieve(self, request: DrfRequest, taskId: int) -> Response:  # noqa: N803 - contract's name
        return Response(ModeratorTaskDetailDTOSerializer(selectors.task_get_detail(task_id=taskId)).data)
