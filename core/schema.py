"""drf-spectacular post-processing: document the error answers every operation can give.

Views document their success bodies and domain-specific errors; the answers that the plumbing itself
produces (400 for a body that cannot be parsed, 401 without a token, 403 for a wrong role, 404 for a path id,
422 for validation, 413/415 for uploads, 429 for limits) are added here so that the contract lists every status
a client can receive.
"""

from typing import Any

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

# DRF viewsets reach drf-spectacular's enumerator as a set of methods, so without this their order in a
# path follows string hashing (PYTHONHASHSEED) and the committed contract would drift from run to run.
METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}


def order_methods(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """Preprocessing hook: keep the URLconf's path order, put each path's methods in a fixed order."""
    first_seen: dict[str, int] = {}
    for path, *_ in endpoints:
        first_seen.setdefault(path, len(first_seen))
    return sorted(endpoints, key=lambda e: (first_seen[e[0]], METHOD_ORDER.get(e[2], len(METHOD_ORDER))))


ERROR_REF = {"$ref": "#/components/schemas/ErrorDTO"}
VALIDATION_REF = {"$ref": "#/components/schemas/HTTPValidationError"}

COMPONENTS = {
    "ErrorDTO": {
        "type": "object",
        "description": "Every error but validation: a message and a stable machine-readable code.",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail", "code"],
        "additionalProperties": True,
    },
    "ValidationError": {
        "type": "object",
        "properties": {
            "loc": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"},
            "type": {"type": "string"},
        },
        "required": ["loc", "msg", "type"],
    },
    "HTTPValidationError": {
        "type": "object",
        "properties": {"detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}},
        "required": ["detail"],
    },
}

DESCRIPTIONS = {
    "400": "`malformed_body`: the body cannot be parsed (not JSON, nested deeper than 64 levels, bad charset)",
    "401": "Missing, invalid or expired token",
    "403": "Not allowed for this role or policy",
    "404": "Not found, or not yours",
    "409": "Conflicts with the current state",
    "413": "Too large",
    "415": "Unsupported media type",
    "422": "Validation error",
    "429": "Too many requests (see Retry-After)",
}


def _response(status: str) -> dict[str, Any]:
    schema = VALIDATION_REF if status == "422" else ERROR_REF
    return {"description": DESCRIPTIONS[status], "content": {"application/json": {"schema": schema}}}


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    statuses = ["422"]
    secured = any(requirement for requirement in operation.get("security", [{}]))
    if secured:
        statuses.append("401")
    if "{" in path:
        statuses.append("404")
    if "/moderator/" in path:
        statuses.append("403")
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        statuses.append("400")
    if "multipart/form-data" in body:
        statuses += ["413", "415"]
    return statuses


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    for path, operations in result.get("paths", {}).items():
        if path.startswith("/api/v1/health"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method, operation):
                responses.setdefault(status, _response(status))
    return result


class SourceLanguageSchemaGenerator(SchemaGenerator):
    """The contract is one document whatever the caller's language: labels and help texts stay in the source
    language (English), so ``api-contracts.yaml`` does not change with ``LANGUAGE_CODE`` or ``Accept-Language``."""

    def get_schema(self, request: Any = None, public: bool = False) -> dict[str, Any]:
        with translation.override("en"):
            return super().get_schema(request=request, public=public)
