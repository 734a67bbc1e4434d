"""Key text normalisation: the same item typed differently must normalise to the same text."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.normalize import clean_key_text, normalize_key_text


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Фланец  плоский Д100", "фланец плоский d100"),
        ("Труба 57х3,5", "труба 57x3.5"),
        ("Прокладка ø100", "прокладка d100"),
        ("Прокладка Ø100", "ПРОКЛАДКА D100"),
        ("Прокладка ⌀100", "прокладка д100"),
        ("Прокладка Ø 100", "прокладка d100"),
        ("Труба ф57", "труба d57"),
        ("Лист 20х30", "лист 20 × 30"),
        ("Лист 20*30", "лист 20 x 30"),
        ("Болт М10х50", "болт m10x50"),
        ("Сталь 12Х18Н10Т", "сталь 12x18h10t"),
        ("Лист\u00a02,5\u00a0мм", "лист 2.5 мм"),
        ("\ufeffБолт\u200b М10", "болт m10"),
    ],
)
def test_spellings_of_one_item_normalise_the_same(first: str, second: str) -> None:
    assert normalize_key_text(first) == normalize_key_text(second)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Фланец  плоский Д100", "фланец плоский d100"),
        ("Ёлка", "елка"),
        ("  Труба 57х3,5 ", "труба 57x3.5"),
        ("ø100", "d100"),
        ("Ø100", "d100"),
        ("⌀100", "d100"),
        ("д100", "d100"),
        ("D100", "d100"),
        ("20 × 30", "20x30"),
        ("1,5", "1.5"),
        ("Болт М10", "болт m10"),
    ],
)
def test_normalised_form(raw: str, expected: str) -> None:
    assert normalize_key_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "труба пнд",  # plain words keep their Cyrillic letters
        "болт pd100",  # a d glued to a letter is not a diameter
        "кабель 3, 5 м",  # a comma followed by a space is a list separator, not a decimal comma
        "модель x5",  # an x not between numbers is a letter
    ],
)
def test_text_that_must_not_change(raw: str) -> None:
    assert normalize_key_text(raw) == raw


def test_words_are_not_transliterated_only_size_tokens_are() -> None:
    assert normalize_key_text("Сетка Ст3 10х10") == "сетка ct3 10x10"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Фланец   плоский\tД100\n", "Фланец плоский Д100"),
        ("\ufeffБолт\u200b М10", "Болт М10"),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_clean_key_text_trims_and_collapses_but_keeps_case(raw: str, expected: str) -> None:
    assert clean_key_text(raw) == expected


_KEYLIKE = st.text(
    alphabet=st.sampled_from(list("dDдДøØ⌀фФxXхХ×*ёЁ,.0123456789 \t\n\u00a0абвгмнорстMmAa-/()")), max_size=40
)


@given(st.one_of(st.text(max_size=60), _KEYLIKE))
def test_normalize_is_idempotent_and_tidy(text: str) -> None:
    once = normalize_key_text(text)
    assert normalize_key_text(once) == once
    assert "  " not in once
    assert once == once.strip()


@given(st.text(max_size=60))
def test_clean_key_text_is_idempotent_and_tidy(text: str) -> None:
    once = clean_key_text(text)
    assert clean_key_text(once) == once
    assert "  " not in once
    assert once == once.strip()


# --- the faster functions give exactly the old output (issue 15) -------------------------------------------------
# A verbatim copy of normalize.py before the hot-path work: the reference the current functions must equal.
_OLD_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_OLD_DIAMETER = re.compile(r"(?<![^\W_])[dдøф⌀]\s*(?=\d)")
_OLD_TIMES = re.compile(r"(?<=\d)\s*[xх×*]\s*(?=\d)")
_OLD_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_OLD_ALNUM_TOKEN = re.compile(r"[^\W_]+")
_OLD_CYRILLIC_LOOKALIKES = str.maketrans("авекмнорстху", "abekmhopctxy")


def _old_clean_key_text(text: str) -> str:
    return " ".join(text.translate(_OLD_INVISIBLE).split())


def _old_normalize_key_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(_OLD_INVISIBLE)).lower().replace("ё", "е")
    text = " ".join(text.split())
    text = _OLD_DIAMETER.sub("d", text)
    text = _OLD_TIMES.sub("x", text)
    text = _OLD_DECIMAL_COMMA.sub(".", text)
    return _OLD_ALNUM_TOKEN.sub(_old_latinize_size_token, text)


def _old_latinize_size_token(match: re.Match[str]) -> str:
    token = match.group()
    if token.isalpha() or token.isdigit():
        return token
    return token.translate(_OLD_CYRILLIC_LOOKALIKES)


# Look-alikes of both scripts, every diameter and times sign, commas, underscores, spaces of several kinds,
# invisible characters, digits of other scripts (Arabic-Indic, Devanagari: ``\d``; Ethiopic ፩, superscripts,
# circled: digits that are not ``\d``), other numerics (Roman ↅ, 〇, ½, CJK 三), combining marks, and characters
# NFKC changes (full-width, ligatures, Ø/ǅ/ẞ case quirks, ㎜).
_TRICKY = list(
    "aAbBcCdDeEhHkKmMoOpPtTxXyY"
    "аАвВеЕкКмМнНоОрРсСтТхХуУёЁдДфФгжя"
    "øØ⌀×*,._-/ \t\n\u00a0\u2009\u3000\x1c\u2028"
    "\ufeff\u200b\u200c\u200d\u2060\u00ad"
    "0123456789١٢٣०१፩፪²³①⑩ↅ〇½⅓三"
    "\u0301\u0308\u0306"
    "ＭＤ１２ﬁﬀǅẞİ㎜℃№°"
)
_TRICKY_CASES = [
    "Фланец плоский Д100 Ст20",
    "Труба 57х3,5 ГОСТ 8732",
    "Кабель ВВГнг 3х2,5",
    "Отвод 90° d57",
    "Сталь 12Х18Н10Т",
    "М10х1,25",
    "м፩",
    "аↅ",
    "а三",
    "с½",
    "Болт_М10",
    "р١٢",
    "д١٠٠",
    "ф\u0301100",
    "х\u03082",
    "Ø 100",
    "pd100",
    "10д100",
    "1 × 2 x 3 * 4 х 5",
    "3, 5",
    "1,2,3",
    "ＭＩＮ ＭＡＸ １０",
    "ﬁ10",
    "ǅ1",
    "İ2",
    "₁м",
    "м²",
    "①м",
    "\ufeffБолт\u200b М10",
    "  \u00a0Лист\u00a02,5\u00a0мм  ",
    "д\u00ad100",
    "x\u200b5",
    "",
    " ",
]


@pytest.mark.parametrize("text", _TRICKY_CASES)
def test_normalize_gives_the_old_output_on_tricky_cases(text: str) -> None:
    assert normalize_key_text(text) == _old_normalize_key_text(text)
    assert clean_key_text(text) == _old_clean_key_text(text)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(max_size=80), st.text(alphabet=st.sampled_from(_TRICKY), max_size=40), _KEYLIKE))
def test_normalize_gives_the_old_output_on_any_text(text: str) -> None:
    assert normalize_key_text(text) == _old_normalize_key_text(text)
    assert clean_key_text(text) == _old_clean_key_text(text)
