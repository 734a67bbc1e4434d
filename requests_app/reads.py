"""The buyer's hot reads as finished JSON: the request list page and the request detail (decision 0011).

On PostgreSQL the answer is built by the database (``json_build_object`` / ``json_agg``; the detail assembled as
text, see ``_DETAIL_SQL``) and handed to the view as UTF-8 bytes, so no model instance, serializer field or
``json.dumps`` runs per row: the list page is one statement, a detail without linked suppliers one, and a
2,000-key request with 6,000 supplier links two plus the recipient states instead of 14,000 Python objects. The shapes
are the contract's (``RequestListResponseDTO``, ``RequestDetailDTO``): the same keys in the same order as the
serializers in ``serializers.py``, which still document the schema and render every other caller
(the keys PUT, moderator task detail). Values are equal to the serializers' (the equality tests in
``requests_app/tests/test_hot_path.py`` compare them field by field); the bytes differ only where JSON values are equal
(``10.0`` vs ``10``, spaces after ``:``).

On other databases (SQLite, the embedded default) ``.values()`` rows build the same dicts in Python.

The statements run on a server-binding psycopg cursor (``server_bound_cursor``), so with
``DB_PREPARE_THRESHOLD`` set psycopg prepares them after that many runs on a connection; ORM queries keep
Django's client-side binding.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple, overload

import psycopg  # the PostgreSQL driver (requirements/base.txt), also installed in the embedded mode
from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from suppliers.models import Supplier, SupplierType

from .errors import RequestNotFound
from .extensions import NOT_A_RECIPIENT, SupplierState, supplier_states
from .models import KeySupplierLink, Request, RequestKey

REQUEST = Request._meta.db_table
KEY = RequestKey._meta.db_table
LINK = KeySupplierLink._meta.db_table
SUPPLIER = Supplier._meta.db_table


def _ts(column: str) -> str:
    """A timestamptz as DRF writes it (``isoformat()`` in UTC with ``Z``; microseconds only when non-zero)."""
    # One to_char with the microseconds, and ".000000" (the only dot in the text) dropped when they are zero.
    return f"replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || 'Z'"


# The page's ids come from an index-only scan of (owner, -created_at, -id): the rows skipped by OFFSET are index
# entries, never heap rows. The owner's rows are counted first (``total``, the answer's total, in the same snapshot),
# and the scan starts from the nearer end: a page in the older half is read from the oldest row up (the index
# scanned backwards), so the last page of 10,000 skips nothing and no page skips more than half the rows (the branch
# not taken is cut by a one-time filter and never runs). Only the page's rows are read, and each brings its object
# finished: ``list_item``, the item's JSON kept by a trigger from the row's own columns (migration 0008;
# ``keys_count`` is a column kept by the keys' trigger, migration 0006), so the page is 50 texts joined. An empty page
# (offset ≥ total) still answers the total.
def _list_sql(status: str) -> str:
    owned = f"owner_id = %(owner)s {status}"
    total = "(SELECT n FROM total)"
    # how many rows lie after the page (newest first): what the backwards scan skips
    after = f"{total} - %(skip)s::bigint - %(limit)s::bigint"
    return f"""
WITH total AS MATERIALIZED (SELECT count(*) AS n FROM {REQUEST} WHERE {owned}),
page AS (
    (SELECT id FROM {REQUEST} WHERE {owned} AND %(skip)s::bigint <= {after}
        ORDER BY created_at DESC, id DESC LIMIT %(limit)s OFFSET %(skip)s)
    UNION ALL
    (SELECT id FROM {REQUEST} WHERE {owned} AND %(skip)s::bigint > {after}
        ORDER BY created_at, id
        LIMIT greatest(least(%(skip)s::bigint + %(limit)s::bigint, {total}) - %(skip)s::bigint, 0)
        OFFSET greatest({after}, 0))
)
SELECT '{{"items" : [' || coalesce((
        SELECT string_agg(r.list_item, ', ' ORDER BY r.created_at DESC, r.id DESC)
        FROM {REQUEST} r WHERE r.id = ANY(ARRAY(SELECT id FROM page))
    ), '') || '], "limit" : ' || %(limit)s::text || ', "offset" : ' || %(offset)s::text
    || ', "total" : ' || {total}::text || '}}'
