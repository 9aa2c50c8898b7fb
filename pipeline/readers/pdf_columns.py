"""Tables drawn without rules: columns lined up across rows, found from the white between them.

A Word or LibreOffice table with no borders, a report laid out with tab stops: nothing is drawn,
but every row leaves white at the same places, a vertical band that no row inks. On a page's
free lines (those of no ruled grid), a run of rows is a table when:

- a row in it has three or more cells (runs of ink apart by a column gap: wider than a letter,
  or two spaces and more, as `pdf_layout._line_text` writes "  "), a list number set off by a tab
  belonging to the cell it numbers;
- the bands between that row's cells stay white (at least a third of a letter wide) in every
  row of the run, above and below, the rows follow at line spacing, none starts left of that
  row (a line set out to the left is a heading between two tables) nor has a cell right of its
  last one (the amount column of a list the table is a part of);
- two or more of its rows have text in three or more columns, and there are three such rows
  or the first row is a row of titles (short, mostly words).

A one-gap layout (two newspaper columns, a list with amounts at a right tab, a table of contents)
never qualifies, nor a lone line with a wide gap. A row's text may wrap inside its cells: a line
that has text only in columns the line above it had text in, not in every column of the row's
first line and not starting a numbered item, goes on the row above (a wider space between lines
than within the run's cells starts a new row). Each cell is then read as a ruled cell is
(`pdf_layout._cell_text`). A page without two lines of three cells costs one pass over its lines.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re

from pipeline.readers.pdf_layout import (
    CH,
    LEFT,
    MID,
    RIGHT,
    SPACE,
    Glyph,
    Line,
    PageItem,
    TableCell,
    _cell_text,
)
from pipeline.thai import COMBINING

_COMBINING = frozenset(COMBINING)
_INF = float("inf")
_left = operator.itemgetter(LEFT)
# a list number or bullet that is the whole of a first cell: the tab after it is not a column gap
_MARKER = re.compile(r"^(?:[\d๐-๙]+(?:\.[\d๐-๙]+)*[.)]?|\([\d๐-๙]+\)|[-•●○▪*–\u2022\uf0b7])$")
_ITEM_START = re.compile(r"^(?:[\d๐-๙]+(?:\.[\d๐-๙]+)*[.)]|\([\d๐-๙]+\))\s")
_DIGIT = re.compile("[0-9๐-๙]")
_FIGURE = re.compile(r"[0-9๐-๙]|^[-–—]+$")  # a figure, or a dash for none
_BAND = 0.33      # least width of a band, in letter heights, in every row it crosses
# lines of one table are at most this many letter heights, or line pitches, apart (Word puts
# space after each cell's paragraph: rows are further apart than the lines in a cell)
_ROW_GAP = 3.2
_ROW_PITCHES = 2.2


class _Row:
    """One line of the page: its glyphs (bases and marks, as on the page) and, when first asked
    for, its cells: runs of ink left to right."""

    def __init__(self, line: Line) -> None:
        self.line = line
        self.glyphs: list[Glyph] = []

    @functools.cached_property
    def cells(self) -> list[tuple[float, float]]:
        return _cells(self.glyphs, self.line.size)

    @functools.cached_property
    def ink(self) -> list[tuple[float, float]]:
        """Runs of ink apart by white that no typed space explains, a band wide or more."""
        least = _BAND * self.line.size
        runs: list[list[float]] = []
        typed = False  # a space glyph since the last ink
        for g in sorted((g for g in self.glyphs if g[CH] not in _COMBINING), key=_left):
            if g[SPACE]:
                typed = True
                continue
            if not runs or (not typed and g[LEFT] - runs[-1][1] >= least):
                runs.append([g[LEFT], g[RIGHT]])
            else:
                runs[-1][1] = max(runs[-1][1], g[RIGHT])
            typed = False
        return [(a, b) for a, b in runs]


def _aligned(row: _Row, bands: list[tuple[float, float]], least: float) -> list[tuple[float, float]]:
    """The row's cells, cut again where its ink (`_Row.ink`) starts at a column's left edge (the
    right side of a band) after white: a cell whose text fills its column stands only a cell's
    margins from the next (`ร้อยละของถนนที่` and `ร้อยละ 92`, 12.8 pt), less than a column gap.
    A line of running text, whose words fall anywhere, is not cut so."""
    tolerance = 0.25 * row.line.size
    starts = [b for _, b in bands]
    cuts = [x0 for (_, x1), (x0, _) in itertools.pairwise(row.ink)
            if x0 - x1 >= least and any(abs(x0 - b) <= tolerance for b in starts)]
    if not cuts:
        return row.cells
    out: list[tuple[float, float]] = []
    for a, b in row.cells:
        start = a
        for cut in sorted(x for x in cuts if a < x < b):  # the ink before the cut ends a cell
            out.append((start, max((x1 for x0, x1 in row.ink if start <= x0 and x1 <= cut), default=cut)))
            start = cut
        out.append((start, b))
    return out


def _column_gaps(text: str) -> int:
    """Column gaps a line's text shows (`_line_text` writes one as two spaces), not counting the
    one after a leading list number."""
    n = text.count("  ")
    if n and _ITEM_START.match(text) and "  " in text[:12]:
        head = text.split("  ", 1)[0]
        if _MARKER.match(head):
            n -= 1
    return n


def unruled_tables(glyphs: list[Glyph], lines: list[Line]) -> tuple[list[PageItem], list[Line]]:
    """The tables without rules among a page's lines (`lines` = `_lines(glyphs)`), and the
    lines that are not in one, in their order."""
    wide = [i for i, ln in enumerate(lines) if _column_gaps(ln.text) >= 2]
    if len(wide) < 2:
        return [], lines
    rows = _rows(glyphs, lines)
    taken = [False] * len(rows)
    # the page's line pitch: its tightest common distance between lines (as `join_wrapped`)
    gaps = sorted(a.y - b.y for a, b in itertools.pairwise(lines) if a.y - b.y > 0.8 * a.size)
    pitch = gaps[len(gaps) // 10] if gaps else 0.0
    tables: list[PageItem] = []
    # runs found not to be tables: the seeds of one run often find the same run again
    failed: set[tuple[int, int, tuple[tuple[float, float], ...]]] = set()
    for seed in wide:
        if taken[seed]:
            continue
        run = _run(rows, seed, taken, pitch)
        if run is None:
            continue
        first, last, bands = run
        key = (first, last, tuple(bands))
        if key in failed:
            continue
        item = _table(rows[first:last + 1], bands)
        if item is None:
            failed.add(key)
            continue
        tables.append(item)
        for k in range(first, last + 1):
            taken[k] = True
    if not tables:
        return [], lines
    return tables, [ln for ln, t in zip(lines, taken, strict=True) if not t]


def _rows(glyphs: list[Glyph], lines: list[Line]) -> list[_Row]:
    """Each line with its glyphs: a glyph goes on the line whose middle is nearest its own."""
    rows = [_Row(ln) for ln in lines]
    # line k takes the middles between its midpoints to the lines above and below; negated,
    # ascending for bisect. The glyphs come line after line, so the last line found is tried first.
    cuts = [-(a.y + b.y) / 2 for a, b in itertools.pairwise(lines)]
    bounds = [_INF, *(-c for c in cuts), -_INF]
    k, hi, lo = 0, _INF, bounds[1]
    bisect_left = bisect.bisect_left
    for g in glyphs:
        m = g[MID]
        if not lo < m <= hi:
            k = bisect_left(cuts, -m)
            hi, lo = bounds[k], bounds[k + 1]
        rows[k].glyphs.append(g)
    return rows


def _cells(glyphs: list[Glyph], size: float) -> list[tuple[float, float]]:
    """A line's runs of ink apart by a column gap: wider than `0.8 x` the letter height, or the
    white of two spaces after a space glyph (as `_line_text` decides where to write two spaces)."""
    bases = sorted((g for g in glyphs if g[CH] not in _COMBINING), key=_left)
    cells: list[list[float]] = []
    head = ""  # the first cell's text while it may be a list number
    ink_right = space_width = 0.0
    for g in bases:
        if g[SPACE]:
            space_width = g[RIGHT] - g[LEFT]
            continue
        white = g[LEFT] - ink_right
        if not cells or white > 0.8 * size or (space_width > 0.0 and white > 1.6 * space_width):
            cells.append([g[LEFT], g[RIGHT]])
        else:
            cells[-1][1] = max(cells[-1][1], g[RIGHT])
        if len(cells) == 1 and len(head) < 12:
            head += g[CH]
        ink_right, space_width = g[RIGHT], 0.0
    if len(cells) > 1 and _MARKER.match(head):  # "1.<tab>name": the number goes with its cell
        cells[1][0] = cells[0][0]
        del cells[0]
    return [(a, b) for a, b in cells]


def _narrowed(bands: list[tuple[float, float]], cells: list[tuple[float, float]],
              least: float) -> list[tuple[float, float]] | None:
    """The bands less a row's ink (each keeps its widest white part), or None when the row's ink
    crosses one: then the row is not in the table."""
    out = []
    for a, b in bands:
        for x0, x1 in cells:
            if x0 < b and x1 > a:  # ink inside the band: keep the wider side
                if x0 - a >= b - x1:
                    b = x0
                else:
                    a = x1
                if b - a < least:
                    return None
        out.append((a, b))
    return out


def _run(rows: list[_Row], seed: int, taken: list[bool],
         pitch: float) -> tuple[int, int, list[tuple[float, float]]] | None:
    """(first row, last row, white bands between its columns) of the table through row `seed`;
    `pitch` is the page's line spacing."""
    row = rows[seed]
    if len(row.cells) < 3:
        return None
    size = row.line.size
    least = _BAND * size
    reach = max(_ROW_GAP * size, _ROW_PITCHES * pitch)
    outdent, beyond = row.cells[0][0] - 0.5 * size, row.cells[-1][1]
    bands: list[tuple[float, float]] | None = [(a[1], b[0]) for a, b in zip(row.cells, row.cells[1:], strict=False)]
    first = last = seed
    for step in (1, -1):
        k = seed + step
        while 0 <= k < len(rows) and not taken[k]:
            near, far = (rows[k - 1], rows[k]) if step == 1 else (rows[k], rows[k + 1])
            cells = rows[k].cells
            if not cells or near.line.y - far.line.y > reach or cells[0][0] < outdent or cells[-1][0] > beyond:
                break  # (a line set out left of the first column: a heading between two tables;
                # text right of the last: the amount column of a list the table is a part of)
            if step == -1 and len(rows[k].cells) < 2:
                break  # above the seed only lines with two cells or more (the titles)
            narrowed = (_narrowed(bands, rows[k].cells, least)
                        or _narrowed(bands, _aligned(rows[k], bands, least), least))
            if narrowed is None:
                break
            bands = narrowed
            if step == 1:
                last = k
            else:
                first = k
            k += step
    return first, last, bands


