"""Attachments endpoints, relative to /api/v1/."""

from django.urls import path

from .views import AttachmentViewSet

urlpatterns = [
    path(
        "user/attachments",
        AttachmentViewSet.as_view({"get": "list", "post": "create"}),
        name="attachment-list",
    ),
    path(
        "user/attachments/<int:attachmentId>",
        AttachmentViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="attachment-detail",
    ),
    path(
        "user/attachments/<int:attachmentId>/download",
        AttachmentViewSet.as_view({"get": "download"}),
        name="attachment-download",
    ),
]
