"""The API's JSON parser: DRF's, but a body nested too deep is a 400 and never a crash.

Python's ``json`` decoder recurses once per nesting level, so ``[[[[…`` a few thousand levels deep raises
``RecursionError``, which DRF's ``JSONParser`` does not catch (it maps ``ValueError`` only): the request
became a 500 with a traceback, even unauthenticated on ``/auth/otp/verify``. No body of the contract nests
more than a handful of levels, so anything deeper than ``MAX_DEPTH`` is refused before it is decoded.
Every view with a JSON body uses this class (``tests/security/test_limits.py`` walks the URLconf for it).
"""

import codecs
import re
from itertools import accumulate
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 64

# A string literal, possessive so that a long run of quotes is scanned once; an unterminated one runs to the
# end (the decoder rejects it anyway), which keeps the scan linear instead of retrying from every quote.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting outside string literals (0 for a scalar); linear, in C loops."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def too_deep(text: str) -> bool:
    # Fewer opening brackets than the limit cannot nest past it: the usual body skips the scan.
    return text.count("[") + text.count("{") > MAX_DEPTH and nesting_depth(text) > MAX_DEPTH


class JSONParser(parsers.JSONParser):
    """JSON bodies up to ``MAX_DEPTH`` levels; deeper or malformed ones raise ``ParseError`` (→ 400)."""

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        # DRF's own check: refuses non-text codecs (bz2_codec…); new in DRF 3.18, not in its stubs yet.
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as exc:  # UnicodeDecodeError
            raise ParseError(f"JSON parse error - {exc}") from exc
        if too_deep(text):
            raise ParseError(f"JSON parse error - the body is nested deeper than {MAX_DEPTH} levels.")
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
