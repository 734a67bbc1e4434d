"""Rebuild table rows from a PDF's layout text: fixed-width lines where every word keeps its column.

A PDF has no table, only words at positions. Made from a Word table, one row is one or more lines (a name
wrapped inside its cell) set apart from the next row by a larger gap, which the layout shows as a blank
line; made from space-aligned text, each line is a row. The steps:

1. the heading is the first line whose chunks (text between runs of two or more spaces) `detect_header`
   accepts with two fields or more; without one, each line is yielded as its chunks;
2. the column edges are the emptiest character positions between neighbouring heading labels, counted over
   all the lines under the heading (a centred heading over left-aligned values still finds its edge);
3. each line is cut at the edges into one cell per heading column, word by word;
4. lines are joined into rows: lines closer together than the gaps around them form a block; a line with
   a pos or qty ("anchor") starts a row; a line without one and with an empty pos cell continues a row —
   the only row of its block (its name may wrap above and below a vertically centred pos), or the anchor
   above it — unless a `skip_rules` rule recognises it (a total or a signature right under the last item
   stays a row of its own, to be skipped and reported).
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from requests_app.importers.rows import Layout, detect_header
from requests_app.importers.skip_rules import RowContext, skip_reason
from requests_app.importers.types import Row
from requests_app.importers.values import CellError, parse_pos, parse_qty

HEADER_SCAN_LINES = 40
_CHUNK = re.compile(r"\S+(?: \S+)*")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line of layout text: its number among the non-blank lines, the blank lines above it
    (None: first line of a page) and its text with the leading spaces kept."""

    number: int
    gap: int | None
    text: str


def chunks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the pieces of a line separated by two spaces or more."""
    return [(match.start(), match.end(), match.group()) for match in _CHUNK.finditer(text)]


def layout_rows(lines: Sequence[Line]) -> Iterator[Row]:
    """Yield (line number, cells) in the heading's columns; see the module docstring."""
    heading_index, layout = _find_heading(lines)
    if layout is None:
        yield from ((line.number, [piece for _, _, piece in chunks(line.text)]) for line in lines)
        return
    for line in lines[:heading_index]:  # the title block: rows.py skips and reports it
        yield line.number, [piece for _, _, piece in chunks(line.text)]
    heading = lines[heading_index]
    labels = chunks(heading.text)
    body = lines[heading_index + 1 :]
    edges = _column_edges(labels, [line.text for line in body])
    yield heading.number, [label for _, _, label in labels]
    yield from _join_rows([(line, _cut(line.text, edges)) for line in body], _blocks(body), layout)


def _find_heading(lines: Sequence[Line]) -> tuple[int, Layout | None]:
    for index, line in enumerate(lines[:HEADER_SCAN_LINES]):
        layout = detect_header([piece for _, _, piece in chunks(line.text)])
        if layout is not None and len(layout) >= 2:
            return index, layout
    return 0, None


def _column_edges(labels: list[tuple[int, int, str]], body: list[str]) -> list[int]:
    """For each pair of neighbouring labels, the position between them that the fewest body lines cover (the
    rightmost of equals: values are left-aligned under their heading far more often than the reverse)."""
    edges = []
    for (_, left_end, _), (right_start, _, _) in zip(labels, labels[1:], strict=False):
        best, best_count = right_start - 1, None
        for position in range(left_end, right_start):
            count = sum(position < len(text) and text[position] != " " for text in body)
            if best_count is None or count <= best_count:
                best, best_count = position, count
        edges.append(best)
    return edges


def _cut(text: str, edges: list[int]) -> list[str]:
    """One cell per column: each word goes to the column its first letter lies in. A line with a word across
    an edge does not follow the columns (a remark written over the table): it is one cell, the first."""
    cells: list[list[str]] = [[] for _ in range(len(edges) + 1)]
    for match in _WORD.finditer(text):
        if any(match.start() <= edge < match.end() - 1 for edge in edges):
            return [text.strip()] + [""] * len(edges)
        column = sum(match.start() > edge for edge in edges)
        cells[column].append(match.group())
    return [" ".join(words) for words in cells]


def _blocks(body: Sequence[Line]) -> list[int]:
    """The block of each line: a new one after a gap wider than the narrowest gap under the heading (the
    pitch of lines wrapped in one cell, or of a space-aligned list) and at each new page."""
    gaps = [line.gap for line in body[1:] if line.gap is not None]
    pitch = min(gaps, default=0)
    blocks, block = [], 0
    for line in body:
        block += line.gap is None or line.gap > pitch
        blocks.append(block)
    return blocks


def _join_rows(body: list[tuple[Line, list[str]]], blocks: list[int], layout: Layout) -> Iterator[Row]:
    """Yield the rows of each block in turn."""
    start = 0
    for index in range(1, len(body) + 1):
        if index == len(body) or blocks[index] != blocks[start]:
            yield from _block_rows(body[start:index], layout)
            start = index


def _block_rows(block: list[tuple[Line, list[str]]], layout: Layout) -> Iterator[Row]:
    """A block with one anchor is one row (its name may wrap above and below the pos when the cell is
    centred vertically). With several, each anchor opens a row that the next lines continue as long as
    their pos cell is empty. Lines a skip rule recognises, and lines before the first anchor, stay rows of
    their own."""
    context = RowContext(layout=layout, since_heading=2, items_seen=1, items_with_pos=1)
    kinds = [_kind(cells, layout, context) for _, cells in block]
    if kinds.count("anchor") == 1:
        merged = [cells for (_, cells), kind in zip(block, kinds, strict=True) if kind != "own"]
        anchor_number = block[kinds.index("anchor")][0].number
        for (line, cells), kind in zip(block, kinds, strict=True):
            if kind == "own":
                yield line.number, cells
            elif kind == "anchor":
                yield anchor_number, _merge(merged)
        return
    current: tuple[int, list[str]] | None = None
    for (line, cells), kind in zip(block, kinds, strict=True):
        if kind == "anchor" or (kind == "own" and current is not None):
            if current is not None:
                yield current
            current = (line.number, cells) if kind == "anchor" else None
            if kind == "own":
                yield line.number, cells
        elif current is not None:
            current = (current[0], _merge([current[1], cells]))
        else:
            yield line.number, cells
    if current is not None:
        yield current


def _kind(cells: list[str], layout: Layout, context: RowContext) -> str:
    """`anchor` (has a pos or qty), `own` (a row by itself: skipped by a rule, a remark over the columns, or a
    pos cell that is not a number) or `more` (may continue the row it belongs to)."""
    if skip_reason(cells, context) is not None:
        return "own"
    if _is_anchor(cells, layout):
        return "anchor"
    pos_index = layout.get("pos")
    if pos_index is not None and cells[pos_index]:
        return "own"
    return "more"


def _merge(lines: list[list[str]]) -> list[str]:
    return [" ".join(part for part in column if part) for column in zip(*lines, strict=True)]


def _is_anchor(cells: list[str], layout: Layout) -> bool:
    for field, parse in (("pos", parse_pos), ("qty", parse_qty)):
        index = layout.get(field)
        if index is None or not cells[index]:
            continue
        try:
            if parse(cells[index]) is not None:
                return True
        except CellError:
            continue
    return False
