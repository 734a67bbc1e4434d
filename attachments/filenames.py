"""Cleaning of user-supplied file names.

The name a browser sends is untrusted: it may carry directory parts (``../../etc/passwd``,
``C:\\evil\\x.pdf``), NUL and control characters, or bidirectional overrides that make
``invoice\u202efdp.exe`` look like ``invoiceexe.pdf``. The cleaned name is only ever shown to people
and put in ``Content-Disposition``; storage keys never derive from it.
"""

import os
import unicodedata

DEFAULT_NAME = "file"
MAX_NAME_BYTES = 255
# An "extension" longer than this is treated as part of the stem when truncating.
MAX_EXTENSION_BYTES = 16

BIDI_CONTROLS = frozenset(
    ["\u200e", "\u200f", "\u061c"]
    + [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
)


def _drop_unsafe_characters(name: str) -> str:
    """Whitespace-like controls become spaces; other controls, NUL and bidi marks disappear."""
    kept: list[str] = []
    for char in name:
        if char in BIDI_CONTROLS:
            continue
        if char in "\t\n\r\v\f\u2028\u2029\x85":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    return "".join(kept)


def _truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut ``text`` to at most ``max_bytes`` of UTF-8 without splitting a character."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def _fit(name: str, max_bytes: int, default: str) -> str:
    """Shorten the stem so the whole name fits in ``max_bytes``, keeping the extension."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, extension = os.path.splitext(name)
    if not stem or len(extension.encode("utf-8")) > MAX_EXTENSION_BYTES:
        return _truncate_utf8(name, max_bytes).rstrip(" .") or default
    stem = _truncate_utf8(stem, max_bytes - len(extension.encode("utf-8"))).rstrip(" .") or default
    return stem + extension


def clean_filename(name: str | None, *, default: str = DEFAULT_NAME, max_bytes: int = MAX_NAME_BYTES) -> str:
    """Return a display-safe file name: last path part only, no controls, ≤ ``max_bytes`` UTF-8 bytes."""
    text = unicodedata.normalize("NFC", name or "")
    text = _drop_unsafe_characters(text)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split())
    text = text.lstrip(". ").rstrip(". ")
    if not text:
        return default
    return _fit(text, max_bytes, default)


def clean_title(title: str | None, *, max_chars: int = 255) -> str | None:
    """Titles get the same character hygiene as names (but keep slashes); blank becomes ``None``."""
    if title is None:
        return None
    text = " ".join(_drop_unsafe_characters(unicodedata.normalize("NFC", title)).split())
    return text[:max_chars] or None


def ascii_fallback(name: str, *, default: str = DEFAULT_NAME) -> str:
    """An ASCII-only variant of ``name`` for the plain ``filename=`` parameter of old clients."""
    stem, extension = os.path.splitext(name)
    stem_ascii = " ".join(_to_ascii(stem).split())
    extension_ascii = _to_ascii(extension)
    if not stem_ascii.strip(" ._-"):
        stem_ascii = default
    return stem_ascii + extension_ascii


def _to_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(char if char.isprintable() and char not in '"\\;' else "_" for char in decomposed)
