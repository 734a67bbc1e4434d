"""Buyer endpoints of messaging: each validates, calls one service or selector, and serializes."""

from collections.abc import Mapping
from typing import ClassVar

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from core.pagination import LimitOffsetPagination, page_parameters
from core.query import query_bool

from . import selectors, services
from .serializers import (
    MessageDeletedResponseSerializer,
    MessageDTOSerializer,
    MessageListResponseDTOSerializer,
    RecipientsResponseDTOSerializer,
    SendRequestMessagesRequestDTOSerializer,
    SendRequestMessagesResponseDTOSerializer,
    UpdateRecipientsRequestDTOSerializer,
)

TAGS = ["UserMessaging"]
# 401/404/422 are added to every operation by core.schema; the specific ones are listed here.
ERROR_DTO = {"$ref": "#/components/schemas/ErrorDTO"}
REQUEST_ID = OpenApiParameter("requestId", int, OpenApiParameter.PATH)
MESSAGE_ID = OpenApiParameter("messageId", int, OpenApiParameter.PATH)
SEND_CONFLICTS = OpenApiResponse(
    ERROR_DTO,
    description=(
        "`invalid_state` (draft or done), `no_recipients` (nothing ticked), "
        "`already_sent` with `supplierids` (send only: a ticked recipient was already e-mailed)"
    ),
)


def _recipients_answer(owner: object, request_id: int) -> Response:
    rows = selectors.request_recipient_rows(owner=owner, request_id=request_id)
    return Response(RecipientsResponseDTOSerializer({"recipients": rows}).data)


class RecipientViewSet(viewsets.ViewSet):
    """The buyer's checkboxes: which suppliers receive the request."""

    # The service names a bad supplier ("recipients", i, "supplier_id"); the contract spells it supplierid.
    error_names: ClassVar[Mapping[str, str]] = {"supplier_id": "supplierid"}

    @extend_schema(
        operation_id="get_recipients_userrequests__requestId__recipients_get",
        summary="List the request's recipients (ticked or not)",
        tags=TAGS,
        parameters=[REQUEST_ID],
        responses={200: RecipientsResponseDTOSerializer},
    )
    def retrieve(self, request: HttpRequest, requestId: int) -> Response:
        """The buyer's checkboxes: which suppliers receive the request."""
        return _recipients_answer(request.user, requestId)

    @extend_schema(
        operation_id="update_recipients_userrequests__requestId__recipients_put",
        summary="Choose the request's recipients",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=UpdateRecipientsRequestDTOSerializer,
        responses={200: RecipientsResponseDTOSerializer},
        description="Replaces the recipients as a whole; blacklisted suppliers are kept unticked with the reason.",
    )
    def update(self, request: HttpRequest, requestId: int) -> Response:
        body = UpdateRecipientsRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        selections = [(item["supplierid"], item["selected"]) for item in body.validated_data["recipients"]]
        services.recipients_replace(owner=request.user, request_id=requestId, selections=selections)
        return _recipients_answer(request.user, requestId)


class MailingViewSet(viewsets.ViewSet):
    """``send`` and ``send-new``: one mailing to the ticked recipients of a request."""

    # The service's Python names → the contract's body fields (``message_body`` is the e-mail text, ``body``).
    error_locations: ClassVar[Mapping[str, tuple[str | int, ...]]] = {
        "attachment_ids": ("body", "attachmentids"),
        "message_body": ("body", "body"),
    }

    @extend_schema(
        operation_id="send_request_messages_userrequests__requestId__send_post",
        summary="Send the request to the ticked suppliers",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=SendRequestMessagesRequestDTOSerializer,
        responses={200: SendRequestMessagesResponseDTOSerializer, 409: SEND_CONFLICTS},
    )
    def send(self, request: HttpRequest, requestId: int) -> Response:
        """First mailing: every ticked recipient; 409 if one of them was already e-mailed for this request."""
        return self._send(request, requestId, only_new=False)

    @extend_schema(
        operation_id="send_request_messages_new_userrequests__requestId__send_new_post",
        summary="Send the request to ticked suppliers not yet contacted",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=SendRequestMessagesRequestDTOSerializer,
        responses={200: SendRequestMessagesResponseDTOSerializer, 409: SEND_CONFLICTS},
    )
    def send_new(self, request: HttpRequest, requestId: int) -> Response:
        """Follow-up mailing: only the ticked recipients never contacted for this request (0 is a valid answer)."""
        return self._send(request, requestId, only_new=True)

    def _send(self, request: HttpRequest, request_id: int, *, only_new: bool) -> Response:
        body = SendRequestMessagesRequestDTOSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = services.mailing_send(
            owner=request.user,
            request_id=request_id,
            subject=data.get("subject"),
            body=data.get("body"),
            attach_request_file=data["attachrequestfile"],
            attachment_ids=data["attachmentids"],
            only_new=only_new,
        )
        answer = {
            "success": True,
            "requestid": result.request_id,
            "sentcount": result.sent_count,
            "skippedalreadysent": result.skipped_already_sent,
            "skippedblacklisted": result.skipped_blacklisted,
            "skippedsuppressed": result.skipped_suppressed,
            "messageids": result.message_ids,
        }
        return Response(SendRequestMessagesResponseDTOSerializer(answer).data)


class MessageViewSet(viewsets.ViewSet):
    """The buyer's messages: a request's thread, and hiding one message."""

    @extend_schema(
        operation_id="list_request_messages_userrequests__requestId__messages_get",
        summary="List the request's messages",
        tags=TAGS,
        parameters=[
            REQUEST_ID,
            *page_parameters(),
            OpenApiParameter("includedeleted", bool, required=False, default=False),
        ],
        responses={200: MessageListResponseDTOSerializer},
    )
    def list(self, request: HttpRequest, requestId: int) -> Response:
        """The request's thread with each message's delivery state, newest first."""
        include_deleted = query_bool(request, "includedeleted", default=False)
        messages = selectors.request_message_list(
            owner=request.user, request_id=requestId, include_deleted=include_deleted
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(messages, request, view=self)
        return paginator.get_paginated_response(MessageDTOSerializer(page, many=True).data)

    @extend_schema(
        operation_id="delete_message_usermessages__messageId__delete",
        summary="Delete a message",
        tags=TAGS,
        parameters=[MESSAGE_ID],
        request=None,
        responses={
            200: MessageDeletedResponseSerializer,
            403: OpenApiResponse(ERROR_DTO, description="`not_allowed_by_policy`: the e-mail policy is appendonly"),
        },
    )
    def destroy(self, request: HttpRequest, messageId: int) -> Response:
        """Hide a message from the buyer's own thread (policy ``allowdelete`` only)."""
        services.message_delete(owner=request.user, message_id=messageId)
        return Response(MessageDeletedResponseSerializer({"success": True, "message": "Deleted"}).data)
