"""The importers' messages in the buyer's language, translated in the web process.

The importers run in a capped child process that reads no settings (``importers/sandbox.py``), so they cannot
call ``gettext``: they stay plain Python and write English. Every message they can produce is listed here once,
as the same English sentence with ``%(name)s`` where a value goes; ``translate`` recognises a message by its
template, pulls the values out and answers the translated template with the same values. Warning ``type``\\ s
and error codes are not touched: only ``msg`` changes with the language.

A message no template matches is answered as it is (English), never dropped; ``tests/test_translations.py``
runs the importer corpus and fails when a message has no template here.
"""

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache

from django.utils.translation import gettext, gettext_noop

from requests_app.importers import ImportWarning, RowError

TEMPLATES = (
    # The file as a whole (importers/errors.py and the readers).
    gettext_noop("The file is empty."),
    gettext_noop("The file has no rows with data."),
    gettext_noop("The file has no keys: only a heading, or nothing under it."),
    gettext_noop("The file is binary, not text."),
    gettext_noop("The text encoding of the file could not be recognised."),
    gettext_noop("The file is not a PDF: its content does not match its name."),
    gettext_noop("The file is not a %(extension)s document: its content does not match its name."),
    gettext_noop("Files of type '%(extension)s' are not supported; use %(allowed)s."),
    gettext_noop("The file is not a readable %(extension)s document."),
    gettext_noop("The file is not a readable .docx document."),
    gettext_noop("The file is not a readable .xlsx workbook."),
    gettext_noop("The file is not a readable PDF."),
    gettext_noop("The PDF is password-protected."),
    gettext_noop("The PDF has no text layer (a scanned document?); upload .xlsx, .csv or .txt."),
    gettext_noop("The CSV file cannot be read: %(error)s."),
    gettext_noop("The workbook has no sheet '%(wanted)s'; give a name or a number of one of: %(sheets)s."),
    gettext_noop("The %(extension)s file holds %(count)s parts; at most %(limit)s are allowed."),
    gettext_noop("The %(extension)s file unpacks to more than %(size)s; at most %(limit)s in all are allowed."),
    gettext_noop(
        "The part '%(part)s' of the %(extension)s file unpacks to %(size)s; at most %(limit)s per part are allowed."
    ),
    gettext_noop(
        "The part '%(part)s' of the %(extension)s file is compressed %(ratio)s:1; at most %(limit)s:1 is allowed."
    ),
    gettext_noop(
        "The file could not be read within the limits of one import (%(seconds)s s, %(memory)s MiB of memory)."
    ),
    # One row (importers/values.py, rows.py).
    gettext_noop("text is empty"),
    gettext_noop("text is longer than %(limit)s characters (%(length)s)"),
    gettext_noop("unit is longer than %(limit)s characters: %(value)s"),
    gettext_noop("pos must be a whole number from 1 to %(limit)s, got %(value)s"),
    gettext_noop("qty must be a number greater than 0, got %(value)s"),
    gettext_noop("qty is too large: %(value)s"),
    gettext_noop("qty has more than %(places)s decimal places: %(value)s"),
    gettext_noop("pos %(pos)s is already used in row %(row)s"),
    gettext_noop("too many keys: at most %(limit)s are allowed"),
    # Warnings (importers/rows.py, skip_rules.py, sheets.py, pdf_file.py).
    gettext_noop("heading repeated"),
    gettext_noop("row %(first)s above the heading taken for the title and skipped"),
    gettext_noop("rows %(first)s–%(last)s above the heading taken for the title and skipped"),
    gettext_noop("column %(label)s taken for the item names"),
    gettext_noop("no heading found: columns read as pos | text | unit | qty"),
    gettext_noop("note cut to %(limit)s characters"),
    gettext_noop("column-numbering row under the heading"),
    gettext_noop("total row: %(text)s"),
    gettext_noop("signature or contact row: %(text)s"),
    gettext_noop("stamp mark: %(text)s"),
    gettext_noop("note under the table: %(text)s"),
    gettext_noop("text in the pos column only: %(text)s"),
    gettext_noop("the file has no sheets: 'sheet' was ignored"),
    gettext_noop("sheet '%(sheet)s' read as the one holding the items; not read: %(others)s"),
    gettext_noop("only the first %(limit)s of %(count)s pages were read"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, …, text
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts))
    return re.compile(regex, re.DOTALL)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((template, _pattern(template)) for template in TEMPLATES)


def template_of(message: str) -> str | None:
    """The template ``message`` was written from, or None when it is not one of the importers' messages."""
    for template, pattern in _patterns():
        if pattern.fullmatch(message):
            return template
    return None


def translate(message: str) -> str:
    """``message`` in the active language; the values it carries (cell texts, numbers, names) stay as they are."""
    for template, pattern in _patterns():
        match = pattern.fullmatch(message)
        if match is not None:
            translated = gettext(template)
            return translated % match.groupdict() if match.groupdict() else translated
    return message


def translate_warnings(warnings: Iterable[ImportWarning]) -> list[ImportWarning]:
    return [replace(warning, msg=translate(warning.msg)) for warning in warnings]


def translate_errors(errors: Iterable[RowError]) -> list[RowError]:
    return [replace(error, msg=translate(error.msg)) for error in errors]
