"""Regenerate the import corpus: `.venv/bin/python requests_app/tests/files/make_corpus.py`.

Files shaped like what procurement people really send (PRODUCT.md §2.11, issue 16): workbooks with title
blocks, totals, signatures, cover sheets, numbering rows and extra columns; Word tables; PDFs made from
tables and from space-aligned text; CSVs in cp1251/UTF-8 with `;`, `,` or tab; plain lists. Each file is
written to `corpus/` with `<name>.expected.json` next to it: what a buyer expects to get, written here by
hand beside the content (never produced by running the importer), i.e. the keys (pos, text, qty as a
string, unit, note), the warning types in order, the sheet read and the sheet names.
`test_import_corpus.py` imports every file and compares.

The generated files are committed (a few KB each), so tests and CI need none of the generators. Making them
needs openpyxl (a runtime dependency), fpdf2 (requirements/dev.txt) and the DejaVu fonts
(`apt-get install -y fonts-dejavu-core`) for Cyrillic text in the PDFs. The .docx files are written by hand
(see `make_samples.write_docx`).
"""

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus"
sys.path.insert(0, str(HERE))
from make_samples import FIXED_TIME, _paragraph, write_docx  # noqa: E402

FONTS = Path("/usr/share/fonts/truetype/dejavu")
Key = tuple[int, str, str | None, str | None, str | None]  # pos, text, qty, unit, note
CASES: dict[str, Callable[[Path], None]] = {}
EXPECTED: dict[str, dict[str, Any]] = {}


