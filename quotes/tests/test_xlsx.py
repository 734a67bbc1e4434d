"""The comparison as XLSX, opened back with openpyxl: the sheets, the total formulas, no formula injection."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from quotes.tests.conftest import Rfq
from quotes.xlsx import safe_text
from requests_app.models import RequestKey

pytestmark = pytest.mark.django_db

EVIL = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tTab", "\rCR"]


def _download(rfq: Rfq, alice_client) -> tuple[object, object]:
    response = alice_client.get(f"/api/v1/user/requests/{rfq.request.pk}/comparison?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="comparison-{rfq.request.pk}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook, response


def _quote(rfq: Rfq, alice_client, analogue: str, supplier: int = 1) -> None:
    first, second, _ = rfq.keys
    body = {"supplierid": rfq.suppliers[supplier].pk, "lines": [
        {"keyid": first.pk, "price": 100, "leadtimedays": 5, "analogue": analogue},
        {"keyid": second.pk, "price": 50, "qty": 4}]}  # fmt: skip
    assert alice_client.post(f"/api/v1/user/requests/{rfq.request.pk}/quotes", body, format="json").status_code == 200


def test_workbook_has_a_sheet_per_view_with_formulas_for_totals(rfq: Rfq, alice_client) -> None:
    _quote(rfq, alice_client, "Фланец Ду100 исп. В", supplier=0)
    _quote(rfq, alice_client, "", supplier=1)
    first_key = rfq.keys[0].pk
    alice_client.put(
        f"/api/v1/user/requests/{rfq.request.pk}/awards",
        {"awards": [{"keyid": first_key, "supplierid": rfq.suppliers[1].pk}]},
        format="json",
    )

    workbook, _ = _download(rfq, alice_client)

    assert workbook.sheetnames == ["Comparison", "Totals"]
    sheet = workbook["Comparison"]
    assert [sheet.cell(1, column).value for column in (6, 10)] == ["Поставщик A (RUB)", "Поставщик B (RUB)"]
    assert [cell.value for cell in sheet[2]][:9] == [
        "Pos", "Key", "Qty requested", "Unit", "Awarded", "Price per unit", "Total", "Lead time, days", "Analogue",
    ]  # fmt: skip
    assert [cell.value for cell in sheet[3]][:9] == [
        1, "Фланец плоский Ду100", 10, "шт", "Поставщик B", 100, "=F3*C3", 5, "Фланец Ду100 исп. В",
    ]  # fmt: skip
    assert sheet["G3"].data_type == "f"
    assert sheet["G4"].value == "=F4*4"  # the offered quantity, not the key's 25
    assert sheet["F5"].value is None and sheet["G5"].value is None  # nobody quoted key 3
    assert sheet["F3"].font.b and sheet["F3"].fill.fgColor.rgb.endswith("C6EFCE")  # a best price (a tie: both)
    assert sheet["B6"].value == "Total"
    assert sheet["G6"].value == "=SUM(G3:G5)" and sheet["K6"].value == "=SUM(K3:K5)"
    totals = workbook["Totals"]
    assert [cell.value for cell in totals[1]] == [
        "Supplier ID", "Supplier", "Currency", "VAT included", "Keys covered", "Total",
    ]  # fmt: skip
    assert totals["E2"].value == "=COUNT('Comparison'!F3:F5)" and totals["F2"].value == "='Comparison'!G6"
    assert totals["F3"].value == "='Comparison'!K6" and totals["F3"].data_type == "f"
    assert totals.max_row == 3


def test_every_text_cell_is_escaped_against_formula_injection(rfq: Rfq, alice_client) -> None:
    RequestKey.objects.filter(pk=rfq.keys[2].pk).update(text="=1+1", unit="@x")
    rfq.suppliers[1].name = "=cmd|'/C calc'!A0"
    rfq.suppliers[1].save(update_fields=["name"])
    _quote(rfq, alice_client, EVIL[0])

    workbook, _ = _download(rfq, alice_client)

    formulas, texts = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                (formulas if cell.data_type == "f" else texts).append(cell.value)
    assert formulas and all(
        formula.startswith(("=F", "=J", "=SUM(", "=COUNT(", "='Comparison'!")) for formula in formulas
    )
    strings = [value for value in texts if isinstance(value, str)]
    assert "'" + EVIL[0] in strings and "'=cmd|'/C calc'!A0" in strings
    assert "'=1+1" in strings and "'@x" in strings
    assert not [value for value in strings if value.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.parametrize("text", EVIL)
def test_safe_text_neutralises_each_trigger(text: str) -> None:
    assert safe_text(text) == "'" + text


def test_safe_text_leaves_ordinary_text_alone() -> None:
    assert safe_text("Труба 57х3,5 = ГОСТ") == "Труба 57х3,5 = ГОСТ"
    assert safe_text("") == ""
