"""Read-only admin of attachments; staff may download a file through the admin only."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from .models import Attachment
from .responses import attachment_download_response


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "original_filename", "owner", "size_bytes", "short_sha256", "is_deleted", "created_at")
    list_filter = ("is_deleted", "content_type")
    list_select_related = ("owner",)
    search_fields = ("original_filename", "title", "sha256", "owner__email")
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "owner",
        "title",
        "original_filename",
        "content_type",
        "size_bytes",
        "sha256",
        "storage_key",
        "is_deleted",
        "deleted_at",
        "created_at",
        "download_link",
    )

    @admin.display(description="SHA-256")
    def short_sha256(self, obj: Attachment) -> str:
        return f"{obj.sha256[:12]}…"

    @admin.display(description=_("Download"))
    def download_link(self, obj: Attachment) -> str:
        url = reverse("admin:attachments_attachment_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_filename)

    def get_urls(self) -> list[URLPattern]:
        download = path(
            "<int:object_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="attachments_attachment_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Staff with view permission may fetch any file, deleted ones included (for support cases)."""
        attachment = Attachment.objects.filter(pk=object_id).first()
        if attachment is None:
            raise Http404("No such attachment.")
        if not self.has_view_permission(request, attachment):
            raise PermissionDenied
        return attachment_download_response(request, attachment)
