"""The buyer's comparison of a request's current quotes, key by key, and the totals per supplier.

Seven queries whatever the size (the request, its keys, the current quotes, their lines, the totals, the
contacted suppliers, the awards). 2,000 keys × 20 quotes are 40,000 lines, so the lines are read as tuples, never
as model instances, and the arithmetic is done by the database in exact decimals: each line arrives with its
total already rounded to four places and cast to a float (JSON has only numbers), and the supplier totals are
summed there too. Python only groups and marks.

Rules (docs/decisions/0015-quotes.md):
* ``total`` = price × (the offered quantity, else the key's quantity), rounded to 4 places; null when either
  is missing.
* Prices are compared as quoted, never converted: ``isbestprice`` marks the lowest price among the key's offers
  **in the same currency** (ties all marked), so with one currency there is one best price per key.
* ``isfastest`` marks the shortest lead time among the key's offers that state one (ties all marked).
* ``noanswer`` = the suppliers contacted (e-mailed or quoting) that have no line for the key.
* ``totals`` per supplier: the sum of its offer totals, in its quote's currency; ``keyscovered`` counts its
  offers with a price.
"""

from collections import defaultdict
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, DecimalField, F, FloatField, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce, Round

from messaging.selectors import contacted_supplier_ids
from requests_app.models import Request

from .models import Award, Quote, QuoteLine

MONEY = DecimalField(max_digits=38, decimal_places=4)


def _line_total() -> Round:
    """price × (offered qty, else the key's qty), exact, rounded to 4 places (NULL when a factor is missing)."""
    return Round(Cast(F("price") * Coalesce(F("qty"), F("key__qty")), MONEY), 4)


def _as_float(expression: Any) -> Cast:
    return Cast(expression, FloatField())


def _rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The queryset's rows straight from the cursor. Every selected column is already a plain int, str or float
    (the casts are in the SQL), so Django's per-row converters would only cost time: 40,000 rows × 7 columns
    took a fifth of a second through them."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``quote_id__in=[]``: nothing to ask the database
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _mark(offers: list[dict[str, Any]]) -> None:
    lowest: dict[str, float] = {}
    fastest = None
    for offer in offers:
        price, lead = offer["price"], offer["leadtimedays"]
        if price is not None and (offer["currency"] not in lowest or price < lowest[offer["currency"]]):
            lowest[offer["currency"]] = price
        if lead is not None and (fastest is None or lead < fastest):
            fastest = lead
    for offer in offers:
        offer["isbestprice"] = offer["price"] is not None and offer["price"] == lowest.get(offer["currency"])
        offer["isfastest"] = fastest is not None and offer["leadtimedays"] == fastest


def _totals(quotes: dict[int, tuple[Any, ...]]) -> list[dict[str, Any]]:
    sums = {
        quote_id: (total, covered)
        for quote_id, total, covered in QuoteLine.objects.filter(quote_id__in=list(quotes))
        .order_by()
        .values("quote_id")
        .annotate(total=_as_float(Coalesce(Sum(_line_total()), 0, output_field=MONEY)), covered=Count("price"))
        .values_list("quote_id", "total", "covered")
    }
    return [
        {"supplierid": supplier_id, "suppliername": name, "currency": currency, "vatincluded": vat,
         "total": sums.get(quote_id, (0.0, 0))[0], "keyscovered": sums.get(quote_id, (0.0, 0))[1]}
        for quote_id, supplier_id, name, currency, vat in quotes.values()
    ]  # fmt: skip


def build_comparison(*, request: Request) -> dict[str, Any]:
    """The comparison document of ``request`` (already scoped by the caller), as the API answers it."""
    keys = list(request.keys.order_by("pos").values_list("pk", "pos", "text", _as_float("qty"), "unit"))
    quotes = {
        row[0]: row
        for row in Quote.objects.filter(request=request, is_current=True)
        .order_by("supplier_id")
        .values_list("pk", "supplier_id", "supplier__name", "currency", "vat_included")
    }
    rank = {quote_id: index for index, quote_id in enumerate(quotes)}  # quotes are in supplier order
    lines: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    columns = ("key_id", "quote_id", _as_float("price"), _as_float("qty"), "lead_time_days", "analogue")
    for line in _rows(
        QuoteLine.objects.filter(quote_id__in=list(quotes)).order_by().values_list(*columns, _as_float(_line_total()))
    ):
        lines[line[0]].append(line)
    awards = dict(Award.objects.filter(request=request).values_list("key_id", "supplier_id"))
    contacted = contacted_supplier_ids(request_id=request.pk) | {row[1] for row in quotes.values()}

    answer_keys = []
    for key_id, pos, text, key_qty, unit in keys:
        awarded = awards.get(key_id)
        offers = []
        for _key, quote_id, price, qty, lead_time, analogue, total in sorted(
            lines.get(key_id, ()), key=lambda line: rank[line[1]]
        ):
            _pk, supplier_id, supplier_name, currency, vat_included = quotes[quote_id]
            offers.append(
                {"supplierid": supplier_id, "suppliername": supplier_name, "currency": currency,
                 "vatincluded": vat_included, "price": price, "qty": qty, "total": total, "leadtimedays": lead_time,
                 "analogue": analogue or None, "awarded": awarded == supplier_id}
            )  # fmt: skip
        _mark(offers)
        offered = {offer["supplierid"] for offer in offers}
        answer_keys.append(
            {"keyid": key_id, "pos": pos, "text": text, "qty": key_qty, "unit": unit, "awardedsupplierid": awarded,
             "offers": offers, "noanswer": sorted(contacted - offered)}
        )  # fmt: skip
    return {"requestid": request.pk, "keys": answer_keys, "totals": _totals(quotes)}