"""  # noqa: S608  # nosec B608 - table names and constants from the models; every value is a bound parameter


_LIST_ALL_SQL = _list_sql("")
_LIST_STATUS_SQL = _list_sql("AND status = %(status)s")
_MAX_SKIP = 2**62  # far past any owner's rows, and + 200 (the largest limit) still a bigint

# A request's and a key's own fields as a JSON object without its closing brace: the answer is assembled as text,
# the brace closed after the nested list (see _DETAIL_SQL).
_REQUEST_OBJECT_OPEN = f"""left(json_build_object(
    'id', r.id, 'title', r.title, 'filename', r.source_filename, 'status', r.status,
    'createdat', {_ts("r.created_at")}, 'updatedat', {_ts("r.updated_at")},
    'deadline', {_ts("r.deadline")}, 'closedat', {_ts("r.closed_at")}
)::text, -1)"""
_KEY_OBJECT_OPEN = """left(json_build_object(
    'id', k.id, 'pos', k.pos, 'rawtext', k.text, 'normalizedtext', k.normalized_text,
    'qty', k.qty::float8, 'unit', k.unit, 'note', k.note
)::text, -1)"""

# Whether the owner's request exists, whether any of its keys has a linked supplier and the version of its keys,
# links and linked suppliers (``content_version``, migration 0006); the request's own object (without its closing
# brace), and when nothing is linked the whole answer (every key with "suppliers": []), so a request without
# links costs ONE statement. With links the recipient states are asked for and the keys come from the cache
# (``_KEYS_SQL`` on a miss).
_DETAIL_HEAD_SQL = f"""
SELECT x.has_links, r.content_version,
    {_REQUEST_OBJECT_OPEN} || CASE WHEN x.has_links THEN '' ELSE ', "keys" : [' || array_to_string(ARRAY(
        SELECT {_KEY_OBJECT_OPEN} || ', "suppliers" : []}}' FROM {KEY} k WHERE k.request_id = r.id ORDER BY k.pos
    ), ', ') || ']}}' END
FROM {REQUEST} r,
    LATERAL (SELECT EXISTS (SELECT 1 FROM {LINK} l JOIN {KEY} k ON k.id = l.key_id WHERE k.request_id = r.id)
        AS has_links) x
WHERE r.id = %(id)s AND r.owner_id = %(owner)s
"""  # noqa: S608  # nosec B608 - as above


# The part of a detail with links that no recipient state changes, read on a cache miss in ONE statement (one
# snapshot): the version it is of; the answer as a bytes %-template — the request's own object as ``%(request)b``
# (read by the head on every call), then the keys by pos, each key's linked suppliers (by id) as
# ``%(<supplier id>)b`` placeholders (a key's own ``%`` doubled); and each linked supplier's own fields as a JSON
# object without its closing brace, by id. ``_assemble`` puts the per-call state after each supplier's fields.
# No join depends on row estimates, so a prepared (generic) plan is the same: with a hash join of keys and links,
# the generic plan (a few keys per request) was a nested loop with a join filter over 2,000 × 2,000 rows.
_KEYS_SQL = f"""
WITH s AS MATERIALIZED (
    SELECT s.id, left(json_build_object(
        'supplierid', s.id, 'name', s.name, 'inn', s.inn, 'email', s.email,
        'isreseller', s.type = '{SupplierType.RESELLER.value}'
    )::text, -1) AS opening
    FROM {SUPPLIER} s
    WHERE s.id IN (
        SELECT l.supplier_id FROM {KEY} lk JOIN {LINK} l ON l.key_id = lk.id WHERE lk.request_id = %(id)s
    )
)
SELECT (SELECT content_version FROM {REQUEST} WHERE id = %(id)s),
    '%%(request)b, "keys" : [' || array_to_string(ARRAY(
        SELECT replace({_KEY_OBJECT_OPEN}, '%%', '%%%%') || ', "suppliers" : [' || array_to_string(ARRAY(
            SELECT '%%(' || l.supplier_id || ')b' FROM {LINK} l WHERE l.key_id = k.id ORDER BY l.supplier_id
        ), ', ') || ']}}'
        -- sorted before the objects are built (OFFSET 0 keeps the subquery): the outer ORDER BY is then free
        FROM (SELECT * FROM {KEY} WHERE request_id = %(id)s ORDER BY pos OFFSET 0) k
        ORDER BY k.pos
    ), ', ') || ']}}',
    ARRAY(SELECT id FROM s ORDER BY id), ARRAY(SELECT opening FROM s ORDER BY id)
