"""The request create's write as one statement on PostgreSQL (decision 0011): the request row and all its keys.

``services.request_create`` validates and cleans the keys; this module only stores them. On PostgreSQL one
``INSERT … RETURNING`` of the request with a data-modifying CTE inserting the keys from one JSON parameter
(``json_to_recordset``): one round trip, one implicit transaction (all or nothing without ``BEGIN``/``COMMIT``
round trips), no ``RequestKey`` instance and no ORM compiler per request. The request row's values come from
the model itself (defaults, ``auto_now``, ``get_db_prep_save``), so a new column is written as the ORM would.
Other vendors (SQLite) keep ``Model.save`` and ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from .models import MAX_KEYS, Request, RequestKey
from .reads import server_bound_cursor

REQUEST = Request._meta.db_table
KEY = RequestKey._meta.db_table
# Every concrete column but the primary key, in the model's order.
_REQUEST_FIELDS = [field for field in Request._meta.concrete_fields if not field.primary_key]

_CREATE_SQL = f"""
WITH r AS (
    INSERT INTO {REQUEST} ({", ".join(str(field.column) for field in _REQUEST_FIELDS)}, keys_count)
    VALUES ({", ".join(f"%(f{index})s" for index in range(len(_REQUEST_FIELDS)))}, %(keys_count)s)
    RETURNING id
), k AS (
    INSERT INTO {KEY} (request_id, pos, text, normalized_text, qty, unit, note)
    SELECT r.id, u.pos, u.text, u.normalized_text, u.qty, u.unit, u.note
    FROM r, json_to_recordset(%(keys)s::json)
        AS u(pos integer, text text, normalized_text text, qty numeric, unit text, note text)
)
SELECT id FROM r
"""  # noqa: S608  # nosec B608 - table and column names from the models; every value is a bound parameter


# ``(pos, text, normalized_text, qty, unit, note)``, already cleaned by the service.
StoredKey = tuple[int, str, str, Decimal | None, str | None, str | None]


def insert_request_with_keys(request: Request, keys: Sequence[StoredKey]) -> Request:
    """Store the unsaved ``request`` and its ``keys`` all or nothing; sets ``request.pk`` and returns it."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            request.save(force_insert=True)
            RequestKey.objects.bulk_create(
                [
                    RequestKey(request=request, pos=pos, text=text, normalized_text=norm, qty=qty, unit=unit, note=note)
                    for pos, text, norm, qty, unit, note in keys
                ],
                batch_size=MAX_KEYS,
            )
        return request
    params: dict[str, Any] = {
        f"f{index}": field.get_db_prep_save(field.pre_save(request, add=True), connection)
        for index, field in enumerate(_REQUEST_FIELDS)
    }
    # keys_count (migration 0006: not a model field, kept by the keys' trigger) written with the row, so the
    # trigger finds it right and updates nothing
    params["keys_count"] = len(keys)
    # The keys as ONE json parameter: json.dumps (C) instead of psycopg's per-element array dumpers; qty as its
    # decimal string, read back exactly by numeric's input function.
    params["keys"] = json.dumps(
        [
            {
                "pos": pos,
                "text": text,
                "normalized_text": norm,
                "qty": None if qty is None else str(qty),
                "unit": unit,
                "note": note,
            }
            for pos, text, norm, qty, unit, note in keys
        ],
        ensure_ascii=False,
    )
    with server_bound_cursor() as cursor:
        cursor.execute(_CREATE_SQL, params)
        request.pk = cursor.fetchone()[0]
    request._state.adding = False
    request._state.db = connection.alias
    return request
