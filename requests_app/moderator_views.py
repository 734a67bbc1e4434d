"""Moderator endpoints of the day's work: move a task (take / take over, done, reopen) and link suppliers to many
keys of a request in one call. They call ``moderation`` exactly as the console's request page does."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request as DrfRequest
from rest_framework.response import Response

from core.permissions import IsModerator

from . import moderation, reads, selectors
from .serializers import ModeratorTaskDTOSerializer, RequestDetailDTOSerializer, UpdateRequestLinksRequestDTOSerializer
from .views import ERROR_DTO, MODERATOR_TAGS, REQUEST_ID, TASK_ID


def _moved(task_id: int, move: Callable[..., Any], request: DrfRequest) -> Response:
    move(task_id=task_id, moderator=request.user)
    return Response(ModeratorTaskDTOSerializer(selectors.task_list().get(pk=task_id)).data)


class ModeratorTaskMoveViewSet(viewsets.ViewSet):
    """``POST /moderator/tasks/{taskId}/take|done|reopen``: 200 the task; 409 ``invalid_state`` / ``not_assignee``."""

    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        operation_id="take_moderator_task_moderator_tasks__taskId__take_post",
        summary="Take Moderator Task",
        description="Pending → in progress for the caller; a task in progress with another moderator is taken "
        "over (recorded in the task's history with who and when). The caller's own task: unchanged.",
        tags=MODERATOR_TAGS,
        parameters=[TASK_ID],
        request=None,
        responses={
            200: ModeratorTaskDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`invalid_state`: the task is done (reopen it first)"),
        },
    )
    def take(self, request: DrfRequest, taskId: int) -> Response:
        return _moved(taskId, moderation.task_take, request)

    @extend_schema(
        operation_id="finish_moderator_task_moderator_tasks__taskId__done_post",
        summary="Mark Moderator Task Done",
        description="In progress → done, by the task's assignee only; the buyer is e-mailed with how many "
        "suppliers were linked.",
        tags=MODERATOR_TAGS,
        parameters=[TASK_ID],
        request=None,
        responses={
            200: ModeratorTaskDTOSerializer,
            409: OpenApiResponse(
                ERROR_DTO,
                description="`invalid_state`: the task is not in progress; `not_assignee`: another moderator's "
                "task (take it over first)",
            ),
        },
    )
    def done(self, request: DrfRequest, taskId: int) -> Response:
        return _moved(taskId, moderation.task_finish, request)

    @extend_schema(
        operation_id="reopen_moderator_task_moderator_tasks__taskId__reopen_post",
        summary="Reopen Moderator Task",
        description="In progress or done → pending (the assignee is kept for the record).",
        tags=MODERATOR_TAGS,
        parameters=[TASK_ID],
        request=None,
        responses={
            200: ModeratorTaskDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`invalid_state`: the task is pending already"),
        },
    )
    def reopen(self, request: DrfRequest, taskId: int) -> Response:
        return _moved(taskId, moderation.task_reopen, request)


class ModeratorRequestLinksViewSet(viewsets.ViewSet):
    """``PUT /moderator/requests/{requestId}/links``: the console's link panel over REST."""

    permission_classes = [IsAuthenticated, IsModerator]
    error_locations: ClassVar[Mapping[str, tuple[str | int, ...]]] = {
        "key_ids": ("body", "links"),
        "supplier_ids": ("body", "supplierids"),
    }

    @extend_schema(
        operation_id="update_request_links_moderator_requests__requestId__links_put",
        summary="Link Suppliers To Request Keys",
        description="`{links:[{keyid, supplierids}]}` or `{allkeys:true, supplierids}`: adds the links (idempotent), "
        "or with `replace:true` sets them. Answers the request detail as its buyer sees it.",
        tags=MODERATOR_TAGS,
        parameters=[REQUEST_ID],
        request=UpdateRequestLinksRequestDTOSerializer,
        responses={
            200: RequestDetailDTOSerializer,
            409: OpenApiResponse(ERROR_DTO, description="`invalid_state`: the request is not confirmed or processing"),
        },
    )
    def update(self, request: DrfRequest, requestId: int) -> Response | HttpResponse:
        body = UpdateRequestLinksRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        every = body.validated_data["allkeys"]
        moderation.request_link_suppliers(
            request_id=requestId,
            moderator=request.user,
            links=None if every else body.to_links(),
            all_keys=body.validated_data.get("supplierids", []) if every else (),
            replace=body.validated_data["replace"],
        )
        owner = selectors.request_owner_for_moderation(request_id=requestId)
        answer = reads.request_detail_json(owner=owner, request_id=requestId)
        if isinstance(answer, bytes):
            return HttpResponse(answer, content_type="application/json")
        return Response(answer)
