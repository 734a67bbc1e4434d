"""Text normalisation for request keys.

Buyers type the same item in many ways: `Фланец Д100`, `фланец d100`, `Фланец ø 100`. Matching keys against
suppliers' catalogues must not depend on such accidents, so every key gets a normalised twin
(`RequestKey.normalized_text`) computed by `normalize_key_text`. The raw text is stored as the buyer wrote it,
only tidied by `clean_key_text`, because that is what is shown and e-mailed.

Pure Python on purpose: the importers, the services and the matching code all call it, and it must stay
cheap and testable without Django.
"""

import re
import unicodedata

__all__ = ["clean_key_text", "normalize_key_text"]

# Characters that are invisible on screen but break equality: BOM, zero-width space/joiners, word joiner,
# soft hyphen. They come from copy-paste out of web pages and from files with a BOM in the middle.
_INVISIBLE_CHARS = "\ufeff\u200b\u200c\u200d\u2060\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
# Looked for first: ``str.translate`` with a dict costs a lookup per character, and these are rare.
_ANY_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")

# The digit-dependent rules below all need a digit (``\d``, any script's); a text without one skips them.
_DIGIT = re.compile(r"\d")

# A diameter marker standing alone before a number: Latin `d`, Cyrillic `д`, `ø` (lower case of `Ø`),
# the technical diameter sign `⌀`, and Cyrillic `ф` (Russian drawings write `Ф57` for a diameter).
# "Standing alone" = not glued to a preceding letter or digit, so `pd100` or `10д100` are left alone. The marker
# comes first and the look-behind checks the character before it: the regex engine then skips to the markers.
_DIAMETER = re.compile(r"[dдøф⌀](?<![^\W_][dдøф⌀])\s*(?=\d)")

# Multiplication between two numbers: Latin x, Cyrillic х, the sign ×, an asterisk; spaces around allowed.
_TIMES = re.compile(r"(?<=\d)\s*[xх×*]\s*(?=\d)")
_TIMES_SIGN = re.compile(r"[xх×*]")  # without one, _TIMES has nothing to do

# A decimal comma between digits (`3,5`). A comma followed by a space is a list separator and stays.
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")

# Runs of letters and digits; only the ones holding both (size tokens such as `м10`, `12х18н10т`) are
# transliterated, so ordinary Russian words keep their Cyrillic letters. Only words (between the single spaces
# left by the whitespace rule) that are neither all letters nor ASCII (no Cyrillic) can hold such a token.
_ALNUM_TOKEN = re.compile(r"[^\W_]+")

# Cyrillic letters whose capitals look like Latin ones (А/A, В/B, Е/E, К/K, М/M, Н/H, О/O, Р/P, С/C, Т/T,
# Х/X, У/Y). In a size token people type either script at random: `М10` vs `M10`, `12Х18Н10Т` vs `12X18H10T`.
_CYRILLIC_LOOKALIKES = str.maketrans("авекмнорстху", "abekmhopctxy")


def clean_key_text(text: str) -> str:
    """Tidy a key's raw text for storage: trim, collapse whitespace runs, drop invisible characters.

    Case and spelling are kept: this is the text the buyer and the supplier read.
    """
    return " ".join(_visible(text).split())


def _visible(text: str) -> str:
    return text.translate(_INVISIBLE) if _ANY_INVISIBLE.search(text) else text


def normalize_key_text(text: str) -> str:
    """Return the canonical form of a key's text used for matching.

    Steps, in order: Unicode NFKC (full-width digits, non-breaking spaces, ligatures become plain), lower
    case, `ё→е`, whitespace collapsed and trimmed, diameter markers unified, `×`-like signs between numbers
    made `x`, decimal commas between digits made dots, Cyrillic look-alike letters in size tokens made Latin.

    The diameter canonical form is `d100` (Latin `d`, no space): it is plain ASCII, so it survives every
    encoding, keyboard layout and search box; it is how Latin catalogues (DIN/ISO) write outside diameters;
    and choosing the Latin side matches the rule for the other look-alikes in size tokens (`м10 → m10`),
    so a mixed token never ends up half Cyrillic, half Latin.

    The function is idempotent: normalising a normalised text changes nothing.
    """
    text = unicodedata.normalize("NFKC", _visible(text)).lower().replace("ё", "е")
    text = " ".join(text.split())
    if _DIGIT.search(text) is not None:
        text = _DIAMETER.sub("d", text)
        if _TIMES_SIGN.search(text) is not None:
            text = _TIMES.sub("x", text)
        if "," in text:
            text = _DECIMAL_COMMA.sub(".", text)
    return _latinize_size_tokens(text)


def _latinize_size_tokens(text: str) -> str:
    """The look-alike rule, word by word: a word of letters only is one token that stays, and an ASCII word
    has no Cyrillic letter to change (the per-token callback over every word was most of the function's time)."""
    if text.isascii():
        return text
    return " ".join(
        [
            word if word.isalpha() or word.isascii() else _ALNUM_TOKEN.sub(_latinize_size_token, word)
            for word in text.split(" ")
        ]
    )


def _latinize_size_token(match: re.Match[str]) -> str:
    """Transliterate look-alikes only in tokens that mix letters and digits (sizes, grades, threads)."""
    token = match.group()
    if token.isalpha() or token.isdigit():
        return token
    return token.translate(_CYRILLIC_LOOKALIKES)
