"""Parse an uploaded file in a child process with a memory and a time cap, never in the web worker.

A crafted file (a ZIP bomb the archive check does not catch, a PDF whose content stream takes minutes, an
XML part that needs gigabytes) then costs one capped child: the child's address space is limited with
`RLIMIT_AS`, its CPU with `RLIMIT_CPU` (a backstop), and the parent kills it when the wall-clock timeout
passes. The web worker only waits on a pipe, so its memory stays flat and it answers 413 `file_too_complex`.

Why `forkserver`: children are forked from a small single-threaded server that imported the parsers once,
not from the web worker, which may be threaded (the dev server, gthread workers) and whose memory a fork
would copy into the child's cap. A parse then costs about 30 ms more than in process, not the 0.4 s that
importing openpyxl, python-docx and pypdf takes; the server is started (~1 s) by the first parse of each
web process. It preloads the parsers only if `requests_app` is importable from its working directory (run the
web server from the project root or with granian's `--working-dir`); otherwise every child imports them itself,
slower but still correct. As with any `forkserver`/`spawn` child, a script run by path must keep its work under
`if __name__ == "__main__":` (granian's, celery's and manage.py do), because each child re-imports it.

The child gets the file by path and the caps as arguments; it reads no settings and never touches the
database. It answers with JSON (not pickle: the parent trusts nothing a parser could have influenced), and the
parent reads at most `MAX_ANSWER_BYTES` of it.
"""

import json
import math
import multiprocessing
import os
import resource
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import PurePath
from typing import Any

from requests_app.importers.archive import DEFAULT_ARCHIVE_LIMITS, ArchiveLimits, MiB
from requests_app.importers.dispatch import Source, parse_keys_file
from requests_app.importers.errors import (
    ArchiveTooLarge,
    EmptyFile,
    FileTooComplex,
    KeysFileError,
    NoKeysFound,
    UnknownSheet,
    UnsupportedFileType,
)
from requests_app.importers.sheets import Wanted
from requests_app.importers.types import ImportResult, ImportWarning, ParsedKey, RowError

# 2,000 keys of at most 1,000 characters (and notes as long) and their row errors and warnings fit in this.
MAX_ANSWER_BYTES = 16 * MiB
_ERRORS: dict[str, type[KeysFileError]] = {
    cls.code: cls
    for cls in (KeysFileError, UnsupportedFileType, EmptyFile, NoKeysFound, FileTooComplex, ArchiveTooLarge)
}
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["requests_app.importers.dispatch"])


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """What one parse may cost; the defaults are those of the settings (`IMPORT_PARSE_*`, `IMPORT_MAX_*`)."""

    memory_bytes: int = 512 * MiB
    timeout_seconds: float = 15.0
    archive: ArchiveLimits = field(default=DEFAULT_ARCHIVE_LIMITS)

    def too_complex(self) -> FileTooComplex:
        return FileTooComplex(
            f"The file could not be read within the limits of one import "
            f"({self.timeout_seconds:g} s, {self.memory_bytes // MiB} MiB of memory)."
        )


DEFAULT_PARSE_LIMITS = ParseLimits()


def parse_in_sandbox(
    source: Source, filename: str, limits: ParseLimits = DEFAULT_PARSE_LIMITS, *, sheet: Wanted = None
) -> ImportResult:
    """`parse_keys_file` in a capped child process: the same result and errors, plus `FileTooComplex` (413)
    when the child runs out of memory or time."""
    with _as_path(source, filename) as path:
        answer = _run_child(path, filename, limits, sheet)
    return _decode(answer, limits)


