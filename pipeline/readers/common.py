"""What every reader shares: the document id, boilerplate removal, text decoding, `finish`
(normalise the text and carry the reader's blocks onto it), and `TextBuilder` (text written
piece by piece with the span of every block and cell recorded as it is written)."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from pipeline.model import Block, Cell, Document, ReadError
from pipeline.thai import REPAIRS, identity_offsets, normalize_text, sub_with_map

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
        for i, c in enumerate(cells):
            if i:
                self.write(" | ")
            spans.append(self.write(c))
        self.write(" |")
        return spans

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _normalise_with_blocks(raw: str, blocks: Sequence[Block]) -> tuple[str, list[Block]]:
    """Boilerplate dropped and every Thai repair applied with an offset map, then each block
    and cell span moved onto the repaired text and trimmed of the whitespace at its ends."""
    offs = identity_offsets(raw)
    text, offs = sub_with_map(_BOILERPLATE_RE, lambda m: "", raw, offs)
    text, offs = sub_with_map(_CR, lambda m: "\n", text, offs)
    for repair in REPAIRS:
        text, offs = repair(text, offs)
    assert offs is not None
    n = len(text)

    def span(s: int, e: int) -> tuple[int, int]:
        ns, ne = bisect.bisect_left(offs, s), bisect.bisect_left(offs, e)
        while ns < ne and text[ns].isspace():
            ns += 1
        while ne > ns and text[ne - 1].isspace():
            ne -= 1
        return (ns, ne) if ns < n else (n, n)

    out: list[Block] = []
    for b in blocks:
        start, end = span(b.start, b.end)
        if start >= end:
            continue
        cells = []
        for c in b.cells:
            cs, ce = span(c.start, c.end)
            cells.append(Cell(cs, ce, c.row, c.col, c.row_span, c.col_span, c.header))
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
                        lines_of(c.start, c.end)
    return fields


def _with_fields(text: str, blocks: list[Block]) -> tuple[Block, ...]:
    """Paragraphs that are one field become that field; fields inside tables are added."""
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
                norm, found = _normalise_with_blocks(page, page_blocks[i])
                out_blocks.extend(b.shifted(pos) for b in found)
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
