"""The document model every reader produces and every extractor consumes.

A `Document` holds one normalised string (`text`); every offset in the system
(mentions, page boundaries) points into it, half-open, in code points.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


class ReadError(Exception):
    """A document cannot be read; the message tells the user what to do about it."""


@dataclass(frozen=True)
class Document:
    doc_id: str  # "sha256:" + hex digest of the file's bytes
    source: str
    format: str  # pdf | docx | html | txt
    text: str
    page_starts: tuple[int, ...] | None = None  # offset where each page begins; None: no pages
    warnings: tuple[str, ...] = ()
    pages_quality: tuple[dict[str, Any], ...] = ()  # PDF: each page's self-check (readers/pagecheck.py)

    @property
    def pages(self) -> int | None:
        return None if self.page_starts is None else len(self.page_starts)

    def page_of(self, offset: int) -> int | None:
        """1-based page holding `offset`, looked up from the recorded boundaries."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset) or 1


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
