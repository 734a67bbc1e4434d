"""The comparison as an XLSX workbook: one sheet per view (the offers side by side by key; the totals per supplier).

"Comparison": a row per key (pos, text, qty, unit, the awarded supplier) and four columns per supplier (price,
total, lead time, analogue); the best price and the fastest lead time of a key are bold on a green fill. Totals are
formulas — ``=F3*C3`` per offer (the offered quantity instead of ``C3`` when the supplier gave one), a ``SUM`` row
under each supplier's totals, and the "Totals" sheet points at those sums and ``COUNT``s the prices — so a buyer
who corrects a price in the sheet sees the totals follow.

Every text cell is escaped against formula injection: suppliers write names and analogues, buyers the key texts,
and a cell starting with ``= + - @``, a tab or a carriage return would be read by Excel or LibreOffice as a
formula (``=HYPERLINK(…)``, ``=cmd|…``). Such text gets a leading apostrophe (a string cell, shown as typed).

Written in openpyxl's write-only mode, which streams rows; its cost is per cell (~20 µs), which is why the
layout is a matrix (2,000 keys × 20 suppliers ≈ 170,000 cells) rather than a row per offer (640,000).
"""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEY_COLUMNS = 5  # pos, text, qty, unit, awarded supplier
PER_SUPPLIER = 4  # price, total, lead time, analogue
FIRST_DATA_ROW = 3
BOLD = Font(bold=True)
BEST = PatternFill("solid", fgColor="C6EFCE")


def safe_text(value: str) -> str:
    """Text that no spreadsheet reads as a formula (OWASP "CSV injection"): a leading apostrophe if needed."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _text(value: str | None) -> str | None:
    """A text value for a plain cell: escaped; openpyxl types a str as a formula only when it starts with "="."""
    return safe_text(value) if value else None


def _marked(sheet: Worksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font, cell.fill = BOLD, BEST
    return cell


class Formula(str):
    """A formula we wrote ourselves: the one kind of text that is not escaped."""


def _bold_row(sheet: Worksheet, values: list[Any]) -> list[Any]:
    cells = []
    for value in values:
        text = isinstance(value, str) and not isinstance(value, Formula)
        cell = WriteOnlyCell(sheet, value=_text(value) if text else value)
        cell.font = BOLD
        cells.append(cell)
    return cells


def _literal(number: float) -> str:
    """A quantity written into a formula: ``4`` rather than ``4.0``."""
    text = repr(number)
    return text[:-2] if text.endswith(".0") else text


def _supplier_columns(index: int) -> tuple[str, str]:
    """The letters of supplier ``index``'s price and total columns."""
    first = KEY_COLUMNS + 1 + index * PER_SUPPLIER
    return get_column_letter(first), get_column_letter(first + 1)


def _key_row(sheet: Worksheet, key: dict[str, Any], row: int, order: dict[int, int], names: dict[int, str]) -> list:
    awarded = key["awardedsupplierid"]
    values: list[Any] = [key["pos"], _text(key["text"]), key["qty"], _text(key["unit"]),
                         _text(names.get(awarded)) if awarded else None]  # fmt: skip
    values += [None] * (len(order) * PER_SUPPLIER)
    for offer in key["offers"]:
        base = KEY_COLUMNS + order[offer["supplierid"]] * PER_SUPPLIER
        price_column = get_column_letter(base + 1)
        quantity = (
            _literal(offer["qty"]) if offer["qty"] is not None else (f"C{row}" if key["qty"] is not None else None)
        )
        total = f"={price_column}{row}*{quantity}" if offer["price"] is not None and quantity is not None else None
        price = offer["price"]
        values[base] = _marked(sheet, price) if offer["isbestprice"] else price
        values[base + 1] = total
        lead = offer["leadtimedays"]
        values[base + 2] = _marked(sheet, lead) if offer["isfastest"] else lead
        values[base + 3] = _text(offer["analogue"])
    return values


def _comparison_sheet(workbook: Workbook, comparison: dict[str, Any]) -> tuple[str, int]:
    sheet = workbook.create_sheet(_("Comparison")[:31])
    totals = comparison["totals"]
    order = {total["supplierid"]: index for index, total in enumerate(totals)}
    names = {total["supplierid"]: total["suppliername"] for total in totals}
    top: list[Any] = [None] * KEY_COLUMNS
    labels: list[Any] = [_("Pos"), _("Key"), _("Qty requested"), _("Unit"), _("Awarded")]
    for total in totals:
        top += [f"{total['suppliername']} ({total['currency']})", None, None, None]
        labels += [_("Price per unit"), _("Total"), _("Lead time, days"), _("Analogue")]
    sheet.append(_bold_row(sheet, top))
    sheet.append(_bold_row(sheet, labels))
    row = FIRST_DATA_ROW - 1
    for key in comparison["keys"]:
        row += 1
        sheet.append(_key_row(sheet, key, row, order, names))
    sum_row = row + 1
    footer: list[Any] = [None, _("Total"), None, None, None] + [None] * (len(totals) * PER_SUPPLIER)
    for index in range(len(totals)):
        _price, total_column = _supplier_columns(index)
        footer[KEY_COLUMNS + index * PER_SUPPLIER + 1] = Formula(
            f"=SUM({total_column}{FIRST_DATA_ROW}:{total_column}{row})"
        )
    sheet.append(_bold_row(sheet, footer))
    return sheet.title, sum_row


def _totals_sheet(workbook: Workbook, comparison: dict[str, Any], source: str, sum_row: int) -> None:
    sheet = workbook.create_sheet(_("Totals")[:31])
    ref = "'" + source.replace("'", "''") + "'"
    last = sum_row - 1
    sheet.append(_bold_row(sheet, [_("Supplier ID"), _("Supplier"), _("Currency"), _("VAT included"),
                                   _("Keys covered"), _("Total")]))  # fmt: skip
    yes = _("yes")
    for index, total in enumerate(comparison["totals"]):
        price_column, total_column = _supplier_columns(index)
        vat = yes if total["vatincluded"] else None
        covered = f"=COUNT({ref}!{price_column}{FIRST_DATA_ROW}:{price_column}{last})"
        sheet.append(
            [total["supplierid"], _text(total["suppliername"]), total["currency"], vat, covered,
             f"={ref}!{total_column}{sum_row}"]
        )  # fmt: skip


def comparison_xlsx(comparison: dict[str, Any]) -> bytes:
    workbook = Workbook(write_only=True)
    source, sum_row = _comparison_sheet(workbook, comparison)
    _totals_sheet(workbook, comparison, source, sum_row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
