"""The read extension points of requests: what a higher app says about each supplier linked to a request, and
what it shows beside each key on the request page of the console (``KeyColumn``).

The request detail shows, under each key, the linked suppliers with their recipient state (ticked, e-mailed,
blocked). That state belongs to messaging, which sits above requests and may import it, but not the other
way round. So requests declares here what it needs (``SupplierState``) and messaging registers a provider in
its ``AppConfig.ready()``. Without a provider (messaging not installed) every supplier is "not a recipient".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .models import Request


@dataclass(frozen=True, slots=True)
class SupplierState:
    """A linked supplier's state for one request, as the detail shows it."""

    selected: bool  # ticked as a recipient
    send_status: str  # notsent | queued | sent | failed (the newest outgoing message)
    is_new: bool  # never contacted for this request
    blocked_reason: str | None  # why it is forced unticked (a blacklist), else None


NOT_A_RECIPIENT = SupplierState(selected=False, send_status="notsent", is_new=True, blocked_reason=None)

SupplierStateProvider = Callable[[Request], Mapping[int, SupplierState]]

_providers: list[SupplierStateProvider] = []


def register_supplier_states(provider: SupplierStateProvider) -> None:
    """Install ``provider(request) -> {supplier_id: SupplierState}``; registering the same one twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


def supplier_states(request: Request) -> Mapping[int, SupplierState]:
    """``{supplier_id: SupplierState}`` for the suppliers some provider knows; absent ids are ``NOT_A_RECIPIENT``."""
    states: dict[int, SupplierState] = {}
    for provider in _providers:
        states.update(provider(request))
    return states


# --- the console: columns a higher app adds beside each key on the request page ----------------------------------


@dataclass(frozen=True, slots=True)
class KeyColumn:
    """A column of the request page's key table in the admin, filled by a higher app (discovery's domains).

    ``cells(request, key_ids)`` returns ``{key_id: safe HTML}`` for the keys shown, in a constant number of
    queries; keys it does not name show "—".
    """

    name: str
    label: Any  # a (lazy) translated header
    cells: Callable[[Request, Sequence[int]], Mapping[int, str]]


_key_columns: dict[str, KeyColumn] = {}


def register_key_column(column: KeyColumn) -> None:
    """Add (or replace, by ``name``) a column beside the keys on the request page."""
    _key_columns[column.name] = column


def key_columns() -> list[KeyColumn]:
    return list(_key_columns.values())
