"""Text of a .docx in reading order, with what `paragraph.text` leaves out.

python-docx gives paragraphs and tables, but (DESIGN.md) auto-numbered items carry no
number in `paragraph.text`, text boxes are not in `doc.paragraphs`, merged cells repeat in
`row.cells` and `cell.text` skips nested tables. Reports number their indicators with Word's
numbering, so we walk the body XML ourselves and render the numbers.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from docx import Document as open_docx
from docx.oxml.ns import qn

from pipeline.model import Block, Cell, ReadError
from pipeline.readers.common import TextBuilder
from pipeline.readers.docx_ticks import RENDER, mark_ticks, sym_text, symbol_run_text
from pipeline.thai import THAI_DIGITS

_P, _TBL, _TR, _TC, _T, _TAB, _BR, _CR = (
    qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:t", "w:tab", "w:br", "w:cr"))
_SDT, _SDT_CONTENT, _TXBX, _SYM = (qn(t) for t in ("w:sdt", "w:sdtContent", "w:txbxContent", "w:sym"))
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VAL = qn("w:val")
def _roman(n: int) -> str:
    """Roman numeral of 1..3999; other numbers in decimal. Bounded work: a numbering that
    starts at 10**12 (w:start) took one loop step per thousand, and never ended."""
    if not 0 < n < 4000:
        return str(n)
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        k, n = divmod(n, v)
        out += s * k
    return out


_THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"


def format_number(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalZero"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("thaiNumbers", "thaiCounting"):
        return str(n).translate(str.maketrans("0123456789", THAI_DIGITS))
    if fmt == "thaiLetters":
        return _THAI_LETTERS[(n - 1) % len(_THAI_LETTERS)]
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Word list definitions and the running counters of each list instance."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    num_to_abstract: dict[str, str] = field(default_factory=dict)
    start_override: dict[tuple[str, int], int] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, doc) -> Numbering:
        num = cls()
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return num
        for an in root.findall(qn("w:abstractNum")):
            levels: dict[int, Level] = {}
            for lvl in an.findall(qn("w:lvl")):
                lv = Level()
                if (e := lvl.find(qn("w:numFmt"))) is not None:
                    lv.fmt = e.get(_VAL, "decimal")
                if (e := lvl.find(qn("w:lvlText"))) is not None:
                    lv.text = e.get(_VAL, "")
                if (e := lvl.find(qn("w:start"))) is not None:
                    lv.start = int(e.get(_VAL, "1"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = lv
            num.abstract[an.get(qn("w:abstractNumId"))] = levels
        for n in root.findall(qn("w:num")):
            num_id = n.get(qn("w:numId"))
            if (e := n.find(qn("w:abstractNumId"))) is not None:
                num.num_to_abstract[num_id] = e.get(_VAL)
            for ov in n.findall(qn("w:lvlOverride")):
                if (s := ov.find(qn("w:startOverride"))) is not None:
                    num.start_override[(num_id, int(ov.get(qn("w:ilvl"), "0")))] = int(s.get(_VAL))
        return num

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.abstract.get(self.num_to_abstract.get(num_id, ""), {})
        if num_id == "0" or ilvl not in levels:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        for lv in range(9):
            if counts[lv] == 0 and lv <= ilvl:
                start = self.start_override.get((num_id, lv), levels.get(lv, Level()).start)
                counts[lv] = start - 1 if lv == ilvl else start
        counts[ilvl] += 1
        for lv in range(ilvl + 1, 9):
            counts[lv] = 0
        lvl = levels[ilvl]
        if lvl.fmt == "bullet":
            return "•"
        out = lvl.text
        for lv in range(ilvl + 1):
            fmt = levels.get(lv, Level()).fmt
            out = out.replace(f"%{lv + 1}", format_number(counts[lv], fmt))
        return out


_HEADING_STYLE = re.compile(r"^(?:heading|หัวเรื่อง)\s*(\d)$|^title$", re.I)


class _Walker:
    """The body in order into a `TextBuilder`: paragraphs (headings by style, list items with
    their rendered number), tables row by row as `cell | cell |` with every cell's span."""

    def __init__(self, doc) -> None:
        self.numbering = Numbering.from_document(doc)
        self.style_numpr: dict[str, tuple[str, int]] = {}
        self.heading_level: dict[str, int] = {}
        styles = doc.styles.element
        for st in styles.findall(qn("w:style")):
            style_id = st.get(qn("w:styleId"))
            name = st.find(qn("w:name"))
            if name is not None and (m := _HEADING_STYLE.match(name.get(_VAL, "").strip())):
                self.heading_level[style_id] = int(m.group(1) or 1) if m.group(1) else 1
            ppr = st.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None and (nid := numpr.find(qn("w:numId"))) is not None:
                ilvl = numpr.find(qn("w:ilvl"))
                self.style_numpr[style_id] = (
                    nid.get(_VAL), int(ilvl.get(_VAL)) if ilvl is not None else 0)
        self.out = TextBuilder()
        self.skip_empty = False  # inside a cell, empty paragraphs leave no line

    def inner(self) -> _Walker:
        """A walker for a cell's content sharing the list counters."""
        w = _Walker.__new__(_Walker)
        w.numbering, w.style_numpr, w.heading_level = self.numbering, self.style_numpr, self.heading_level
        w.out, w.skip_empty = TextBuilder(), True
        return w

    def block(self, el) -> None:
        for child in el:
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.block(content)

    def _numpr(self, p) -> tuple[str, int] | None:
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            return None
        numpr = ppr.find(qn("w:numPr"))
        if numpr is not None:
            nid = numpr.find(qn("w:numId"))
            ilvl = numpr.find(qn("w:ilvl"))
            if nid is not None:
                return nid.get(_VAL), int(ilvl.get(_VAL)) if ilvl is not None else 0
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            return self.style_numpr.get(style.get(_VAL))
        return None

    def _style(self, p) -> str | None:
        ppr = p.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return None if style is None else style.get(_VAL)

    def paragraph(self, p) -> None:
        boxes: list = []
        # text inside text boxes is walked separately, so leave it out of this paragraph's text
        own = [n for n in p if n.tag != qn("w:pPr")]
        text_parts = []
        for n in own:
            text_parts.append(self._runs_text_excluding_boxes(n, boxes))
        text = "".join(text_parts)
        numpr = self._numpr(p)
        label = ""
        if numpr is not None and text.strip():
            label = self.numbering.label(*numpr)
            if label:
                text = f"{label} {text}"
        if text.strip() or not self.skip_empty:
            level = self.heading_level.get(self._style(p) or "")
            if level is not None:
                self.out.line(text, "heading", level=level)
            elif label:
                self.out.line(text, "list_item", level=numpr[1], number=label)
            else:
                self.out.line(text, "paragraph")
        for box in boxes:
            self.block(box)

    def _runs_text_excluding_boxes(self, el, boxes: list) -> str:
        out: list[str] = []
        stack = [el]
        while stack:
            node = stack.pop()
            tag = node.tag
            if (rendered := node.get(RENDER)) is not None:  # a tick box, as docx_ticks read it
                out.append(rendered)
                continue
            if tag == _TXBX:
                if not any(a.tag == _MC_FALLBACK for a in node.iterancestors()):
                    boxes.append(node)
                continue
            if tag == _MC_FALLBACK:
                continue
            if tag == _T:
                text = node.text or ""
                out.append(symbol_run_text(node, text))
            elif tag == _SYM:
                out.append(sym_text(node))
            elif tag == _TAB:
                out.append("\t")
            elif tag in (_BR, _CR):
                out.append("\n")
            elif tag == qn("w:delText"):
                continue
            stack.extend(reversed(list(node)))
        return "".join(out)

    def table(self, tbl) -> None:
        """Rows as `cell | cell |` lines; a table block whose cells know their grid column
        (w:gridSpan) and rows covered (w:vMerge continuations add to the cell above, whose text
        was written once). Nested tables are blocks of their own inside their cell."""
        cells: list[Cell] = []
        open_cells: dict[int, int] = {}  # grid column -> index in `cells` of the cell a vMerge continues
        header_rows = 0
        nested: list[Block] = []
        row_no = 0
        for tr in tbl.findall(_TR):
            trpr = tr.find(qn("w:trPr"))
            is_header = trpr is not None and trpr.find(qn("w:tblHeader")) is not None
            texts: list[str] = []
            placed: list[tuple[int, int, list[Block]]] = []  # (col, span, inner blocks) per written cell
            col = 0
            for tc in tr.findall(_TC):
                tcpr = tc.find(qn("w:tcPr"))
                span_el = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
                span = int(span_el.get(_VAL, "1")) if span_el is not None else 1
                vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                if vmerge is not None and vmerge.get(_VAL, "continue") == "continue":
                    if col in open_cells:  # the merged cell's text was written in the row where it starts
                        k = open_cells[col]
                        c = cells[k]
                        cells[k] = Cell(c.start, c.end, c.row, c.col, row_no - c.row + 1, c.col_span, c.header)
                    col += span
                    continue
                inner = self.inner()
                inner.block(tc)
                texts.append(inner.out.text)
                placed.append((col, span, inner.out.blocks))
                col += span
            if not any(t.strip() for t in texts):
                continue
            if is_header and header_rows == row_no:
                header_rows += 1
            spans = self.out.table_row(texts)
            for (c0, span, inner_blocks), (s, e) in zip(placed, spans, strict=True):
                open_cells[c0] = len(cells)
                cells.append(Cell(s, e, row_no, c0, 1, span, is_header))
                nested.extend(b.shifted(s) for b in inner_blocks if b.kind == "table")
            row_no += 1
        if cells:
            self.out.blocks.append(Block("table", cells[0].start, max(c.end for c in cells) + 2,
                                         cells=tuple(cells), header_rows=header_rows))
            self.out.blocks.extend(nested)


def docx_blocks(data: bytes) -> tuple[str, list[Block], list[str]]:
    """The body's raw text, its blocks (spans into that text) and warnings."""
    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors...
        raise ReadError(f"Word document cannot be opened: {type(e).__name__}: {e}") from e
    mark_ticks(doc.element.body, doc.styles.element)
    walker = _Walker(doc)
    walker.block(doc.element.body)
    return walker.out.text, walker.out.blocks, []
