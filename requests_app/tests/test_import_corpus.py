"""Every file of the import corpus (`files/corpus/`, made by `files/make_corpus.py`) gives exactly the keys
and warnings written next to it in `<name>.expected.json` (issue 16).

Each file goes through `parse_in_sandbox`, as an upload does, so the new fields (`note`, `warnings`,
`sheet`, `sheets`) are also checked to cross the process boundary unchanged: the in-process result must be
equal. No database is needed.
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from requests_app.importers import WARNING_TYPES, ImportResult, parse_in_sandbox, parse_keys_file

CORPUS = Path(__file__).resolve().parent / "files" / "corpus"
FILES = sorted(path for path in CORPUS.iterdir() if not path.name.endswith(".expected.json"))


def keys_of(result: ImportResult) -> list[dict[str, Any]]:
    return [
        {
            "pos": k.pos,
            "text": k.text,
            "qty": None if k.qty is None else str(k.qty.normalize()),
            "unit": k.unit,
            "note": k.note,
        }
        for k in result.keys
    ]


def normalised(expected_keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**key, "qty": None if key["qty"] is None else str(Decimal(key["qty"]).normalize())} for key in expected_keys
    ]


def test_the_corpus_is_complete() -> None:
    assert len(FILES) >= 25
    kinds = {path.suffix for path in FILES}
    assert kinds == {".xlsx", ".docx", ".pdf", ".csv", ".txt"}
    assert all(path.with_name(path.name + ".expected.json").exists() for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_file_gives_the_expected_keys_and_warnings(path: Path) -> None:
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))

    result = parse_in_sandbox(path, path.name)

    assert result.errors == []
    got, want = keys_of(result), normalised(expected["keys"])
    for index, (got_key, want_key) in enumerate(zip(got, want, strict=False)):
        assert got_key == want_key, f"key {index + 1}"
    assert len(got) == len(want)
    assert [warning.type for warning in result.warnings] == expected["warnings"], result.warnings
    assert (result.sheet, result.sheets) == (expected["sheet"], expected["sheets"])
    assert {warning.type for warning in result.warnings} <= set(WARNING_TYPES)
    assert result == parse_keys_file(path, path.name)
