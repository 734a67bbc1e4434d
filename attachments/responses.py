"""The download answer shared by the buyer API and the admin: streamed, typed, safely named, cacheable."""

from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from .filenames import ascii_fallback, clean_filename
from .models import Attachment
from .services import attachment_open

FALLBACK_CONTENT_TYPE = "application/octet-stream"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and an RFC 5987 ``filename*`` for the rest."""
    name = clean_filename(filename)
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def etag_for(attachment: Attachment) -> str:
    """The content hash is a perfect strong validator: same bytes, same tag."""
    return f'"{attachment.sha256}"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _common_headers(response: HttpResponse, etag: str) -> None:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"


def attachment_download_response(request: HttpRequest, attachment: Attachment) -> HttpResponse:
    """Stream the stored content (never loaded whole), or 304 when the client's copy is current."""
    etag = etag_for(attachment)
    if _not_modified(request, etag):
        response: HttpResponse = HttpResponseNotModified()
        _common_headers(response, etag)
        return response
    stored = attachment_open(attachment=attachment)
    response = FileResponse(stored, content_type=attachment.content_type or FALLBACK_CONTENT_TYPE)
    response["Content-Length"] = str(attachment.size_bytes)
    response["Content-Disposition"] = content_disposition(attachment.original_filename)
    _common_headers(response, etag)
    return response
