"""The one canonical form of an e-mail address: what codes are sent to, limits are counted on and users are found by.

A login code may only ever log in the mailbox it was sent to. That holds when the address the code is mailed to,
the key of the limits and the user lookup are one and the same string, compared exactly — never a database
case-insensitive match, whose Unicode rules (PostgreSQL ``UPPER('ı') = 'I'``) differ from Python's. See
docs/decisions/0008-canonical-email.md.

The steps, in order:

1. NFKC, then trim: compatibility forms become their plain letters (fullwidth ``ｘ`` → ``x``, long ``ſ`` → ``s``,
   Kelvin ``K`` → ``K``, fullwidth ``＠`` → ``@``).
2. Split on the last ``@``.
3. Local part: lower case; it must then be ASCII. Non-ASCII local parts are refused: most relays do not speak
   SMTPUTF8 and they are an easy homograph vector.
4. Domain: a trailing dot is refused (unusual input, and ``a.test.`` would otherwise be a second spelling of
   ``a.test``); the rest goes through IDNA 2008 with the UTS #46 mapping (the ``idna`` package, not Python's
   IDNA 2003 codec, which maps ``ß`` to ``ss`` and so names a different domain than browsers and registries do)
   to an ASCII hostname in lower case. A label mixing scripts (Latin with Cyrillic, say) is refused as a homograph.
5. The result must pass Django's e-mail validator and fit 254 characters.

The function is idempotent: the canonical form of a canonical form is itself (it is all lower-case ASCII).
"""

import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 254
_MAX_INPUT = 1024  # bounds the work NFKC and IDNA do on hostile input; far above any real address

# Scripts that may share one domain label (after UTS #39 "highly restrictive"): Japanese, Chinese and Korean
# names are written with Latin mixed in. Any other combination is treated as a homograph.
_COMPATIBLE_SCRIPTS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_SCRIPT_ALIASES = {"CJK": "HAN", "IDEOGRAPHIC": "HAN"}

INVALID = _("Enter a valid e-mail address.")
NON_ASCII_LOCAL = _("The part before @ must use Latin letters, digits and punctuation only.")
TRAILING_DOT = _("The domain must not end with a dot.")
BAD_DOMAIN = _("The domain is not a valid host name.")
MIXED_SCRIPTS = _("A part of the domain mixes alphabets (for example Latin and Cyrillic letters).")


class InvalidEmail(ValueError):
    """An address with no usable canonical form; ``message`` says why, for the 422 answer."""

    def __init__(self, message: str | Promise = INVALID) -> None:
        super().__init__(message)
        self.message = message


def canonical_email(value: str) -> str:
    """The canonical form of ``value`` (see the module docstring), or ``InvalidEmail``."""
    if not isinstance(value, str) or len(value) > _MAX_INPUT:
        raise InvalidEmail()
    text = unicodedata.normalize("NFKC", value).strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise InvalidEmail()
    address = f"{_canonical_local(local)}@{_canonical_domain(domain)}"
    if len(address) > MAX_LENGTH:
        raise InvalidEmail()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidEmail() from None
    return address


def is_canonical(value: str) -> bool:
    """``True`` when ``value`` is already its own canonical form."""
    try:
        return canonical_email(value) == value
    except InvalidEmail:
        return False


def _canonical_local(local: str) -> str:
    local = local.lower()
    if not local.isascii():
        raise InvalidEmail(NON_ASCII_LOCAL)
    return local


def _canonical_domain(domain: str) -> str:
    """ASCII (punycode) host name in lower case; every label written in one script."""
    if domain.endswith("."):
        raise InvalidEmail(TRAILING_DOT)
    try:
        # UTS #46 also maps the ideographic and fullwidth full stops to "." and upper case to lower case.
        hostname = idna.encode(domain, uts46=True, std3_rules=True, transitional=False).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        raise InvalidEmail(BAD_DOMAIN) from None
    if hostname.endswith("."):
        raise InvalidEmail(TRAILING_DOT)
    labels = hostname.split(".")
    if len(labels) < 2:
        raise InvalidEmail(BAD_DOMAIN)
    for label in labels:
        _check_one_script(label)
    return hostname


def _check_one_script(label: str) -> None:
    """Refuse a label whose letters come from scripts that are not used together (``gmаil`` with Cyrillic а).

    Checked on the Unicode form, so the punycode spelling of a homograph is refused as well.
    """
    try:
        text = idna.decode(label) if label.startswith("xn--") else label
    except (idna.IDNAError, UnicodeError):
        raise InvalidEmail(BAD_DOMAIN) from None
    scripts = {script for script in map(_script, text) if script}
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in _COMPATIBLE_SCRIPTS):
        raise InvalidEmail(MIXED_SCRIPTS)


def _script(char: str) -> str | None:
    """The script of a letter from its Unicode name (``LATIN SMALL LETTER DOTLESS I`` → ``LATIN``).

    Digits, the hyphen and combining marks belong to no script. Python's ``unicodedata`` has no script
    property; the first word of the character's name is the script for every letter IDNA 2008 allows in
    practice, and an unexpected word only makes the check stricter.
    """
    if unicodedata.category(char)[0] in "MNP" or char == "-":
        return None
    word = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    if word == "KATAKANA-HIRAGANA":  # the prolonged sound mark "ー", used with both kana
        return None
    return _SCRIPT_ALIASES.get(word, word)