"""  # noqa: S608  # nosec B608 - as above


@contextmanager
def server_bound_cursor() -> Iterator[CursorWrapper]:
    """A Django cursor over a server-binding psycopg cursor: prepared after ``DB_PREPARE_THRESHOLD`` runs.

    Wrapped by Django as any cursor (debug wrapper included), so ``CaptureQueriesContext`` and the query-count
    tests still see these statements.
    """
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(connection.connection)
    # django-stubs type these as taking a CursorWrapper; Django passes them the driver's cursor, as here.
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)  # type: ignore[arg-type]
    try:
        yield cursor
    finally:
        cursor.close()


class _TextAsBytesLoader(Loader):
    """``text`` columns as the UTF-8 bytes PostgreSQL sent: the cached keys' template is not decoded and encoded
    again (≈ 3 ms for the 1.5 MB detail). Registering it copies the cursor's loaders (≈ 18 µs), more than decoding
    a list page costs, so only the keys statement uses it."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def _uses_sql_json() -> bool:
    return connection.vendor == "postgresql"


# --- the list page ----------------------------------------------------------------------------------------------


def request_list_json(*, owner: Any, limit: int, offset: int, status: str | None = None) -> bytes | dict[str, Any]:
    """The owner's page ``{items, limit, offset, total}`` newest first: JSON bytes on PostgreSQL, else a dict.

    ``status`` is one of ``RequestStatus`` and ``limit``/``offset`` are within the paginator's bounds (the view
    validates them before calling). Always one statement.
    """
    if not _uses_sql_json():
        return _request_list_values(owner=owner, limit=limit, offset=offset, status=status)
    # ``skip`` is the offset the statement computes with, bounded so that offset + limit stays a bigint (any offset
    # past the bound is past every owner's rows: the page is empty either way); the answer echoes ``offset``.
    params = {"owner": owner.pk, "limit": limit, "offset": offset, "skip": min(offset, _MAX_SKIP), "status": status}
    with server_bound_cursor() as cursor:
        cursor.execute(_LIST_ALL_SQL if status is None else _LIST_STATUS_SQL, params)
        return cursor.fetchone()[0].encode()  # ≤ 200 rows: cheaper than swapping the loader


def _request_list_values(*, owner: Any, limit: int, offset: int, status: str | None) -> dict[str, Any]:
    requests = Request.objects.owned_by(owner)
    if status is not None:
        requests = requests.filter(status=status)
    total = requests.count()
    rows = (
        requests.with_keys_count()
        .order_by("-created_at", "-id")
        .values(
            "id",
            "title",
            "source_filename",
            "status",
            "created_at",
            "updated_at",
            "deadline",
            "closed_at",
            "keys_count",
        )
    )
    items = [
        {
            "id": row["id"],
            "title": row["title"],
            "filename": row["source_filename"],
            "status": row["status"],
            "createdat": iso_timestamp(row["created_at"]),
            "updatedat": iso_timestamp(row["updated_at"]),
            "deadline": iso_timestamp(row["deadline"]),
            "closedat": iso_timestamp(row["closed_at"]),
            "keyscount": row["keys_count"],
        }
        for row in (rows[offset : offset + limit] if offset < total else [])
    ]
    return {"items": items, "limit": limit, "offset": offset, "total": total}


