"""The request create's write as one statement on PostgreSQL (decision 0011): the request row and all its keys.

``services.request_create`` validates and cleans the keys; this module only stores them. On PostgreSQL one
``INSERT … RETURNING`` of the request with a data-modifying CTE inserting the keys from one JSON parameter
(``json_to_recordset``): one round trip, one implicit transaction (all or nothing without ``BEGIN``/``COMMIT``
round trips), no ``RequestKey`` instance and no ORM compiler per request. The request row's columns are sorted
ONCE, at import, from the model's fields (``_request_columns``): the caller's values, the timestamps (one
``timezone.now()``, as ``pre_save`` would give) and constant defaults already through ``get_db_prep_save``; a
field that fits none of these stops the import, so a new column is never written differently from the ORM. No
``Request`` is built to be saved (``Model.__init__``, the owner's descriptor and ``pre_save`` per field were
≈ 12 % of a create); the one returned is made from the stored values after the insert (``Model.from_db``).
Other vendors (SQLite) keep ``Model.save`` and ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

from .models import MAX_KEYS, Request, RequestKey
from .reads import server_bound_cursor

REQUEST = Request._meta.db_table
KEY = RequestKey._meta.db_table
# The columns whose value each call brings (``insert_request_with_keys``'s arguments); written as given.
_CALLER_COLUMNS = ("owner_id", "title", "source_filename", "source_attachment_id")
# ``pre_save`` methods that return the attribute (or ``timezone.now()`` for ``auto_now``/``auto_now_add``).
_PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def _sort_request_fields() -> tuple[list[str], list[str], dict[str, Any], dict[str, Any]]:
    """``(every attname in the model's order, the columns of the call's timestamp, the constant columns as
    Python values, the same as database values)``, or ``ImproperlyConfigured`` for a field whose value the
    ORM would compute some other way (a callable default, a ``db_default``, a ``pre_save`` of its own)."""
    attnames, now_columns, constants, prepared = [], [], {}, {}
    for field in Request._meta.concrete_fields:
        attnames.append(field.attname)
        if field.primary_key:
            if not isinstance(field, models.AutoField | models.BigAutoField):
                raise ImproperlyConfigured(f"writes.py expects a database-generated primary key, not {field!r}")
            continue
        if field.attname in _CALLER_COLUMNS:
            continue
        timestamp = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if field.db_default is not NOT_PROVIDED or type(field).pre_save not in _PLAIN_PRE_SAVE:
            raise ImproperlyConfigured(f"writes.py cannot compute {field!r} as the ORM would: teach it")
        if isinstance(field, models.DateTimeField) and (timestamp or field.default is timezone.now):
            now_columns.append(field.attname)
        elif timestamp or (field.has_default() and callable(field.default)):
            raise ImproperlyConfigured(f"writes.py cannot compute {field!r} as the ORM would: teach it")
        else:
            constants[field.attname] = value = field.get_default()
            prepared[field.attname] = field.get_db_prep_save(value, connection)
    if not set(_CALLER_COLUMNS) <= set(attnames) or not now_columns:
        raise ImproperlyConfigured("writes.py's caller columns or timestamps are not Request's")
    return attnames, now_columns, constants, prepared


_ATTNAMES, _NOW_COLUMNS, _CONSTANTS, _PREPARED_CONSTANTS = _sort_request_fields()
# The timestamps share ONE value (``%(now)s``), the others are named after their column.
_PLACEHOLDERS = {name: "%(now)s" if name in _NOW_COLUMNS else f"%({name})s" for name in _ATTNAMES[1:]}
_NOW_FIELD = next(field for field in Request._meta.concrete_fields if field.attname == _NOW_COLUMNS[0])
# One encoder (``json.dumps`` with arguments builds one per call, ≈ 3 µs).
_KEYS_JSON = json.JSONEncoder(ensure_ascii=False).encode

_CREATE_SQL = f"""
WITH r AS (
    INSERT INTO {REQUEST} ({", ".join(_PLACEHOLDERS)}, keys_count)
    VALUES ({", ".join(_PLACEHOLDERS.values())}, %(keys_count)s)
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


def insert_request_with_keys(
    *, owner: Any, title: str | None, source_filename: str | None, source_attachment: Any, keys: Sequence[StoredKey]
) -> Request:
    """Store a new request and its ``keys`` all or nothing; return it as stored (``pk`` set)."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: each attribute of ``connection`` is a lookup
    if db.vendor != "postgresql":
        request = Request(
            owner=owner, title=title, source_filename=source_filename, source_attachment=source_attachment
        )
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
    now = timezone.now()
    values: dict[str, Any] = {
        "owner_id": owner.pk,
        "title": title,
        "source_filename": source_filename,
        "source_attachment_id": None if source_attachment is None else source_attachment.pk,
    }
    params: dict[str, Any] = {
        **_PREPARED_CONSTANTS,
        **values,
        "now": _NOW_FIELD.get_db_prep_save(now, db),
        # keys_count (migration 0006: not a model field, kept by the keys' trigger) written with the row, so the
        # trigger finds it right and updates nothing
        "keys_count": len(keys),
        # The keys as ONE json parameter: json.dumps (C) instead of psycopg's per-element array dumpers; qty as
        # its decimal string, read back exactly by numeric's input function.
        "keys": _KEYS_JSON(
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
            ]
        ),
    }
    with server_bound_cursor() as cursor:
        cursor.execute(_CREATE_SQL, params)
        values["id"] = cursor.fetchone()[0]
    values.update(_CONSTANTS)
    values.update(dict.fromkeys(_NOW_COLUMNS, now))
    return Request.from_db(db.alias, _ATTNAMES, [values[name] for name in _ATTNAMES])
