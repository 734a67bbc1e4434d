"""Limit/offset pagination answering ``{items, limit, offset, total}``; bad or empty bounds → 422 (see query.py)."""

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.response import Response

from .query import query_int


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    min_limit = 1
    max_limit = 200

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        self.count = self.get_count(queryset)
        if self.count == 0 or self.offset >= self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_limit(self, request: Request) -> int:
        return query_int(
            request, self.limit_query_param, default=self.default_limit, minimum=self.min_limit, maximum=self.max_limit
        )

    def get_offset(self, request: Request) -> int:
        return query_int(request, self.offset_query_param, default=0, minimum=0, maximum=None)

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"items": data, "limit": self.limit, "offset": self.offset, "total": self.count})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "limit", "offset", "total"],
            "properties": {
                "items": schema,
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "total": {"type": "integer"},
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "schema": {
                    "type": "integer",
                    "minimum": self.min_limit,
                    "maximum": self.max_limit,
                    "default": self.default_limit,
                },
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            },
        ]


def page_parameters(paginator: type[LimitOffsetPagination] = LimitOffsetPagination) -> list[Any]:
    """``limit`` / ``offset`` for views that paginate by hand: the paginator's own schema, as OpenApiParameters."""
    from drf_spectacular.utils import OpenApiParameter

    descriptions = {paginator.limit_query_param: f"{paginator.min_limit}..{paginator.max_limit}"}
    return [
        OpenApiParameter(
            spec["name"], spec["schema"], required=False, description=descriptions.get(spec["name"], "≥ 0")
        )
        for spec in paginator().get_schema_operation_parameters(view=None)
    ]
