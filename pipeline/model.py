"""The document model every reader produces and every extractor consumes.

A `Document` holds one normalised string (`text`); every offset in the system
(mentions, page boundaries, blocks and table cells) points into it, half-open, in code points.

Blocks are the document's structure over that text, as its reader saw it: headings, paragraphs,
list items (number as written, level), tables (cells by row and column, with their spans, merged
cells and header rows) and form fields (a label and its value). Like docling's DoclingDocument,
but flat: a block is a span of the one repaired text, so a mention found in the text is looked up
in its block (and page) by offset, and a cell's text is `text[cell.start:cell.end]`.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class ReadError(Exception):
    """A document cannot be read; the message tells the user what to do about it."""


BLOCK_KINDS = ("heading", "paragraph", "list_item", "table", "form_field")


class Cell(NamedTuple):
    """One table cell: its span of the text (empty cells have start == end), its grid position
    (0-based row and column of its top-left), and how many rows and columns it covers. A
    NamedTuple: a budget volume has ~100,000 cells, and a frozen dataclass costs 5x to build."""

    start: int
    end: int
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False

    def shifted(self, by: int) -> Cell:
        return Cell(self.start + by, self.end + by, self.row, self.col, self.row_span, self.col_span, self.header)


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list item, table or form field over `Document.text[start:end]`.

    list_item: `number` is the label as written ("4.1", "(๒)", "•"), `level` its nesting (0 = top).
    heading: `level` 1 = the top level. table: `cells` in reading order, `header_rows` the leading
    rows that name the columns. form_field: `label` and `value` are spans inside the block.
    """

    kind: str
    start: int
    end: int
    level: int = 0
    number: str | None = None
    cells: tuple[Cell, ...] = ()
    header_rows: int = 0
    label: tuple[int, int] | None = None
    value: tuple[int, int] | None = None

    def shifted(self, by: int) -> Block:
        return Block(self.kind, self.start + by, self.end + by, self.level, self.number,
                     tuple(c.shifted(by) for c in self.cells), self.header_rows,
                     None if self.label is None else (self.label[0] + by, self.label[1] + by),
                     None if self.value is None else (self.value[0] + by, self.value[1] + by))

    def rows(self) -> list[list[Cell]]:
        """A table's cells row by row (a merged cell appears in the row where it starts)."""
        out: list[list[Cell]] = []
        for c in self.cells:
            while len(out) <= c.row:
                out.append([])
            out[c.row].append(c)
        return out


@dataclass(frozen=True)
class Document:
    doc_id: str  # "sha256:" + hex digest of the file's bytes
    source: str
    format: str  # pdf | docx | html | txt
    text: str
    page_starts: tuple[int, ...] | None = None  # offset where each page begins; None: no pages
    warnings: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()  # sorted by start; a form field may lie inside a table
    pages_quality: tuple[dict[str, Any], ...] = ()  # PDF: each page's self-check (readers/pagecheck.py)

    @property
    def pages(self) -> int | None:
        return None if self.page_starts is None else len(self.page_starts)

    def page_of(self, offset: int) -> int | None:
        """1-based page holding `offset`, looked up from the recorded boundaries."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset) or 1

    @functools.cached_property
    def _block_starts(self) -> list[int]:
        return [b.start for b in self.blocks]

    @functools.cached_property
    def _reach(self) -> list[int]:
        """_reach[i]: the furthest end of blocks[0..i] (nothing before i reaches past it)."""
        out, far = [], 0
        for b in self.blocks:
            far = max(far, b.end)
            out.append(far)
        return out

    def block_at(self, offset: int) -> Block | None:
        """The innermost block holding `offset` (a form field or a nested table before the
        table it sits in)."""
        i = bisect.bisect_right(self._block_starts, offset) - 1
        while i >= 0 and self._reach[i] > offset:
            b = self.blocks[i]
            if offset < b.end:
                return b
            i -= 1
        return None


@dataclass(frozen=True)
class Mention:
    """One finding: a span of `Document.text` and what it means."""

    field: str  # "dates", "budgets", "indicators", "entities", or a document-level field
    start: int
    end: int
    text: str  # always == doc.text[start:end]
    value: dict[str, Any] = field(default_factory=dict)
    extractor: str = ""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"empty or negative span {self.start}:{self.end}")


class SpanSet:
    """Non-overlapping [start, end) spans; `overlaps` in O(log n) (a budget volume has
    thousands of candidate spans, and a linear scan per candidate was quadratic)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # spans starting before `end`
        return i > 0 and self._ends[i - 1] > start  # the last of them is the only one that can reach in

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def filter_spans(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions (earliest first on ties); spaCy's rule."""
    ordered = sorted(mentions, key=lambda m: (-(m.end - m.start), m.start))
    taken = SpanSet()
    kept: list[Mention] = []
    for m in ordered:
        if taken.overlaps(m.start, m.end):
            continue
        taken.add(m.start, m.end)
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)
