"""OPTIONS answers without DRF's per-action introspection.

DRF's ``SimpleMetadata`` describes the serializer of every write action and, for detail routes, first loads
the object with ``view.get_object()``: on views that look objects up through selectors (no ``queryset``) that
raised an ``AssertionError`` (a 500), and on the others it ran a query for nothing. The contract documents the
API; OPTIONS only needs to name the view and the media types it speaks.
"""

from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request


class ActionlessMetadata(SimpleMetadata):
    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata
