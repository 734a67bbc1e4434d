"""The Russian catalogue is complete and current, and the texts people read follow their language.

* every entry of ``locale/ru/LC_MESSAGES/django.po`` has a Russian text and none is fuzzy;
* the catalogue is not stale: ``makemessages`` run afresh over a copy of the tree finds exactly the committed
  msgids (a new ``gettext`` string or template text without its translation fails here);
* the compiled ``.mo`` is committed and as new as the ``.po`` (``make run`` and CI compile nothing);
* every message the importers can write (they run without Django, in English) has its template in
  ``requests_app/import_messages.py`` and a Russian translation;
* API errors: the same ``code``/``loc``/``type`` in Russian and English, only ``detail``/``msg`` differ.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from requests_app import import_messages
from requests_app.importers import KeysFileError, parse_keys_file

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What `make messages` leaves out of the extraction (keep in step with the Makefile's MESSAGES_IGNORE).
IGNORED = (".venv", "var", "staticfiles", "bench", "tests", "*/tests", "*/migrations", "docs", "scripts")
COPIED_SUFFIXES = {".py", ".html", ".txt"}
SKIPPED_DIRS = {".git", ".venv", "var", "staticfiles", "node_modules", "locale", "__pycache__", ".mypy_cache"}


def po_entries(text: str) -> list[dict[str, object]]:
    """A small .po reader: each entry's flags and fields (``msgid``, ``msgid_plural``, ``msgstr[n]`` …), the
    quoted continuation lines joined. Obsolete entries (``#~``) and comment-only blocks are skipped; the header
    (msgid "") is kept."""
    entries = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if not any(line.startswith("msgid ") for line in lines):  # a comment, or an obsolete (#~) entry
            continue
        flags: set[str] = set()
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += line[1:-1]
            else:
                key, _, rest = line.partition(" ")
                fields[key] = rest[1:-1]
        entries.append({"flags": flags, **fields})
    return entries


def catalogue_ids(entries: list[dict[str, object]]) -> set[tuple[object, ...]]:
    return {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in entries if e["msgid"]}


def untranslated(entries: list[dict[str, object]]) -> list[object]:
    """The msgids with an empty Russian text (any plural form) or marked fuzzy."""
    bad = []
    for entry in entries:
        if not entry["msgid"]:
            continue
        texts = [value for key, value in entry.items() if key.startswith("msgstr")]
        if "fuzzy" in entry["flags"] or not texts or not all(texts):
            bad.append(entry["msgid"])
    return bad


def test_every_msgid_has_a_russian_text_and_none_is_fuzzy() -> None:
    entries = po_entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 100
    assert untranslated(entries) == []
    header = entries[0]
    assert header["msgid"] == "" and "Language: ru" in header["msgstr"]


def test_the_reader_sees_a_missing_or_fuzzy_translation() -> None:
    """The check above can fail: an empty msgstr, an empty plural form and a fuzzy entry are reported."""
    text = (
        'msgid ""\nmsgstr "Language: ru\\n"\n\n'
        'msgid "Done"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "%(count)s task"\nmsgstr "%(count)s задача"\n\n'
        'msgid "key"\nmsgid_plural "keys"\nmsgstr[0] "позиция"\nmsgstr[1] ""\n\n'
        'msgid "Draft"\nmsgstr ""\n"Черновик"\n'
    )
    assert untranslated(po_entries(text)) == ["Done", "%(count)s task", "key"]


def _copy_sources(target: Path) -> None:
    for directory, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [name for name in dirnames if name not in SKIPPED_DIRS]
        relative = Path(directory).relative_to(ROOT)
        for name in filenames:
            if Path(name).suffix in COPIED_SUFFIXES:
                (target / relative).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(directory) / name, target / relative / name)


@pytest.fixture
def fresh_catalogue(tmp_path: Path) -> Iterator[Path]:
    """``makemessages -l ru`` over a copy of the sources, merged into a copy of the committed catalogue.

    makemessages writes into LOCALE_PATHS (and ./locale) of the directory it walks, so it runs in the copy."""
    tree = tmp_path / "tree"
    _copy_sources(tree)
    shutil.copytree(ROOT / "locale", tree / "locale")
    cwd = Path.cwd()
    os.chdir(tree)
    try:
        with override_settings(LOCALE_PATHS=[tree / "locale"]):
            call_command("makemessages", locale=["ru"], ignore_patterns=list(IGNORED), add_location="file", verbosity=0)
    finally:
        os.chdir(cwd)
    yield tree / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_the_catalogue_is_current(fresh_catalogue: Path) -> None:
    """A string wrapped in gettext (or a template text) but missing from the committed .po fails here, and so
    does an entry the code no longer has: run `make messages` and translate."""
    committed = po_entries(PO.read_text(encoding="utf-8"))
    fresh = po_entries(fresh_catalogue.read_text(encoding="utf-8"))
    assert sorted(map(str, catalogue_ids(fresh) - catalogue_ids(committed))) == [], "new strings: make messages"
    assert sorted(map(str, catalogue_ids(committed) - catalogue_ids(fresh))) == [], "obsolete: make messages"
    assert untranslated(fresh) == []


def test_the_compiled_catalogue_is_committed_and_current() -> None:
    assert MO.is_file(), "run make messages: the compiled catalogue is committed"
    assert MO.stat().st_mtime >= PO.stat().st_mtime - 1, "the .mo is older than the .po: run make messages"
    with translation.override("ru"):
        assert translation.gettext("Request not found.") == "Заявка не найдена."


# --- the importers' messages ------------------------------------------------------------------------------------

FILES = Path(__file__).resolve().parent.parent / "requests_app" / "tests" / "files"


def _importer_messages() -> Iterator[str]:
    for path in sorted(p for p in FILES.rglob("*") if p.is_file() and not p.name.endswith((".json", ".py"))):
        try:
            result = parse_keys_file(str(path), path.name)
        except KeysFileError as error:
            yield str(error)
            continue
        yield from (warning.msg for warning in result.warnings)
        yield from (error.msg for error in result.errors)


def test_every_importer_message_of_the_corpus_has_a_template() -> None:
    messages = list(_importer_messages())
    assert len(messages) > 20
    assert [message for message in messages if import_messages.template_of(message) is None] == []


@pytest.mark.parametrize("template", import_messages.TEMPLATES)
def test_every_importer_template_is_translated_with_its_values(template: str) -> None:
    values = {name: f"<{name}>" for name in re.findall(r"%\((\w+)\)s", template)}
    english = template % values if values else template
    with translation.override("ru"):
        russian = import_messages.translate(english)
    assert russian != english
    assert all(value in russian for value in values.values())  # the file's own texts and numbers are kept
    with translation.override("en"):
        assert import_messages.translate(english) == english


def test_a_message_without_a_template_is_kept_as_it_is() -> None:
    with translation.override("ru"):
        assert import_messages.translate("something new") == "something new"
        assert import_messages.translate("total row: 'Итого: 5'") == "строка итога: 'Итого: 5'"