def _columns(row: _Row, xs: list[float]) -> frozenset[int]:
    inner = xs[1:-1]
    return frozenset(bisect.bisect_right(inner, (a + b) / 2) for a, b in row.cells)


def _table(rows: list[_Row], bands: list[tuple[float, float]]) -> PageItem | None:
    """The run as a table item, its lines grouped into table rows; None when the run is not a
    table after all (too few rows with three columns of text, and no row of titles on top).
    Column edges are the bands' middles; a cell's text wraps at its band's left side (the
    longest line of the column: where the cell's right margin is is not drawn)."""
    left = min(c[0] for r in rows for c in r.cells)
    right = max(c[1] for r in rows for c in r.cells)
    xs = [left, *((a + b) / 2 for a, b in bands), right]
    wrap_at = [a for a, _ in bands] + [right]
    cols = [_columns(r, xs) for r in rows]
    full = [k for k, c in enumerate(cols) if len(c) >= 3]
    if len(full) < 2 or (len(full) < 3 and not _titles(rows[full[0]])):
        return None
    pitches = [a.line.y - b.line.y for a, b in itertools.pairwise(rows)]
    pitch = min(pitches) if pitches else 0.0
    groups: list[list[int]] = []
    for k, c in enumerate(cols):
        goes_on = (groups and c <= cols[k - 1] and c != cols[groups[-1][0]]
                   and not _ITEM_START.match(rows[k].line.text)
                   and rows[k - 1].line.y - rows[k].line.y <= 1.35 * pitch)
        if goes_on:
            groups[-1].append(k)
        else:
            groups.append([k])
    n_cols = len(xs) - 1
    inner = xs[1:-1]
    cells: list[list[list[Glyph]]] = []
    for group in groups:
        by_col: list[list[Glyph]] = [[] for _ in range(n_cols)]
        for k in group:
            for g in rows[k].glyphs:
                by_col[bisect.bisect_right(inner, (g[LEFT] + g[RIGHT]) / 2)].append(g)
        cells.append(by_col)
    unit = _unit_column(cells)
    if unit is not None:  # the amount and its unit are one cell: read again without that band
        return _table(rows, bands[:unit - 1] + bands[unit:])
    table = [[TableCell(_cell_text(gs, wrap_at[c]) if gs else "", c) for c, gs in enumerate(by_col)]
             for by_col in cells]
    top = rows[0].line
    return PageItem.table(table, xs, top.y + top.size / 2, ruled=False)


def _unit_column(cells: list[list[list[Glyph]]]) -> int | None:
    """A column that only repeats a unit after the figures to its left (`99,700,000 | บาท`, the
    Budget Bureau's layout): the same short word beside a figure (or a dash) in two rows or more,
    and in every row it has text in but one (its title). None when there is none. (Read from
    the cells' letters in page order: enough to compare them, and cheaper than their text.)"""
    table = [["".join(g[CH] for g in gs if not g[SPACE]) for gs in row] for row in cells]
    for c in range(1, len(table[0])):
        texts = [(row[c], row[c - 1]) for row in table if row[c]]
        units = {t for t, left in texts if _FIGURE.search(left)}
        beside = sum(1 for _, left in texts if _FIGURE.search(left))
        if beside >= 2 and beside >= len(texts) - 1 and len(units) == 1:
            unit = units.pop()
            if len(unit) <= 10 and not _DIGIT.search(unit):
                return c
    return None


def _titles(row: _Row) -> bool:
    """A row of column titles: short cells, mostly words (a row of figures is data)."""
    text = row.line.text
    cells = [c for c in text.split("  ") if c.strip()]
    return all(len(c) <= 40 for c in cells) and 2 * sum(bool(_DIGIT.search(c)) for c in cells) < len(cells)
