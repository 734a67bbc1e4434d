"""One exception handler for the whole API: the contract's error shapes (``ErrorDTO``, ``HTTPValidationError``).

* validation errors → ``422 {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}``
* a body that cannot be parsed (malformed, nested too deep, bad charset) → ``400`` with code ``malformed_body``:
  there is nothing to validate field by field, so it is not a 422
* everything else  → ``{"detail": "<message>", "code": "<code>"}`` with the right status

None of these is logged here: they are the client's mistakes, and Django logs each 4xx as one WARNING line.
"""

import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, TooManyRequests, ValidationFailed

logger = logging.getLogger(__name__)

Loc = tuple[str | int, ...]


class QueryValidationError(drf_exceptions.ValidationError):
    """A validation error about query parameters: its ``loc`` starts with ``"query"``."""

    location = "query"


def flatten_errors(detail: Any, loc: Loc) -> Iterator[dict[str, Any]]:
    """Turn DRF's nested error structure into FastAPI-style ``{loc, msg, type}`` items."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            key_loc = loc if key in ("non_field_errors", "detail") else (*loc, key)
            yield from flatten_errors(value, key_loc)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                if item:
                    yield from flatten_errors(item, (*loc, index))
            else:
                yield from flatten_errors(item, loc)
    else:
        code = getattr(detail, "code", None) or "value_error"
        yield {"loc": list(loc), "msg": str(detail), "type": str(code)}


def validation_response(items: list[dict[str, Any]]) -> Response:
    return Response({"detail": items}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)


def _detail_and_code(exc: drf_exceptions.APIException) -> tuple[str, str]:
    detail = exc.detail
    if isinstance(detail, dict):  # simplejwt's InvalidToken carries {"detail", "code", "messages"}
        code = str(detail.get("code") or exc.default_code)
        return str(detail.get("detail") or exc.default_detail), code
    first: object = detail
    if isinstance(detail, list):
        first = detail[0] if detail else exc.default_detail
    return str(first), str(getattr(first, "code", None) or exc.default_code)


def locate(path: Loc, view: Any) -> Loc:
    """The contract location of a service's Python field path, as the calling view declares it.

    A view may set ``error_locations = {python_name: contract_location}`` for the names that differ or that
    do not come from the body, e.g. ``{"attachment_ids": ("body", "attachmentids"), "inn": ("path", "inn")}``,
    and ``error_names = {python_name: contract_name}`` for names deeper in the path
    (``("recipients", 0, "supplier_id")`` → ``("body", "recipients", 0, "supplierid")``). Anything else is
    a body field of the same name.
    """
    if not path:
        return ("body",)
    locations: dict[str, Loc] = getattr(view, "error_locations", {})
    names: dict[str, str] = getattr(view, "error_names", {})
    head, *rest = path
    prefix = locations.get(head, ("body", names.get(head, head))) if isinstance(head, str) else ("body", head)
    return (*prefix, *(names.get(part, part) if isinstance(part, str) else part for part in rest))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationFailed):
        view = context.get("view")
        return validation_response(
            [{"loc": list(locate(path, view)), "msg": str(msg), "type": kind} for path, msg, kind in exc.errors]
        )
    if isinstance(exc, DomainError):
        answer = Response(exc.as_body(), status=exc.status_code)
        if isinstance(exc, TooManyRequests):
            answer["Retry-After"] = str(exc.retry_after)
        return answer
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": _("The request body is too large."), "code": "payload_too_large"}, status=413)
    if isinstance(exc, drf_exceptions.ValidationError):
        location = getattr(exc, "location", "body")
        return validation_response(list(flatten_errors(exc.detail, (location,))))
    if isinstance(exc, drf_exceptions.ParseError):
        return Response({"detail": str(exc.detail), "code": "malformed_body"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handler answers (JSON under /api/)
    if isinstance(exc, drf_exceptions.APIException):
        detail, code = _detail_and_code(exc)
        response.data = {"detail": detail, "code": code}
    return response
