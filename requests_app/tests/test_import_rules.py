"""The rules of issue 16: rows that are not items are skipped and reported, extra columns become the note,
the sheet holding the items is found or picked. Pure Python; `test_import_corpus.py` runs whole files."""

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from requests_app.importers import (
    MAX_NOTE_LENGTH,
    ImportWarning,
    UnknownSheet,
    parse_in_sandbox,
    parse_keys_file,
)
from requests_app.importers.rows import rows_to_result
from requests_app.importers.skip_rules import RowContext, skip_reason

CORPUS = Path(__file__).resolve().parent / "files" / "corpus"
HEADING = ["№", "Наименование", "Ед.", "Кол-во"]
LAYOUT = {"pos": 0, "text": 1, "unit": 2, "qty": 3}
AFTER_ITEMS = RowContext(layout=LAYOUT, since_heading=5, items_seen=3, items_with_pos=3)


def kinds(rows: list[list[object]]) -> list[tuple[int | None, str]]:
    result = rows_to_result(enumerate([HEADING, [1, "Фланец Д100", "шт", 2], *rows], start=1))
    return [(warning.row, warning.type) for warning in result.warnings]


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        ([None, "Итого", None, 15], "skipped_total"),
        ([None, "Итого позиций: 7", None, None], "skipped_total"),
        (["Всего:", None, None, "1 500"], "skipped_total"),
        ([None, "В т.ч. НДС 20%", None, None], "skipped_total"),
        ([None, "Total", None, 3], "skipped_total"),
        (["Исполнитель: Иванов И.И., тел. 8-800-000-00-00"], "skipped_signature"),
        (["Подпись", None, "______"], "skipped_signature"),
        (["Руководитель", None, None, "Сидоров П.П."], "skipped_signature"),
        (["Главный бухгалтер"], "skipped_signature"),
        (["_________ /Иванов И.И./"], "skipped_signature"),
        (["М.П."], "skipped_stamp"),
        (["Примечание: аналоги допускаются"], "skipped_note"),
        (["Доставка на склад покупателя"], "skipped_note"),
        ([None, "я " * 60, None, None], "skipped_note"),
        (["Раздел"], "skipped_section"),
    ],
)
def test_rows_that_are_not_items_are_recognised(cells: list[object], kind: str) -> None:
    assert skip_reason(cells, AFTER_ITEMS)[0] == kind  # type: ignore[index]


@pytest.mark.parametrize(
    "cells",
    [
        [2, "Итоговый отчёт (бланк)", "шт", 1],
        [2, "Подписывающее устройство", "шт", 1],
        [None, "Труба 57х3,5", None, None],
        [2, "Болт М10", "шт", 1],
        [3, "Телевизор", "шт", 1],
        [None, "Кабель", "м", 100],
    ],
)
def test_items_are_not_taken_for_junk(cells: list[object]) -> None:
    assert skip_reason(cells, AFTER_ITEMS) is None


def test_numbering_row_is_only_the_row_right_under_the_heading() -> None:
    first = RowContext(layout=LAYOUT, since_heading=1, items_seen=0, items_with_pos=0)
    later = RowContext(layout=LAYOUT, since_heading=2, items_seen=0, items_with_pos=0)

    assert skip_reason([1, 2, 3, 4], first) == ("skipped_numbering", "column-numbering row under the heading")
    assert skip_reason([None, 2, 3, 4], first) is not None  # column A merged into the title
    assert skip_reason([1, 2, 3, 4], later) is None
    assert skip_reason([1, "Фланец", "шт", 2], first) is None


def test_numbering_row_no_longer_breaks_the_pos_of_the_first_item() -> None:
    # Before issue 16: 422 `row 3: pos 1 is already used in row 2`.
    result = rows_to_result(enumerate([HEADING, [1, 2, 3, 4], [1, "Фланец", "шт", 2]], start=1))

    assert (result.errors, [(k.pos, k.text) for k in result.keys]) == ([], [(1, "Фланец")])
    assert result.warnings == [ImportWarning(2, None, "column-numbering row under the heading", "skipped_numbering")]


def test_total_and_signature_under_the_table_are_reported_with_their_rows() -> None:
    rows: list[list[object]] = [[None, "Итого позиций: 1"], ["Исполнитель: Иванов И.И., тел. 123-45-67"], ["М.П."]]

    assert kinds(rows) == [(3, "skipped_total"), (4, "skipped_signature"), (5, "skipped_stamp")]


def test_short_text_row_without_pos_is_still_an_item() -> None:
    result = rows_to_result(enumerate([HEADING, [1, "Фланец", "шт", 2], [None, "Труба", None, None]], start=1))

    assert [(k.pos, k.text) for k in result.keys] == [(1, "Фланец"), (2, "Труба")]
    assert result.warnings == []


def test_extra_columns_become_the_note_in_column_order() -> None:
    heading = ["Артикул", "№", "Наименование", "Кол-во", "Примечание", "Цена"]
    result = rows_to_result([(1, heading), (2, ["6205", 1, "Подшипник", 4, "SKF или аналог", None])])

    assert result.keys[0].note == "Артикул: 6205; Примечание: SKF или аналог"


