"""Regenerate the sample upload files next to this script: `python requests_app/tests/files/make_samples.py`.

The files are committed; this script documents exactly what is in them and recreates them after a change.
The .docx and .pdf files are written by hand (a few KB each) instead of through python-docx's 38 KB
template or a PDF library, so the samples stay small and the script needs only openpyxl.
"""

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2024, 1, 1)


def write_xlsx(name: str, rows: list[list[object]]) -> None:
    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(HERE / name)


def xlsx_samples() -> None:
    write_xlsx(
        "keys_ru_header.xlsx",
        [
            ["Заявка на поставку № 17"],
            [],
            ["№ п/п", "Наименование товара", "Ед. изм.", "Кол-во", "Примечание"],
            [1, "Фланец  плоский Д100", "шт", 2, "ГОСТ 33259"],
            [2, "Труба 57х3,5", "м", 12.5, None],
            [3, "Отвод 90° Ду50", "шт.", "1 000", None],
            [None, None, None, None, None],
            [4, "Болт М10х50", None, None, None],
        ],
    )
    write_xlsx(
        "keys_en_header.xlsx",
        [
            ["Item description", "Qty", "UoM", "Pos."],
            ["Ball valve DN15", "2,5", "pcs", 10],
            ["Gasket d100", 4, "pcs", 20],
            ["Hex nut M10", None, None, None],
        ],
    )
    write_xlsx(
        "keys_headerless.xlsx",
        [
            [1, "Кран шаровый Ду15", "шт", 10],
            [2, "Заглушка d57", "шт", 3],
            [3, "Лента ФУМ", None, None],
        ],
    )
    write_xlsx(
        "keys_bad_rows.xlsx",
        [
            ["№", "Наименование", "Ед.", "Кол-во"],
            [1, "Фланец Д100", "шт", 2],
            [2, "Труба 57х3,5", "м", -1],
            [3, "Отвод 90", "шт", "abc"],
            [4, None, "шт", 3],
            [5, "Болт М10", "шт", 1],
            [5, "Гайка М10", "шт", 1],
            [6, "Шайба 10", "x" * 33, 1],
            [0, "Шпилька М10", "шт", 1],
        ],
    )


def text_samples() -> None:
    ru_rows = [
        "№;Наименование;Ед. изм.;Количество",
        "1;Фланец плоский Д100;шт;2",
        "2;Труба 57х3,5;м;12,5",
        "",
        "3;Ёлка новогодняя;шт;1",
    ]
    ru_text = "\r\n".join(ru_rows) + "\r\n"
    (HERE / "keys_utf8.csv").write_bytes(ru_text.encode("utf-8"))
    (HERE / "keys_utf8_bom.csv").write_bytes(ru_text.encode("utf-8-sig"))
    cp1251_rows = ["1;Фланец плоский Д100;шт;2", "2;Труба 57х3,5;м;12,5", "3;Отвод крутоизогнутый;шт;1 000"]
    (HERE / "keys_cp1251.csv").write_bytes(("\r\n".join(cp1251_rows) + "\r\n").encode("cp1251"))
    comma_rows = ["pos,name,unit,qty", '1,"Pipe 57x3,5",m,12.5', "2,Flange d100,pcs,2", '3,"Gasket ""PN16""",,']
    (HERE / "keys_comma.csv").write_bytes(("\n".join(comma_rows) + "\n").encode("utf-8"))
    plain = ["Фланец плоский Д100", "", "Труба 57х3,5", "   Болт М10х50   ", ""]
    (HERE / "keys_plain.txt").write_bytes("\n".join(plain).encode("utf-8"))
    pipes = ["1 | Фланец плоский Д100 | шт | 2", "2 | Труба 57х3,5 | м | 12,5", "", "3 | Лента ФУМ | |"]
    (HERE / "keys_pipes.txt").write_bytes("\n".join(pipes).encode("utf-8"))
    (HERE / "not_really.xlsx").write_bytes(b"This is plain text, not a workbook.\n")


def docx_samples() -> None:
    table = [
        ["№", "Наименование", "Ед. изм.", "Кол-во"],
        ["1", "Фланец плоский Д100", "шт", "2"],
        ["2", "Труба 57х3,5", "м", "12,5"],
        ["", "", "", ""],
        ["3", "Болт М10х50", "", ""],
    ]
    write_docx("keys_table.docx", _paragraph("Заявка на поставку") + _table(table) + _paragraph("С уважением"))
    lines = ["Фланец плоский Д100", "", "Труба 57х3,5", "Болт М10х50"]
    write_docx("keys_paragraphs.docx", "".join(_paragraph(line) for line in lines))


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'
    ),
}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _paragraph(text: str) -> str:
    run = f'<w:r><w:t xml:space="preserve">{_escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{run}</w:p>"


def _table(rows: list[list[str]]) -> str:
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in rows[0])
    body = "".join("<w:tr>" + "".join(f"<w:tc>{_paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def write_docx(name: str, body: str) -> None:
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'
    )
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, xml in {**_DOCX_PARTS, "word/document.xml": document}.items():
            archive.writestr(zipfile.ZipInfo(part, date_time=FIXED_TIME.timetuple()[:6]), xml)


PDF_PAGES = [
    ["No | Name | Unit | Qty", "1 | Flange D100 | pcs | 2", "2 | Pipe 57x3.5 | m | 12.5"],
    ["3 | Elbow 90 DN50 | pcs | 4"],
    ["4 | Hex bolt M10x50 (zinc) | pcs | 100"],
    ["5 | Page four key, must not be imported | pcs | 1"],
]


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal PDF 1.4: one Helvetica font, one content stream per page, a correct xref table."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * index} 0 R" for index in range(count))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, lines in enumerate(pages):
        text_ops = " T* ".join(f"{_pdf_string(line)} Tj" for line in lines)
        stream = f"BT /F1 12 Tf 16 TL 56 780 Td {text_ops} ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * index} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def main() -> None:
    xlsx_samples()
    text_samples()
    docx_samples()
    (HERE / "keys_text.pdf").write_bytes(pdf_bytes(PDF_PAGES))


if __name__ == "__main__":
    main()