# --- the detail -------------------------------------------------------------------------------------------------


def request_detail_json(*, owner: Any, request_id: int) -> bytes | dict[str, Any]:
    """The owner's request with its keys and their linked suppliers: JSON bytes on PostgreSQL, else a dict.

    ``RequestNotFound`` (404) when it does not exist or belongs to someone else. One statement when no key has a
    linked supplier; otherwise the head, the recipient-state provider's queries and, when this process has not
    cached this version of the keys (``_KEYS``), the keys statement.
    """
    if not _uses_sql_json():
        return _request_detail_values(owner=owner, request_id=request_id)
    with server_bound_cursor() as cursor:
        cursor.execute(_DETAIL_HEAD_SQL, {"id": request_id, "owner": owner.pk})
        head = cursor.fetchone()
        if head is None:
            raise RequestNotFound()
        has_links, version, opening = head
        if not has_links:
            return opening.encode()
        # What the state providers get: the request by its id and owner, its other fields deferred (read from the
        # row if a provider ever asks; messaging's reads the id only). Not selected by the head: four timestamps
        # through psycopg's Python loaders were ≈ 4 % of a 5-key detail's Python time, for a row nobody read.
        request = Request.from_db(connection.alias, ["id", "owner_id"], [request_id, owner.pk])
        states = supplier_states(request)
        cache_key = (connection.settings_dict["NAME"], request_id)
        keys = _KEYS.get(cache_key, version)
        if keys is None:
            cursor.cursor.adapters.register_loader("text", _TextAsBytesLoader)  # type: ignore[attr-defined]
            cursor.execute(_KEYS_SQL, {"id": request_id})
            read_version, template, supplier_ids, openings = cursor.fetchone()
            keys = _CachedKeys(template, tuple(zip(supplier_ids, map(_as_bytes, openings), strict=True)))
            _KEYS.put(cache_key, read_version, keys)
        return _assemble(keys, opening.encode(), states)


def _as_bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode()


class _CachedKeys(NamedTuple):
    """A detail's keys as a bytes %-template and its linked suppliers' own fields (see ``_KEYS_SQL``)."""

    template: bytes
    suppliers: tuple[tuple[int, bytes], ...]  # (supplier id, its JSON object without the closing brace)

    @property
    def size(self) -> int:
        return len(self.template) + sum(len(opening) + 64 for _pk, opening in self.suppliers)


def _assemble(keys: _CachedKeys, opening: bytes, states: Mapping[int, SupplierState]) -> bytes:
    """The answer: the request's ``opening`` (its object without the closing brace) and the keys' JSON with each
    linked supplier's recipient state (absent: ``NOT_A_RECIPIENT``) after its fields, in one %-formatting (the
    1.5 MB answer is written once, not joined again)."""
    tails: dict[SupplierState, bytes] = {}
    objects: dict[bytes, bytes] = {b"request": opening}
    for pk, opening in keys.suppliers:
        state = states.get(pk, NOT_A_RECIPIENT)
        tail = tails.get(state)
        if tail is None:
            tail = tails[state] = _state_tail(state)
        objects[str(pk).encode()] = opening + tail
    return keys.template % objects


def _state_tail(state: SupplierState) -> bytes:
    """The state's members as PostgreSQL's ``json_build_object`` writes them, closing the supplier's object."""
    return (
        ", ".join(f'"{name}" : {json.dumps(value, ensure_ascii=False)}' for name, value in _state_json(state).items())
        .join((", ", "}"))
        .encode()
    )