def case(name: str, keys: list[Key], warnings: list[str], sheet: str | None = None, sheets: list[str] | None = None):
    """Register the writer of `name` with what importing it must give."""

    def register(write: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES[name] = write
        EXPECTED[name] = {
            "keys": [{"pos": p, "text": t, "qty": q, "unit": u, "note": n} for p, t, q, u, n in keys],
            "warnings": warnings,
            "sheet": sheet,
            "sheets": sheets or [],
        }
        return write

    return register


# --- workbooks ---------------------------------------------------------------------------------------------


def workbook(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Workbook:
    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    return book


HEADING = ["№ п/п", "Наименование", "Ед. изм.", "Кол-во", "Примечание"]
TITLE_BLOCK = [
    ["Заявка на поставку материалов № 17"],
    ["Заказчик: ООО «Ромашка», ИНН 7701234567"],
    ["Дата: 01.02.2024"],
    [],
]
SIGNATURE = [
    [],
    ["Исполнитель: Иванов И.И., тел. +7 (495) 123-45-67"],
    ["Главный бухгалтер", None, "__________", "Петрова А.А."],
    ["М.П."],
]
ITEMS_A: list[Key] = [
    (1, "Фланец плоский Ду100 Ру16 ГОСТ 33259-2015", "40", "шт", "Примечание: SKF или аналог"),
    (2, "Подшипник 6205-2RS", "1250.5", "шт", None),
    (3, "Труба 57х3,5", "1.5", "м", "Примечание: срочно"),
    (4, "Кабель ВВГнг(А)-LS 3х2,5", "1000", "м", None),
]
ROWS_A = [
    [1, "Фланец плоский Ду100 Ру16 ГОСТ 33259-2015", "шт", 40, "SKF или аналог"],
    [2, "Подшипник 6205-2RS", "шт", "1 250,5", None],
    [3, "Труба 57х3,5", "м", "1,5", "срочно"],
    [],
    [4, "Кабель ВВГнг(А)-LS 3х2,5", "м", "1 000", None],
]


@case(
    "xlsx_title_header_row5.xlsx",
    ITEMS_A,
    ["skipped_title", "skipped_total", "skipped_signature", "skipped_signature", "skipped_stamp"],
    sheet="Заявка",
    sheets=["Заявка"],
)
def _(path: Path) -> None:
    rows = [*TITLE_BLOCK, HEADING, *ROWS_A, [None, "Итого позиций: 4"], *SIGNATURE]
    workbook({"Заявка": rows}, {"Заявка": ["A1:E1", "A2:E2", "A3:E3"]}).save(path)


@case(
    "xlsx_cover_sheet.xlsx",
    ITEMS_A,
    ["skipped_sheets", "skipped_total"],
    sheet="Заявка",
    sheets=["Письмо", "Заявка"],
)
def _(path: Path) -> None:
    letter = [
        ["Генеральному директору ООО «Поставщик»"],
        [],
        ["Просим предоставить коммерческое предложение на поставку позиций, указанных на листе «Заявка»."],
        ["Срок ответа — до 10.02.2024."],
        [],
        ["С уважением, Иванов И.И."],
    ]
    workbook({"Письмо": letter, "Заявка": [HEADING, *ROWS_A, [None, "Итого"]]}).save(path)


@case(
    "xlsx_numbering_row.xlsx",
    [
        (1, "Отвод 90° Ду50", "10", "шт", None),
        (2, "Тройник 57х4", "5", "шт", None),
        (3, "Переход 76х57", "2", "шт", None),
    ],
    ["skipped_title", "skipped_numbering", "skipped_total"],
    sheet="Лист1",
    sheets=["Лист1"],
)
def _(path: Path) -> None:
    rows = [
        ["ЗАЯВКА"],
        ["№", "Наименование", "Ед.", "Кол-во"],
        [1, 2, 3, 4],
        [1, "Отвод 90° Ду50", "шт", 10],
        [2, "Тройник 57х4", "шт", 5],
        [3, "Переход 76х57", "шт", 2],
        [None, "Всего", None, 17],
    ]
    workbook({"Лист1": rows}).save(path)


@case(
    "xlsx_extra_columns.xlsx",
    [
        (1, "Подшипник шариковый", "4", "шт", "Артикул: 6205-2RS; Производитель: SKF; Примечание: или аналог"),
        (2, "Болт М10х50", "200", "шт", "Марка: 8.8; ГОСТ: ГОСТ 7798-70"),
        (3, "Лента ФУМ", None, None, None),
    ],
    [],
    sheet="Sheet",
    sheets=["Sheet"],
)
def _(path: Path) -> None:
    rows = [
        ["№", "Артикул", "Наименование", "Марка", "ГОСТ", "Производитель", "Ед. изм.", "Кол-во", "Примечание"],
        [1, "6205-2RS", "Подшипник шариковый", None, None, "SKF", "шт", 4, "или аналог"],
        [2, None, "Болт М10х50", "8.8", "ГОСТ 7798-70", None, "шт", 200, None],
        [3, None, "Лента ФУМ", None, None, None, None, None, None],
    ]
    workbook({"Sheet": rows}).save(path)


@case(
    "xlsx_totals_and_signatures.xlsx",
    [(1, "Кран шаровый Ду15", "10", "шт", None), (2, "Кран шаровый Ду20", "6", "шт", None)],
    ["skipped_total", "skipped_total", "skipped_signature", "skipped_signature", "skipped_signature"],
    sheet="Sheet1",
    sheets=["Sheet1"],
)
def _(path: Path) -> None:
    rows = [
        ["№", "Наименование", "Ед. изм.", "Количество"],
        [1, "Кран шаровый Ду15", "шт", 10],
        [2, "Кран шаровый Ду20", "шт", 6],
        [None, "Итого:", None, 16],
        [None, "В т.ч. НДС 20%", None, None],
        ["Руководитель", None, "________", "Сидоров П.П."],
        ["Подпись"],
        ["____________ /Иванов И.И./"],
    ]
    workbook({"Sheet1": rows}).save(path)


@case(
    "xlsx_instructions_and_hidden.xlsx",
    [(1, "Электрод МР-3 d3", "50", "кг", None), (2, "Круг отрезной 125х1,2", "100", "шт", None)],
    ["skipped_sheets"],
    sheet="Позиции",
    sheets=["Инструкция", "Позиции", "Справочник"],
)
def _(path: Path) -> None:
    book = workbook(
        {
            "Инструкция": [["Как заполнить заявку"], ["Укажите наименование и количество каждой позиции."]],
            "Позиции": [
                ["№", "Наименование", "Ед.", "Кол-во"],
                [1, "Электрод МР-3 d3", "кг", 50],
                [2, "Круг отрезной 125х1,2", "шт", 100],
            ],
            "Справочник": [["№", "Наименование", "Ед.", "Кол-во"]]
            + [[n, f"Единица {n}", "шт", 1] for n in range(1, 30)],
        }
    )
    book["Справочник"].sheet_state = "hidden"
    book.save(path)


@case(
    "xlsx_note_under_table.xlsx",
    [(1, "Швеллер 10П", "12", "м", None), (2, "Уголок 50х50х5", "24", "м", None)],
    ["skipped_note", "skipped_note", "skipped_note"],
    sheet="Заявка",
    sheets=["Заявка"],
)
def _(path: Path) -> None:
    rows = [
        ["№", "Наименование", "Ед. изм.", "Кол-во"],
        [1, "Швеллер 10П", "м", 12],
        [2, "Уголок 50х50х5", "м", 24],
        [],
        ["Доставка до склада покупателя: г. Москва, ул. Складская, 1"],
        [
            None,
            "Металлопрокат поставляется с сертификатами качества; резка в размер по согласованию, "
            "упаковка — в пачках не более 2 т, маркировка на каждой пачке.",
        ],
        ["Примечание: допускаются аналоги"],
    ]
    workbook({"Заявка": rows}, {"Заявка": ["A5:D5", "A7:D7"]}).save(path)


@case(
    "xlsx_english.xlsx",
    [(1, "Ball valve DN15", "2.5", "pcs", "Notes: stainless"), (2, "Gasket d100", "4", "pcs", None)],
    ["skipped_title", "skipped_total", "skipped_signature"],
    sheet="RFQ",
    sheets=["RFQ"],
)
def _(path: Path) -> None:
    rows = [
        ["Request for quotation 2024-17"],
        ["No.", "Description", "Unit", "Qty", "Notes"],
        [1, "Ball valve DN15", "pcs", "2.5", "stainless"],
        [2, "Gasket d100", "pcs", 4, None],
        [None, "Total", None, 6.5, None],
        ["Prepared by: John Smith"],
    ]
    workbook({"RFQ": rows}).save(path)


@case(
    "xlsx_headerless_with_total.xlsx",
    [(1, "Кран шаровый Ду15", "10", "шт", None), (2, "Заглушка d57", "3", "шт", None)],
    ["guessed_columns", "skipped_total"],
    sheet="Лист1",
    sheets=["Лист1"],
)
def _(path: Path) -> None:
    workbook(
        {"Лист1": [[1, "Кран шаровый Ду15", "шт", 10], [2, "Заглушка d57", "шт", 3], [None, "Итого", None, 13]]}
    ).save(path)


@case(
    "xlsx_template_rows.xlsx",
    [(1, "Саморез 4,2х25", "2000", "шт", None), (2, "Дюбель 6х40", "1000", "шт", None)],
    ["skipped_title", "skipped_total"],
    sheet="Лист1",
    sheets=["Лист1"],
)
def _(path: Path) -> None:
    rows = [["Заявка"], [], ["Поз.", "Номенклатура", "Единица измерения", "Кол-во, шт."]]
    rows += [[1, "Саморез 4,2х25", "шт", "2 000"], [2, "Дюбель 6х40", "шт", "1000"]]
    rows += [[n, None, None, None] for n in range(3, 15)]
    rows += [[None, "Итого позиций: 2", None, None]]
    workbook({"Лист1": rows}).save(path)


@case(
    "xlsx_two_lots.xlsx",
    [
        (1, "Труба ПНД 32", "100", "м", None),
        (2, "Муфта ПНД 32", "20", "шт", None),
        (3, "Отвод ПНД 32", "10", "шт", None),
    ],
    ["skipped_sheets"],
    sheet="Лот 2",
    sheets=["Лот 1", "Лот 2"],
)
def _(path: Path) -> None:
    heading = ["№", "Наименование", "Ед.", "Кол-во"]
    lot1 = [heading, [1, "Краска ПФ-115", "кг", 30]]
    lot2 = [heading, [1, "Труба ПНД 32", "м", 100], [2, "Муфта ПНД 32", "шт", 20], [3, "Отвод ПНД 32", "шт", 10]]
    workbook({"Лот 1": lot1, "Лот 2": lot2}).save(path)


# --- Word documents ----------------------------------------------------------------------------------------


def _cell(text: str, span: int = 1) -> str:
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return f"<w:tc>{props}{_paragraph(text)}</w:tc>"


def docx_table(rows: list[list[str | tuple[str, int]]], columns: int) -> str:
    """A table; a cell given as (text, n) spans n grid columns, as Word writes a merged cell."""
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    body = ""
    for row in rows:
        cells = (_cell(*cell) if isinstance(cell, tuple) else _cell(cell) for cell in row)
        body += "<w:tr>" + "".join(cells) + "</w:tr>"
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


@case(
    "docx_table_totals.docx",
    ITEMS_A,
    ["skipped_numbering", "skipped_total", "skipped_signature"],
)
def _(path: Path) -> None:
    rows: list[list[str | tuple[str, int]]] = [HEADING, ["1", "2", "3", "4", "5"]]
    rows += [[str(cell) if cell is not None else "" for cell in row] for row in ROWS_A if row]
    rows += [[("Итого позиций: 4", 5)], [("Исполнитель: Иванов И.И., тел. 8-800-000-00-00", 5)]]
    body = _paragraph("Заявка на поставку № 17") + docx_table(rows, 5) + _paragraph("С уважением, Иванов И.И.")
    write_docx_at(path, body)


@case(
    "docx_table_extra_columns.docx",
    [
        (1, "Манометр ДМ02-100", "3", "шт", "Артикул: 100-1,6МПа; Производитель: Манотомь"),
        (2, "Термометр ТБ-100", "2", "шт", "Производитель: Теплоприбор"),
    ],
    ["skipped_stamp"],
)
def _(path: Path) -> None:
    rows: list[list[str | tuple[str, int]]] = [
        ["Поз.", "Наименование", "Артикул", "Производитель", "Ед.", "Кол-во"],
        ["1", "Манометр ДМ02-100", "100-1,6МПа", "Манотомь", "шт", "3"],
        ["2", "Термометр ТБ-100", "", "Теплоприбор", "шт", "2"],
        [("М.П.", 6)],
    ]
    write_docx_at(path, docx_table(rows, 6))


@case(
    "docx_paragraph_list.docx",
    [
        (1, "Фланец плоский Д100", None, None, None),
        (2, "Труба 57х3,5", None, None, None),
        (3, "Болт М10х50", None, None, None),
    ],
    ["skipped_total", "skipped_signature"],
)
def _(path: Path) -> None:
    lines = ["Фланец плоский Д100", "Труба 57х3,5", "Болт М10х50", "", "Итого: 3 позиции", "С уважением, Иванов И.И."]
    write_docx_at(path, "".join(_paragraph(line) for line in lines))


def write_docx_at(path: Path, body: str) -> None:
    write_docx(str(path.relative_to(HERE)), body)


# --- PDFs --------------------------------------------------------------------------------------------------


def pdf(mono: bool = False) -> Any:
    from fpdf import FPDF

    document = FPDF()
    document.set_creation_date(FIXED_TIME)
    document.set_producer("make_corpus.py")
    document.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    document.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    document.add_font("DejaVuMono", "", str(FONTS / "DejaVuSansMono.ttf"))
    document.add_page()
    document.set_font("DejaVuMono" if mono else "DejaVu", size=9 if mono else 10)
    return document


def pdf_lines(document: Any, lines: list[str], height: float = 5) -> None:
    for line in lines:
        document.cell(0, height, line)
        document.ln(height)


def pdf_table(document: Any, rows: list[list[str]], widths: tuple[int, ...], **options: Any) -> None:
    with document.table(col_widths=widths, **options) as table:
        for row in rows:
            cells = table.row()
            for cell in row:
                cells.cell(cell)


WORD_ROWS = [
    HEADING,
    ["1", "Фланец плоский Ду100 Ру16 ГОСТ 33259-2015", "шт", "40", "SKF или аналог"],
    ["2", "Подшипник 6205-2RS", "шт", "1 250,5", ""],
    ["3", "Труба 57х3,5", "м", "1,5", "срочно"],
    ["4", "Кабель ВВГнг(А)-LS 3х2,5", "м", "1 000", ""],
]


@case(
    "pdf_word_table.pdf",
    ITEMS_A,
    ["skipped_title", "skipped_total", "skipped_signature"],
)
def _(path: Path) -> None:
    document = pdf()
    pdf_lines(document, ["Заявка на поставку № 17 от 01.02.2024", ""])
    pdf_table(
        document,
        [*WORD_ROWS, ["", "Итого позиций: 4", "", "", ""]],
        (15, 70, 20, 25, 45),
        v_align="TOP",
        text_align="LEFT",
    )
    pdf_lines(document, ["", "Исполнитель: Иванов И.И., тел. +7 (495) 123-45-67"])
    document.output(str(path))


@case(
    "pdf_word_table_justified.pdf",
    [
        (1, "Фланец плоский Ду100 Ру16 ГОСТ 33259-2015 исполнение В", "40", "шт", "Примечание: SKF или аналог"),
        (2, "Труба стальная электросварная 57х3,5 длиной по 6 метров, с фасками", "12.5", "м", "Примечание: срочно"),
        (3, "Подшипник 6205-2RS", "1250.5", "шт", None),
    ],
    ["skipped_numbering", "skipped_total"],
)
def _(path: Path) -> None:
    rows = [
        HEADING,
        ["1", "2", "3", "4", "5"],
        ["1", "Фланец плоский Ду100 Ру16 ГОСТ 33259-2015 исполнение В", "шт", "40", "SKF или аналог"],
        ["2", "Труба стальная электросварная 57х3,5 длиной по 6 метров, с фасками", "м", "12,5", "срочно"],
        ["3", "Подшипник 6205-2RS", "шт", "1 250,5", ""],
        ["", "Всего", "", "", ""],
    ]
    document = pdf()
    pdf_table(document, rows, (15, 70, 20, 25, 45))  # fpdf2's defaults: justified text, centred vertically
    document.output(str(path))


@case(
    "pdf_word_table_two_pages.pdf",
    [(n, f"Болт М{n}х50 оцинкованный DIN 933", str(n * 10), "шт", None) for n in range(1, 61)],
    ["skipped_heading"],
)
def _(path: Path) -> None:
    rows = [["№", "Наименование", "Ед.", "Кол-во"]]
    rows += [[str(n), f"Болт М{n}х50 оцинкованный DIN 933", "шт", str(n * 10)] for n in range(1, 61)]
    document = pdf()
    pdf_table(document, rows, (15, 100, 20, 25), text_align="LEFT")  # the heading repeats on page 2
    document.output(str(path))


ALIGNED = [
    "Заявка № 5 от 02.02.2024",
    "",
    "№   Наименование                      Ед.   Кол-во",
    "1   Фланец плоский Ду100 Ру16         шт    40",
    "2   Отвод 90° Ду50                    шт    1 250,5",
    "3   Болт М10х50                       кг    2,5",
    "4   Лента ФУМ",
    "",
    "    Итого позиций: 4",
    "Исполнитель: Петров П.П., тел. 8 (812) 000-00-00",
]


@case(
    "pdf_aligned_text.pdf",
    [
        (1, "Фланец плоский Ду100 Ру16", "40", "шт", None),
        (2, "Отвод 90° Ду50", "1250.5", "шт", None),
        (3, "Болт М10х50", "2.5", "кг", None),
        (4, "Лента ФУМ", None, None, None),
    ],
    ["skipped_title", "skipped_total", "skipped_signature"],
)
def _(path: Path) -> None:
    document = pdf(mono=True)
    pdf_lines(document, ALIGNED)
    document.output(str(path))


@case(
    "pdf_aligned_no_header.pdf",
    [
        (1, "Кран шаровый Ду15", "10", "шт", None),
        (2, "Заглушка d57", "3", "шт", None),
        (3, "Муфта 1/2", "25", "шт", None),
    ],
    ["guessed_columns"],
)
def _(path: Path) -> None:
    document = pdf(mono=True)
    pdf_lines(
        document,
        ["1   Кран шаровый Ду15    шт   10", "2   Заглушка d57         шт   3", "3   Муфта 1/2            шт   25"],
    )
    document.output(str(path))


@case(
    "pdf_plain_lines.pdf",
    [
        (1, "Фланец плоский Д100", None, None, None),
        (2, "Труба 57х3,5", None, None, None),
        (3, "Болт М10х50", None, None, None),
    ],
    [],
)
def _(path: Path) -> None:
    document = pdf()
    pdf_lines(document, ["Фланец плоский Д100", "Труба 57х3,5", "Болт М10х50"])
    document.output(str(path))


@case(
    "pdf_five_pages.pdf",
    [(n, f"Позиция {n}", "1", "шт", None) for n in range(1, 4)],
    ["skipped_pages"],
)
def _(path: Path) -> None:
    document = pdf(mono=True)
    pdf_lines(document, ["№   Наименование      Ед.   Кол-во", "1   Позиция 1         шт    1"])
    for n in range(2, 6):
        document.add_page()
        pdf_lines(document, [f"{n}   Позиция {n}         шт    1"])
    document.output(str(path))


# --- CSV and text ------------------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[object]], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


CSV_ITEMS: list[Key] = [
    (1, "Фланец плоский Ду100", "2", "шт", None),
    (2, "Труба 57х3,5", "1250.5", "м", None),
    (3, "Отвод крутоизогнутый", "1.5", "т", None),
]
CSV_ROWS: list[list[object]] = [
    ["№", "Наименование", "Ед. изм.", "Кол-во"],
    [1, "Фланец плоский Ду100", "шт", "2"],
    [2, "Труба 57х3,5", "м", "1 250,5"],
    [3, "Отвод крутоизогнутый", "т", "1,5"],
]


@case("csv_cp1251_semicolon.csv", CSV_ITEMS, ["skipped_title", "skipped_total", "skipped_signature"])
def _(path: Path) -> None:
    rows = [["Заявка № 9"], *CSV_ROWS, ["", "Итого", "", ""], ["Исполнитель: Иванов И.И.", "", "", ""]]
    write_csv(path, rows, ";", "cp1251")


@case(
    "csv_utf8_comma.csv",
    [(1, "Pipe 57x3,5", "12.5", "m", "Note: seamless"), (2, "Flange d100", "2", "pcs", None)],
    ["skipped_total"],
)
def _(path: Path) -> None:
    rows = [
        ["pos", "name", "unit", "qty", "Note"],
        [1, "Pipe 57x3,5", "m", "12.5", "seamless"],
        [2, "Flange d100", "pcs", 2, ""],
    ]
    write_csv(path, [*rows, ["", "Total", "", "14.5", ""]], ",", "utf-8")


@case("csv_utf8_tab.csv", CSV_ITEMS, ["skipped_numbering"])
def _(path: Path) -> None:
    write_csv(path, [CSV_ROWS[0], [1, 2, 3, 4], *CSV_ROWS[1:]], "\t", "utf-8")


@case(
    "csv_utf8_bom_extra.csv",
    [
        (1, "Подшипник 6205", "4", "шт", "Артикул: 6205-2RS; Марка: SKF"),
        (2, "Ремень А-1000", "2", "шт", "Артикул: A-1000"),
    ],
    [],
)
def _(path: Path) -> None:
    rows = [["№", "Артикул", "Наименование", "Марка", "Ед.", "Кол-во"]]
    rows += [[1, "6205-2RS", "Подшипник 6205", "SKF", "шт", 4], [2, "A-1000", "Ремень А-1000", "", "шт", 2]]
    write_csv(path, rows, ";", "utf-8-sig")


@case(
    "txt_plain_list.txt",
    [
        (1, "Фланец плоский Д100", None, None, None),
        (2, "Труба 57х3,5", None, None, None),
        (3, "Болт М10х50", None, None, None),
    ],
    ["skipped_signature"],
)
def _(path: Path) -> None:
    path.write_text("Фланец плоский Д100\nТруба 57х3,5\n\nБолт М10х50\n\nС уважением, Иванов И.И.\n", encoding="utf-8")


@case(
    "txt_pipes_heading.txt",
    [(1, "Фланец плоский Д100", "2", "шт", None), (2, "Труба 57х3,5", "12.5", "м", None)],
    ["skipped_total"],
)
def _(path: Path) -> None:
    lines = [
        "| № | Наименование | Ед. | Кол-во |",
        "| 1 | Фланец плоский Д100 | шт | 2 |",
        "| 2 | Труба 57х3,5 | м | 12,5 |",
        "| | Итого | | 14,5 |",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@case(
    "txt_tab_cp1251.txt",
    [(1, "Кран шаровый Ду15", "10", "шт", None), (2, "Кран шаровый Ду20", "6", "шт", None)],
    ["skipped_numbering", "skipped_total"],
)
def _(path: Path) -> None:
    lines = [
        "№\tНаименование\tЕд.\tКол-во",
        "1\t2\t3\t4",
        "1\tКран шаровый Ду15\tшт\t10",
        "2\tКран шаровый Ду20\tшт\t6",
        "\tВсего\t\t16",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, write in CASES.items():
        write(OUT / name)
        expected = json.dumps(EXPECTED[name], ensure_ascii=False, indent=1) + "\n"
        (OUT / f"{name}.expected.json").write_text(expected, encoding="utf-8")
    print(f"{len(CASES)} files written to {OUT}")


if __name__ == "__main__":
    main()
