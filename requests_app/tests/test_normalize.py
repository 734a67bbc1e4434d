"""Key text normalisation: the same item typed differently must normalise to the same text."""

import pytest
from hypothesis import given
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