class _KeysCache:
    """Per process: ``{(database, request id): (content version, _CachedKeys)}``, least recently used first,
    at most ``REQUEST_DETAIL_CACHE_BYTES`` (default 64 MiB) of JSON. One version per request: the triggers of
    migration 0006 give each change of keys, links or linked suppliers a new, never reused version."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, int], tuple[int, _CachedKeys]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int], version: int) -> _CachedKeys | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple[str, int], version: int, keys: _CachedKeys) -> None:
        limit = int(getattr(settings, "REQUEST_DETAIL_CACHE_BYTES", 64 * 2**20))
        size = keys.size
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1].size
            if size > limit // 4:
                return  # not worth evicting a quarter of the cache for
            self._entries[key] = (version, keys)
            self._bytes += size
            while self._bytes > limit:
                _key, (_version, evicted) = self._entries.popitem(last=False)
                self._bytes -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


_KEYS = _KeysCache()


def forget_cached_details() -> None:
    """Empty this process's detail cache (tests: request ids and versions repeat after a database is rebuilt)."""
    _KEYS.clear()


def _state_json(state: SupplierState) -> dict[str, Any]:
    return {
        "isnew": state.is_new,
        "selected": state.selected,
        "sendstatus": state.send_status,
        "blockedreason": state.blocked_reason,
    }


def _request_detail_values(*, owner: Any, request_id: int) -> dict[str, Any]:
    request = Request.objects.owned_by(owner).filter(pk=request_id).first()
    if request is None:
        raise RequestNotFound()
    keys = list(
        RequestKey.objects.filter(request=request)
        .order_by("pos")
        .values("id", "pos", "text", "normalized_text", "qty", "unit", "note")
    )
    links = (
        KeySupplierLink.objects.filter(key__request=request)
        .order_by("key_id", "supplier_id")
        .values("key_id", "supplier_id", "supplier__name", "supplier__inn", "supplier__email", "supplier__type")
    )
    suppliers_of: dict[int, list[dict[str, Any]]] = {}
    link_rows = list(links)
    states: Mapping[int, SupplierState] = supplier_states(request) if link_rows else {}
    for link in link_rows:
        state = states.get(link["supplier_id"], NOT_A_RECIPIENT)
        suppliers_of.setdefault(link["key_id"], []).append(
            {
                "supplierid": link["supplier_id"],
                "name": link["supplier__name"],
                "inn": link["supplier__inn"],
                "email": link["supplier__email"],
                "isreseller": link["supplier__type"] == SupplierType.RESELLER,
                **_state_json(state),
            }
        )
    return {
        "id": request.pk,
        "title": request.title,
        "filename": request.source_filename,
        "status": request.status,
        "createdat": iso_timestamp(request.created_at),
        "updatedat": iso_timestamp(request.updated_at),
        "deadline": iso_timestamp(request.deadline),
        "closedat": iso_timestamp(request.closed_at),
        "keys": [
            {
                "id": key["id"],
                "pos": key["pos"],
                "rawtext": key["text"],
                "normalizedtext": key["normalized_text"],
                "qty": _qty(key["qty"]),
                "unit": key["unit"],
                "note": key["note"],
                "suppliers": suppliers_of.get(key["id"], []),
            }
            for key in keys
        ],
    }


# --- values as DRF renders them ---------------------------------------------------------------------------------


@overload
def iso_timestamp(value: datetime) -> str: ...
@overload
def iso_timestamp(value: None) -> None: ...
def iso_timestamp(value: datetime | None) -> str | None:
    """``DateTimeField.to_representation`` with ``TIME_ZONE = "UTC"``: ISO 8601 in UTC, ``Z`` for ``+00:00``."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _qty(value: Decimal | None) -> float | None:
    """What DRF's JSON encoder makes of a ``DecimalField(coerce_to_string=False)``: a float."""
    return None if value is None else float(value)