@contextmanager
def _as_path(source: Source, filename: str) -> Iterator[str]:
    """The child opens the file by name: an upload streamed to disk already has one, an in-memory one is
    written to a temporary file (it is at most `IMPORT_MAX_BYTES`, already checked)."""
    if isinstance(source, str | os.PathLike):
        yield os.fspath(source)
        return
    temporary_path = getattr(source, "temporary_file_path", None)
    if temporary_path is not None:
        yield temporary_path()
        return
    with tempfile.NamedTemporaryFile(prefix="keys-", suffix=PurePath(filename).suffix[:16]) as copy:
        if source.seekable():
            source.seek(0)
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def _run_child(path: str, filename: str, limits: ParseLimits, sheet: Wanted) -> bytes:
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_child_main, args=(sender, path, filename, limits, sheet), daemon=True)
    try:
        child.start()
    except BaseException:
        receiver.close()
        raise
    finally:
        sender.close()  # the child holds its own copy; ours would keep the pipe open after the child died
    try:
        if not receiver.poll(limits.timeout_seconds):
            raise limits.too_complex()
        return receiver.recv_bytes(MAX_ANSWER_BYTES)
    except (EOFError, OSError) as error:
        # EOF: the child died without answering (killed by its memory or CPU cap). OSError: the answer was
        # longer than any honest result.
        raise limits.too_complex() from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _decode(answer: bytes, limits: ParseLimits) -> ImportResult:
    message = json.loads(answer)
    if "keys" in message:
        keys = [
            ParsedKey(pos=pos, text=text, qty=None if qty is None else Decimal(qty), unit=unit, row=row, note=note)
            for pos, text, qty, unit, row, note in message["keys"]
        ]
        return ImportResult(
            keys=keys,
            errors=[RowError(row=row, msg=msg) for row, msg in message["errors"]],
            warnings=[
                ImportWarning(row=row, sheet=sheet, msg=msg, type=kind) for row, sheet, msg, kind in message["warnings"]
            ],
            sheet=message["sheet"],
            sheets=message["sheets"],
        )
    if message.get("error") == UnknownSheet.code:
        raise UnknownSheet(message["wanted"], message["sheets"])
    if "error" in message:
        raise _ERRORS.get(message["error"], KeysFileError)(message["detail"])
    if "out_of_memory" in message:
        raise limits.too_complex()
    raise RuntimeError(f"The keys file parser failed in its child process:\n{message.get('crash', '')}")


def _child_main(answer: Connection, path: str, filename: str, limits: ParseLimits, sheet: Wanted) -> None:
    """Runs in the child: cap itself, parse, send one JSON message, exit."""
    _cap_resources(limits)
    message: dict[str, Any]
    try:
        result = parse_keys_file(path, filename, sheet=sheet, archive_limits=limits.archive)
        message = _encode(result)
    except UnknownSheet as error:
        message = {"error": error.code, "detail": str(error), "wanted": error.wanted, "sheets": error.sheets}
    except MemoryError:
        message = {"out_of_memory": True}
    except KeysFileError as error:
        # The readers turn any parser exception into "not readable"; running out of memory is not that.
        out_of_memory = _caused_by_memory(error)
        message = {"out_of_memory": True} if out_of_memory else {"error": error.code, "detail": str(error)}
    except Exception:
        message = {"crash": traceback.format_exc(limit=20)[-10_000:]}
    answer.send_bytes(json.dumps(message).encode())
    answer.close()


def _encode(result: ImportResult) -> dict[str, Any]:
    """The result as JSON-ready lists (the order of `_decode`); a Decimal travels as its exact string."""
    return {
        "keys": [[k.pos, k.text, None if k.qty is None else str(k.qty), k.unit, k.row, k.note] for k in result.keys],
        "errors": [[e.row, e.msg] for e in result.errors],
        "warnings": [[w.row, w.sheet, w.msg, w.type] for w in result.warnings],
        "sheet": result.sheet,
        "sheets": result.sheets,
    }


def _cap_resources(limits: ParseLimits) -> None:
    cpu_seconds = math.ceil(limits.timeout_seconds) + 1
    for kind, value in (
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_CORE, 0),
    ):
        _, hard = resource.getrlimit(kind)
        capped = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (capped, capped))


def _caused_by_memory(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
