"""Attachments API for buyers: upload (streamed), list, get, soft delete, download."""

from collections.abc import Mapping
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.pagination import LimitOffsetPagination, page_parameters

from . import selectors, services
from .responses import attachment_download_response
from .serializers import (
    AttachmentDeletedResponseSerializer,
    AttachmentDTOSerializer,
    AttachmentListResponseDTOSerializer,
    AttachmentUploadSerializer,
)
from .uploadhandlers import HashingUploadHandler

# 401/404/413/415/422 answers are added to every operation by core.schema.
TAGS = ["Attachments"]
ATTACHMENT_ID = OpenApiParameter("attachmentId", OpenApiTypes.INT, OpenApiParameter.PATH)
LIST_PARAMETERS = page_parameters()


class AttachmentViewSet(viewsets.ViewSet):
    """The caller's own attachments; every other user's id answers 404."""

    parser_classes = [MultiPartParser]  # only the upload has a body; JSON there is a 415
    error_locations: ClassVar[Mapping[str, tuple[str | int, ...]]] = {"uploaded_file": ("body", "file")}

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        """Uploads stream through the hashing handler; it must be installed before DRF parses the body."""
        if request.method == "POST":
            request.upload_handlers = [HashingUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        """A download answers with the file's own type: an ``Accept: application/pdf`` must not be a 406."""
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        operation_id="upload_attachment_user_attachments_post",
        summary="Upload Attachment",
        tags=TAGS,
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={200: AttachmentDTOSerializer},
    )
    def create(self, request: Request) -> Response:
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.attachment_create(
            owner=request.user, uploaded_file=body.validated_data["file"], title=body.validated_data.get("title")
        )
        return Response(AttachmentDTOSerializer(attachment).data)

    @extend_schema(
        operation_id="list_attachments_user_attachments_get",
        summary="List Attachments",
        tags=TAGS,
        parameters=LIST_PARAMETERS,
        responses={200: AttachmentListResponseDTOSerializer},
    )
    def list(self, request: Request) -> Response:
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(selectors.attachment_list(owner=request.user), request, view=self)
        return paginator.get_paginated_response(AttachmentDTOSerializer(page, many=True).data)

    @extend_schema(
        operation_id="get_attachment_user_attachments__attachmentId__get",
        summary="Get Attachment",
        tags=TAGS,
        parameters=[ATTACHMENT_ID],
        responses={200: AttachmentDTOSerializer},
    )
    def retrieve(self, request: Request, attachmentId: int) -> Response:
        attachment = selectors.attachment_get(owner=request.user, attachment_id=attachmentId)
        return Response(AttachmentDTOSerializer(attachment).data)

    @extend_schema(
        operation_id="delete_attachment_user_attachments__attachmentId__delete",
        summary="Delete Attachment",
        tags=TAGS,
        parameters=[ATTACHMENT_ID],
        responses={200: AttachmentDeletedResponseSerializer},
    )
    def destroy(self, request: Request, attachmentId: int) -> Response:
        services.attachment_delete(owner=request.user, attachment_id=attachmentId)
        return Response({"success": True, "message": "Deleted"})

    @extend_schema(
        operation_id="download_attachment_user_attachments__attachmentId__download_get",
        summary="Download Attachment",
        tags=TAGS,
        parameters=[ATTACHMENT_ID],
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, with its stored content type."),
            304: OpenApiResponse(description="If-None-Match matched the ETag."),
        },
    )
    def download(self, request: Request, attachmentId: int) -> HttpResponse:
        attachment = selectors.attachment_get(owner=request.user, attachment_id=attachmentId)
        return attachment_download_response(request, attachment)
