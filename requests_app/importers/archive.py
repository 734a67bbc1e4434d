"""Refuse ZIP bombs before a parser opens an .xlsx or a .docx (both are ZIP archives of XML files).

A 200 KB workbook can hold a `sharedStrings.xml` that unpacks to gigabytes; openpyxl and python-docx would
inflate it all. Only the archive's central directory is read here (a list of names and sizes, no member is
decompressed), and the file is refused with `ArchiveTooLarge` (413) when it declares too many members, a
member or a total that unpacks too big, or a member compressed suspiciously well.

The declared sizes are what counts because `zipfile`, which both parsers use, trusts them when it reads: it
stops inflating a member at its declared size and then fails the CRC check. So a ZIP that lies about its
sizes gets no further than its lie (it answers 415 as unreadable); the memory cap of the parse process
(`sandbox.py`) is the backstop for anything else.
"""

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from requests_app.importers.errors import ArchiveTooLarge, UnsupportedFileType

MiB = 1024 * 1024
# Below this a member cannot hurt whatever its ratio; small XML parts such as an empty sheet or the styles
# often compress 100:1 or better, so the ratio is judged only on members larger than this.
RATIO_GRACE_BYTES = 1 * MiB


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Caps on what an archive may declare; the defaults are those of the settings (`IMPORT_MAX_*`)."""

    max_members: int = 1000
    max_member_bytes: int = 50 * MiB
    max_total_bytes: int = 100 * MiB
    max_ratio: float = 100.0


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()


def check_archive(stream: BinaryIO, extension: str, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> None:
    """Raise `ArchiveTooLarge` naming the first cap the archive exceeds; rewind the stream either way.

    A file that is not a readable ZIP is `UnsupportedFileType`, as the parser would have said.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise UnsupportedFileType(f"The file is not a readable {extension} document.") from error
    finally:
        stream.seek(0)
    if len(members) > limits.max_members:
        raise ArchiveTooLarge(
            f"The {extension} file holds {len(members)} parts; at most {limits.max_members} are allowed."
        )
    total = 0
    for member in members:
        _check_member(member, extension, limits)
        total += member.file_size
        if total > limits.max_total_bytes:
            raise ArchiveTooLarge(
                f"The {extension} file unpacks to more than {_mib(limits.max_total_bytes)}; "
                f"at most {_mib(limits.max_total_bytes)} in all are allowed."
            )


def _check_member(member: zipfile.ZipInfo, extension: str, limits: ArchiveLimits) -> None:
    if member.file_size > limits.max_member_bytes:
        raise ArchiveTooLarge(
            f"The part '{member.filename}' of the {extension} file unpacks to {_mib(member.file_size)}; "
            f"at most {_mib(limits.max_member_bytes)} per part are allowed."
        )
    if member.file_size <= RATIO_GRACE_BYTES:
        return
    # A zero compressed size with a non-zero size is a forged entry: the ratio is infinite.
    ratio = member.file_size / member.compress_size if member.compress_size else float("inf")
    if ratio > limits.max_ratio:
        raise ArchiveTooLarge(
            f"The part '{member.filename}' of the {extension} file is compressed {ratio:.0f}:1; "
            f"at most {limits.max_ratio:.0f}:1 is allowed."
        )


def _mib(size: int) -> str:
    return f"{size / MiB:.1f} MiB"