def test_a_long_note_is_cut_and_reported() -> None:
    heading = ["№", "Наименование", "Примечание"]
    result = rows_to_result([(1, heading), (2, [1, "Фланец", "я" * 1200])])

    note = result.keys[0].note
    assert note is not None and len(note) == MAX_NOTE_LENGTH and note.endswith("…")
    assert [w.type for w in result.warnings] == ["truncated_note"]


def test_headerless_rows_keep_cells_beyond_the_fourth_as_the_note() -> None:
    result = rows_to_result([(1, [1, "Фланец", "шт", 2, "срочно"])])

    assert (result.keys[0].qty, result.keys[0].note) == (Decimal("2"), "срочно")


def test_guessed_text_column_is_reported() -> None:
    result = rows_to_result([(1, ["№", "Позиция заказа", "Кол-во"]), (2, [1, "Фланец", 2])])

    assert [w.type for w in result.warnings] == ["guessed_header"]


def two_table_workbook(path: Path) -> Path:
    book = Workbook()
    book.active.title = "Письмо"
    book.active.append(["Просим выставить счёт на позиции второго листа."])
    for title, text in (("Лот 1", "Краска"), ("Лот 2", "Труба")):
        sheet = book.create_sheet(title)
        sheet.append(HEADING)
        sheet.append([1, text, "шт", 1])
    book.save(path)
    return path


@pytest.mark.parametrize(("sheet", "text"), [("Лот 2", "Труба"), (" лот 2 ", "Труба"), (3, "Труба"), ("2", "Краска")])
def test_sheet_is_picked_by_name_or_number(tmp_path: Path, sheet: str | int, text: str) -> None:
    result = parse_keys_file(two_table_workbook(tmp_path / "lots.xlsx"), "lots.xlsx", sheet=sheet)

    assert [k.text for k in result.keys] == [text]
    assert result.sheets == ["Письмо", "Лот 1", "Лот 2"]
    assert result.warnings == []  # the buyer chose: nothing to say about the other sheets


def test_without_a_sheet_the_first_table_after_the_cover_letter_is_read(tmp_path: Path) -> None:
    result = parse_keys_file(two_table_workbook(tmp_path / "lots.xlsx"), "lots.xlsx")

    assert (result.sheet, [k.text for k in result.keys]) == ("Лот 1", ["Краска"])
    assert [(w.type, w.sheet) for w in result.warnings] == [("skipped_sheets", "Лот 1")]
    assert "'Письмо', 'Лот 2'" in result.warnings[0].msg


@pytest.mark.parametrize("sheet", ["Лот 3", 0, 4, "4"])
def test_unknown_sheet_is_a_422_listing_the_sheets(tmp_path: Path, sheet: str | int) -> None:
    path = two_table_workbook(tmp_path / "lots.xlsx")

    with pytest.raises(UnknownSheet) as raised:
        parse_in_sandbox(path, "lots.xlsx", sheet=sheet)

    assert raised.value.http_status == 422 and raised.value.code == "unknown_sheet"
    assert raised.value.sheets == ["Письмо", "Лот 1", "Лот 2"]
    assert "1 'Письмо', 2 'Лот 1', 3 'Лот 2'" in str(raised.value)


def test_sheet_given_for_a_csv_is_ignored_with_a_warning() -> None:
    path = CORPUS / "csv_utf8_tab.csv"

    result = parse_keys_file(path, path.name, sheet="Лист2")

    assert result.warnings[0].type == "sheet_ignored" and len(result.keys) == 3


def test_pdf_from_a_word_table_gives_one_key_per_row_not_per_cell() -> None:
    # Before issue 16 this file gave one key per cell, none with qty or unit.
    path = CORPUS / "pdf_word_table.pdf"

    result = parse_in_sandbox(path, path.name)

    assert [(k.pos, k.unit, k.qty) for k in result.keys] == [
        (1, "шт", Decimal("40")),
        (2, "шт", Decimal("1250.5")),
        (3, "м", Decimal("1.5")),
        (4, "м", Decimal("1000")),
    ]
    assert result.keys[0].text == "Фланец плоский Ду100 Ру16 ГОСТ 33259-2015"  # wrapped in its cell


def test_pdf_of_aligned_lines_is_split_into_columns_and_the_heading_is_not_a_key() -> None:
    path = CORPUS / "pdf_aligned_text.pdf"

    result = parse_keys_file(path, path.name)

    assert (result.keys[0].pos, result.keys[0].text, result.keys[0].unit) == (1, "Фланец плоский Ду100 Ру16", "шт")
    assert all("Наименование" not in key.text for key in result.keys)


def test_pdf_pages_beyond_the_third_are_named_in_a_warning() -> None:
    path = CORPUS / "pdf_five_pages.pdf"

    result = parse_keys_file(path, path.name)

    assert [k.pos for k in result.keys] == [1, 2, 3]
    assert result.warnings == [ImportWarning(None, None, "only the first 3 of 5 pages were read", "skipped_pages")]
