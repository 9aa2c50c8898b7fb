"""Text of a .docx in reading order, with what `paragraph.text` leaves out.

python-docx gives paragraphs and tables, but (DESIGN.md) auto-numbered items carry no
number in `paragraph.text`, text boxes are not in `doc.paragraphs`, merged cells repeat in
`row.cells` and `cell.text` skips nested tables. Reports number their indicators with Word's
numbering, so we walk the body XML ourselves and render the numbers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document as open_docx
from docx.oxml.ns import qn

from pipeline.model import ReadError
from pipeline.thai import THAI_DIGITS

_P, _TBL, _TR, _TC, _T, _TAB, _BR, _CR = (
    qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:t", "w:tab", "w:br", "w:cr"))
_SDT, _SDT_CONTENT, _TXBX = (qn(t) for t in ("w:sdt", "w:sdtContent", "w:txbxContent"))
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


class _Walker:
    def __init__(self, doc) -> None:
        self.numbering = Numbering.from_document(doc)
        self.style_numpr: dict[str, tuple[str, int]] = {}
        styles = doc.styles.element
        for st in styles.findall(qn("w:style")):
            ppr = st.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None and (nid := numpr.find(qn("w:numId"))) is not None:
                ilvl = numpr.find(qn("w:ilvl"))
                self.style_numpr[st.get(qn("w:styleId"))] = (
                    nid.get(_VAL), int(ilvl.get(_VAL)) if ilvl is not None else 0)
        self.lines: list[str] = []

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

    def paragraph(self, p) -> None:
        boxes: list = []
        # text inside text boxes is walked separately, so leave it out of this paragraph's text
        own = [n for n in p if n.tag != qn("w:pPr")]
        text_parts = []
        for n in own:
            text_parts.append(self._runs_text_excluding_boxes(n, boxes))
        text = "".join(text_parts)
        numpr = self._numpr(p)
        if numpr is not None and text.strip():
            label = self.numbering.label(*numpr)
            if label:
                text = f"{label} {text}"
        self.lines.append(text)
        for box in boxes:
            self.block(box)

    def _runs_text_excluding_boxes(self, el, boxes: list) -> str:
        out: list[str] = []
        stack = [el]
        while stack:
            node = stack.pop()
            tag = node.tag
            if tag == _TXBX:
                if not any(a.tag == _MC_FALLBACK for a in node.iterancestors()):
                    boxes.append(node)
                continue
            if tag == _MC_FALLBACK:
                continue
            if tag == _T:
                out.append(node.text or "")
            elif tag == _TAB:
                out.append("\t")
            elif tag in (_BR, _CR):
                out.append("\n")
            elif tag == qn("w:delText"):
                continue
            stack.extend(reversed(list(node)))
        return "".join(out)

    def table(self, tbl) -> None:
        for tr in tbl.findall(_TR):
            cells: list[str] = []
            for tc in tr.findall(_TC):
                tcpr = tc.find(qn("w:tcPr"))
                vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                if vmerge is not None and vmerge.get(_VAL, "continue") == "continue":
                    continue  # the merged cell's text was written in the row where it starts
                inner = _Walker.__new__(_Walker)
                inner.numbering, inner.style_numpr, inner.lines = self.numbering, self.style_numpr, []
                inner.block(tc)
                cells.append("\n".join(line for line in inner.lines if line.strip()))
            if any(c.strip() for c in cells):
                self.lines.append(" | ".join(cells) + " |")


def docx_text(data: bytes) -> tuple[str, list[str]]:
    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors...
        raise ReadError(f"Word document cannot be opened: {type(e).__name__}: {e}") from e
    walker = _Walker(doc)
    walker.block(doc.element.body)
    return "\n".join(walker.lines), []
