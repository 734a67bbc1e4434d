"""Cleaning of untrusted file names."""

import pytest

from attachments.filenames import MAX_NAME_BYTES, ascii_fallback, clean_filename, clean_title


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/var/www/index.html", "index.html"),
        ("C:\\Users\\alice\\Desktop\\invoice.xlsx", "invoice.xlsx"),
        ("..\\..\\windows\\system32\\evil.doc", "evil.doc"),
        ("dir/sub\\mixed/name.txt", "name.txt"),
        ("bad\x00name.pdf", "badname.pdf"),
        ("bell\x07and\x1besc.txt", "bellandesc.txt"),
        ("del\x7fchar.txt", "delchar.txt"),
        ("c1\x9bcontrol.txt", "c1control.txt"),
        ("line\nbreak\r\ntab\there.txt", "line break tab here.txt"),
        ("  many    spaces   here  .pdf", "many spaces here .pdf"),
        ("nbsp\u00a0\u00a0space.pdf", "nbsp space.pdf"),
        (".hidden", "hidden"),
        ("...dots.txt", "dots.txt"),
        ("trailing.pdf. . ", "trailing.pdf"),
        ("Спецификация.pdf", "Спецификация.pdf"),
        ("Счёт № 15 от 01.02.2026.xlsx", "Счёт № 15 от 01.02.2026.xlsx"),
        ("日本語ファイル.docx", "日本語ファイル.docx"),
    ],
)
def test_clean_filename_examples(raw: str, expected: str) -> None:
    assert clean_filename(raw) == expected


@pytest.mark.parametrize(
    "mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_clean_filename_removes_bidi_overrides_and_isolates(mark: str) -> None:
    assert clean_filename(f"invoice{mark}fdp.exe") == "invoicefdp.exe"


@pytest.mark.parametrize("mark", ["\u200e", "\u200f"])
def test_clean_filename_removes_directional_marks(mark: str) -> None:
    assert clean_filename(f"a{mark}b.txt") == "ab.txt"


def test_clean_filename_rlo_trick_no_longer_hides_the_real_extension() -> None:
    cleaned = clean_filename("photo\u202egnp.exe")
    assert cleaned.endswith(".exe")
    assert "\u202e" not in cleaned


@pytest.mark.parametrize(
    "raw", ["", None, "   ", "\x00\x01", "...", "..", ".", "/", "\\", "a/", "\u202e\u202c", "dir/.."]
)
def test_clean_filename_falls_back_to_a_safe_default(raw: str | None) -> None:
    assert clean_filename(raw) == "file"


def test_clean_filename_default_is_configurable() -> None:
    assert clean_filename("", default="upload") == "upload"


def test_clean_filename_truncates_long_ascii_names_keeping_the_extension() -> None:
    cleaned = clean_filename("a" * 400 + ".pdf")
    assert cleaned.endswith(".pdf")
    assert len(cleaned.encode("utf-8")) == MAX_NAME_BYTES


def test_clean_filename_truncates_cyrillic_on_character_boundaries() -> None:
    cleaned = clean_filename("Ж" * 300 + ".xlsx")  # 2 bytes per letter
    encoded = cleaned.encode("utf-8")
    assert len(encoded) <= MAX_NAME_BYTES
    assert cleaned.endswith(".xlsx")
    assert set(cleaned.removesuffix(".xlsx")) == {"Ж"}
    encoded.decode("utf-8")  # no broken multibyte sequence


def test_clean_filename_truncates_four_byte_characters_without_splitting() -> None:
    cleaned = clean_filename("😀" * 100 + ".png")
    assert len(cleaned.encode("utf-8")) <= MAX_NAME_BYTES
    assert cleaned.endswith(".png")
    assert set(cleaned.removesuffix(".png")) == {"😀"}


def test_clean_filename_with_a_huge_extension_is_cut_as_a_whole() -> None:
    cleaned = clean_filename("name." + "x" * 400)
    assert len(cleaned.encode("utf-8")) <= MAX_NAME_BYTES
    assert cleaned.startswith("name.")


def test_clean_filename_keeps_short_names_untouched_at_the_limit() -> None:
    name = "b" * (MAX_NAME_BYTES - 4) + ".txt"
    assert clean_filename(name) == name


def test_clean_filename_normalises_to_nfc() -> None:
    decomposed = "Йогурт.txt".replace("Й", "И\u0306")
    assert clean_filename(decomposed) == "Йогурт.txt"


def test_clean_title_strips_controls_and_blank_becomes_none() -> None:
    assert clean_title("  Price\u202e list\x00 2026\n") == "Price list 2026"
    assert clean_title("   ") is None
    assert clean_title(None) is None
    assert clean_title("a/b \\ c") == "a/b \\ c"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Спецификация.pdf", "file.pdf"),
        ("report.pdf", "report.pdf"),
        ("Café menu.pdf", "Cafe menu.pdf"),
        ('quote"semi;back\\slash.txt', "quote_semi_back_slash.txt"),
        ("Отчёт 2026.xlsx", "2026.xlsx"),
    ],
)
def test_ascii_fallback(name: str, expected: str) -> None:
    assert ascii_fallback(name) == expected
