"""What every reader shares: the document id, boilerplate removal, text decoding, `finish`
(normalise the text and carry the reader's blocks onto it), and `TextBuilder` (text written
piece by piece with the span of every block and cell recorded as it is written)."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.model import Block, Cell, Document, ReadError
from pipeline.thai import REPAIRS, identity_offsets, normalize, normalize_text, sub_with_map

_DATA = Path(__file__).parent.parent / "data"
# Site chrome that web pages and their text dumps carry (font-size widgets, language switch...).
_BOILERPLATE = tuple(
    line.strip() for line in (_DATA / "boilerplate_lines.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
_BOILERPLATE_RE = re.compile(
    r"^\s*(?:" + "|".join(re.escape(b) for b in _BOILERPLATE) + r")\s*$", re.M
)

def doc_id_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()

def drop_boilerplate(text: str) -> str:
    """Whole lines that are site chrome ("Loading...", "ขนาดอักษร", "TH EN") are removed."""
    return _BOILERPLATE_RE.sub("", text)

class TextBuilder:
    """The raw text of a document written line by line, with block and cell spans recorded as
    the pieces are written (spans into this raw text; `finish` carries them onto the normalised
    text)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.lines = 0
        self.blocks: list[Block] = []

    def write(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def line(self, s: str, kind: str | None = None, **attrs) -> tuple[int, int]:
        """A new line (the lines are joined with \n); with `kind`, it is one block."""
        if self.lines:
            self.write("\n")
        self.lines += 1
        start, end = self.write(s)
        if kind is not None and s.strip():
            self.blocks.append(Block(kind, start, end, **attrs))
        return start, end

    def table_row(self, cells: Sequence[str]) -> list[tuple[int, int]]:
        """One table row as the flat text has always shown it, `a | b |`; the cells' spans."""
        if self.lines:
            self.write("\n")
        self.lines += 1
        spans = []
        pos = self.pos
        for c in cells:
            spans.append((pos, pos + len(c)))
            pos += len(c) + 3
        self.write(" | ".join(cells) + " |")
        return spans

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _offset_map(raw: str) -> tuple[str, Callable[[int], int]]:
    """The normalised text and a function from a raw offset to the normalised one.

    The repairs are line-local (a mark, a split SARA AM, spaces at a line's ends, a boilerplate
    line emptied) except that runs of blank lines fold and the ends are stripped. So when the
    text keeps its line count, only the lines that changed need an offset map (a PDF page has a
    few split SARA AM); otherwise the whole text is mapped."""
    text = normalize_text(drop_boilerplate(raw))
    if text == raw:  # nothing to repair
        return text, lambda i: i
    raw_lines, lines = raw.split("\n"), text.split("\n")
    if len(raw_lines) == len(lines):
        raw_starts, starts = [], []
        pos = npos = 0
        for a, b in zip(raw_lines, lines, strict=True):
            raw_starts.append(pos)
            starts.append(npos)
            pos += len(a) + 1
            npos += len(b) + 1
        changed = [k for k, (a, b) in enumerate(zip(raw_lines, lines, strict=True)) if a != b]
        # the changed lines repaired together, with one offset map (one pass, not one a line)
        fixed, offs = normalize("\n".join(raw_lines[k] for k in changed))
        if fixed.split("\n") == [lines[k] for k in changed]:
            at: dict[int, tuple[int, int]] = {}  # line -> its start in the joined raw / repaired text
            pos = npos = 0
            for k in changed:
                at[k] = (pos, npos)
                pos += len(raw_lines[k]) + 1
                npos += len(lines[k]) + 1

            def moved(i: int) -> int:
                k = bisect.bisect_right(raw_starts, i) - 1
                rel = i - raw_starts[k]
                if k in at:
                    r0, n0 = at[k]
                    return starts[k] + bisect.bisect_left(offs, r0 + rel) - n0
                return starts[k] + min(rel, len(lines[k]))
            return text, moved
    offs = identity_offsets(raw)
    text, offs = sub_with_map(_BOILERPLATE_RE, lambda m: "", raw, offs)
    text, offs = sub_with_map(_CR, lambda m: "\n", text, offs)
    for repair in REPAIRS:
        text, offs = repair(text, offs)
    assert offs is not None
    return text, lambda i: bisect.bisect_left(offs, i)


def _normalise_with_blocks(raw: str, blocks: Sequence[Block], shift: int = 0) -> tuple[str, list[Block]]:
    """Boilerplate dropped and every Thai repair applied, then each block and cell span moved
    onto the repaired text (plus `shift`, where the page starts) and trimmed of the whitespace
    at its ends."""
    text, moved = _offset_map(raw)
    n = len(text)

    isspace = str.isspace

    def span(s: int, e: int) -> tuple[int, int]:
        ns, ne = moved(s), moved(e)
        while ns < ne and isspace(text[ns]):
            ns += 1
        while ne > ns and isspace(text[ne - 1]):
            ne -= 1
        return (ns + shift, ne + shift) if ns < n else (n + shift, n + shift)

    out: list[Block] = []
    for b in blocks:
        start, end = span(b.start, b.end)
        if start >= end:
            continue
        cells = []
        for c in b.cells:
            cs, ce = span(c.start, c.end)
            # most cells keep their span (a PDF page with nothing to repair): no new object
            cells.append(c if (cs, ce) == (c.start, c.end) else
                         Cell(cs, ce, c.row, c.col, c.row_span, c.col_span, c.header))
        out.append(Block(b.kind, start, end, b.level, b.number, tuple(cells), b.header_rows,
                         None if b.label is None else span(*b.label),
                         None if b.value is None else span(*b.value)))
    return text, out


_CR = re.compile("\r\n?")
# `label : value` on one line: a short label (a few words, no digits but a leading item number)
_FIELD_LINE = re.compile(r"^[^\S\n]*(?:[-•*][^\S\n]*)?(?:[0-9๐-๙]{1,2}[.)][^\S\n]*)?"
                         r"(?P<label>[^\s:：|0-9๐-๙][^:：|\n0-9๐-๙]{0,38}?)[^\S\n]*[:：][^\S\n]*"
                         r"(?P<value>[^\s:：].*?)[^\S\n]*$", re.M)
_ITEM_NUMBER = re.compile(r"^[0-9๐-๙]{1,2}[.)]?$")


def _label_ok(label: str) -> bool:
    return 0 < len(label) <= 40 and len(label.split()) <= 5


def _widest_row(table: Block) -> int:
    return max((c.col + c.col_span for c in table.cells), default=0)


def form_fields(text: str, blocks: Sequence[Block]) -> list[Block]:
    """Form fields found in the blocks: `ตัวชี้วัด : …` lines (alone or inside a cell) and rows
    of narrow tables that pair a label with a value (`1. หน่วยงาน | กพร.สป. |`)."""
    fields: list[Block] = []

    def lines_of(start: int, end: int) -> None:
        for m in _FIELD_LINE.finditer(text, start, end):
            if _label_ok(m.group("label")):
                fields.append(Block("form_field", m.start("label"), m.end("value"),
                                    label=m.span("label"), value=m.span("value")))

    for b in blocks:
        if b.kind in ("paragraph", "list_item"):
            lines_of(b.start, b.end)
        elif b.kind == "table":
            if b.end - b.start > 2000 and len(b.cells) > 60 and text.find(":", b.start, b.end) < 0 \
                    and text.find("：", b.start, b.end) < 0 and _widest_row(b) > 3:
                continue  # a wide data table with no `label :` in it holds no field
            rows = b.rows()
            width = max((sum(1 for c in r if c.end > c.start) for r in rows), default=0)
            for row in rows:
                full = [c for c in row if c.end > c.start]
                if full and _ITEM_NUMBER.match(text[full[0].start:full[0].end]):
                    full = full[1:]
                if width <= 3 and len(full) == 2 and _label_ok(text[full[0].start:full[0].end]) \
                        and ":" not in text[full[0].start:full[0].end]:
                    label, value = full
                    fields.append(Block("form_field", label.start, value.end,
                                        label=(label.start, label.end), value=(value.start, value.end)))
                else:
                    for c in full:
                        if text.find(":", c.start, c.end) >= 0 or text.find("：", c.start, c.end) >= 0:
                            lines_of(c.start, c.end)
    return fields


_DIGIT = re.compile("[0-9๐-๙]")
_AMOUNT = re.compile(r"^[\s\d๐-๙.,%()+\-/]+$")


def _header_rows(text: str, table: Block) -> Block:
    """A table whose reader did not say (no `tblHeader`, no `<th>`, no header repeated on the
    next page): its first row names the columns when the table has three or more columns and
    rows below, and that row's cells are short titles, mostly without figures (no amounts, no
    item numbers: a form's `1. หน่วยงาน | … |` is data)."""
    if table.header_rows or _widest_row(table) < 3:
        return table
    rows = table.rows()
    if len(rows) < 2:
        return table
    titles = [text[c.start:c.end] for c in rows[0] if c.end > c.start]
    if len(titles) < 2 or any(len(t) > 60 or _AMOUNT.match(t) or _ITEM_NUMBER.match(t.split()[0])
                              for t in titles) or 2 * sum(bool(_DIGIT.search(t)) for t in titles) >= len(titles):
        return table  # (a row of figures is data: titles are mostly words)
    cells = tuple(c._replace(header=True) if c.row == 0 else c for c in table.cells)
    return Block(table.kind, table.start, table.end, table.level, table.number, cells, 1, table.label, table.value)


def _with_fields(text: str, blocks: list[Block]) -> tuple[Block, ...]:
    """Paragraphs that are one field become that field; fields inside tables are added; tables
    get their header row when the reader could not tell it."""
    blocks = [_header_rows(text, b) if b.kind == "table" else b for b in blocks]
    fields = form_fields(text, blocks)
    whole = {(f.start, f.end) for f in fields}
    out = [b for b in blocks if not (b.kind == "paragraph" and (b.start, b.end) in whole)]
    out.extend(fields)
    out.sort(key=lambda b: (b.start, -b.end))
    return tuple(out)


def finish(path: str, data: bytes, fmt: str, raw_text: str, warnings: list[str],
           page_texts: list[str] | None = None, blocks: Sequence[Block] | None = None,
           page_blocks: Sequence[Sequence[Block]] | None = None) -> Document:
    """The Document: text normalised (per page for a PDF, pages joined by a blank line), the
    reader's blocks (spans into its raw text, or into each page's) moved onto that text."""
    out_blocks: list[Block] = []
    if page_texts is None:
        if blocks:
            text, out_blocks = _normalise_with_blocks(raw_text, blocks)
        else:
            text = normalize_text(drop_boilerplate(raw_text))
        starts = None
    else:
        parts, starts_list, pos = [], [], 0
        for i, page in enumerate(page_texts):
            if page_blocks and page_blocks[i]:
                norm, found = _normalise_with_blocks(page, page_blocks[i], pos)
                out_blocks.extend(found)
            else:
                norm = normalize_text(drop_boilerplate(page))
            starts_list.append(pos)
            parts.append(norm)
            pos += len(norm) + 2
        text = "\n\n".join(parts)
        starts = tuple(starts_list)
    if not text.strip() and fmt != "pdf":
        raise ReadError(f"{fmt.upper()} file has no text")
    return Document(doc_id=doc_id_of(data), source=path, format=fmt, text=text,
                    page_starts=starts, warnings=tuple(warnings),
                    blocks=_with_fields(text, out_blocks) if out_blocks else ())


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding). UTF-8 (BOM or not), UTF-16 with BOM, TIS-620/Windows-874."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise ReadError("binary data, not text (NUL bytes and no UTF-16 byte-order mark)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")  # a superset of TIS-620: legacy Thai Windows files
    except UnicodeDecodeError as e:
        raise ReadError("not UTF-8, UTF-16 or Thai TIS-620/Windows-874 text; "
                        "re-save the file as UTF-8") from e
    return text, "cp874"
