"""Tick boxes of a Word form as ☑ / ☐ text, whatever way Word draws them.

A form offers its options with boxes (☐ เป็นไปตามแผน ☐ ไม่เป็นไปตามแผน) and the one chosen is
ticked in one of these ways:

- a check-box content control (w14:checkbox; w14:checked says ticked);
- a legacy form field (w:ffData/w:checkBox; w:checked, else w:default, says ticked);
- a symbol-font character (w:sym, or a letter in a Wingdings run): ☑ þ / ☐ ¨ in Wingdings,
  R / £ in Wingdings 2;
- a shape drawn over an empty box: a line or two (a hand-drawn ✓ or ✗), a freeform, or a text
  box holding ✓ / X — VML (v:line, v:shape, v:polyline) or DrawingML (wps:wsp), placed by its
  offsets from its anchor paragraph (or column / character), often from a paragraph in another
  cell of the same table row;
- a small square (or circle) drawn as a shape is itself a box (filled: ■, with ✓ inside: ☑, else ☐).

Boxes drawn with shapes have no place in the text, so Word's layout is estimated: paragraphs stacked
with their spacing and line heights (font size × line rule), lines wrapped by an average letter
width, table cells side by side by their grid widths and margins. That is enough to tell which box
of a column of options a tick shape covers (the boxes are a line apart); a shape positioned from the
page or the margins, which this flow layout cannot place, decides nothing.

`mark_ticks` writes the result on the XML tree for the text walker (docx_text): an element with
the RENDER attribute is written as that attribute's text instead of its content (a text run with a
drawn box before the word the box stands at, or the box at its anchor where no word is; a tick
shape that ticked a box as nothing; a box glyph under a tick as ☑).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.oxml.ns import qn

from pipeline.thai import is_combining

RENDER = "{urn:thaireport:docx}render"   # this element's text is the attribute's value
TICKED, EMPTY, FILLED = "☑", "☐", "■"

# Tick boxes drawn with a symbol font (w:sym, or a one-letter run in that font) as the Unicode box
# they show, so a ticked option can be told from an empty one: Wingdings þ is ☑, ¨ is ☐; Wingdings 2
# R is ☑, T is ☒, £ is □, 0x81 is an empty circle.
_SYMBOL_BOXES: dict[str, dict[int, str]] = {
    "wingdings": {0xFE: "☑", 0xFD: "☒", 0xFB: "☒", 0x78: "☒", 0xFC: "✓", 0xA8: "☐", 0x6F: "☐", 0x71: "❑",
                  0xA1: "○", 0x6C: "●", 0x6E: "■"},
    "wingdings 2": {0x52: "☑", 0x53: "☒", 0x54: "☒", 0x4F: "☒", 0x50: "✓", 0xA3: "□", 0xA2: "■", 0x81: "○",
                    0x98: "●"},
}
_EMPTY_BOXES = frozenset("☐□○◯▢❑❏◻❍⚪")
_MARKS = "".join(map(chr, [0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)]))   # no width of their own
_OTHER_SYMBOL = "\ufffc"   # a symbol-font character that is no box: a place in the layout only
_TICK_TEXT = re.compile(r"\s*[✓✔√✗✘×xX/☑☒]{1,2}\s*")

_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_V = "urn:schemas-microsoft-com:vml"
_O = "urn:schemas-microsoft-com:office:office"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_P, _T, _SYM, _TAB, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _TXBX, _PICT, _DRAWING, _FLDCHAR, _RPR, _RFONTS = (
    qn(t) for t in ("w:p", "w:t", "w:sym", "w:tab", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent",
                    "w:txbxContent", "w:pict", "w:drawing", "w:fldChar", "w:rPr", "w:rFonts"))
_VAL = qn("w:val")
_Q_PPR, _Q_SPACING, _Q_SZ, _Q_PSTYLE, _Q_IND = (qn(t) for t in ("w:pPr", "w:spacing", "w:sz", "w:pStyle", "w:ind"))
_FALLBACK, _CHOICE = f"{{{_MC}}}Fallback", f"{{{_MC}}}Choice"

EMU_PER_PT, TWIPS_PER_PT = 12700, 20
_VML_UNITS = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75, "pc": 12.0, "": 0.75}
_TICK_MAX_PT = 48     # a tick is about a letter high; a bigger shape is a drawing, a border, a rule
_BOX_MAX_PT = 30      # a drawn box is about a letter square


def symbol_box(font: str | None, code: int) -> str | None:
    return _SYMBOL_BOXES.get((font or "").lower(), {}).get(code & 0xFF)


def run_font(t) -> str | None:
    """The ascii font of the run holding w:t / w:sym (None when the run names none)."""
    rpr = t.getparent().find(_RPR)
    fonts = rpr.find(_RFONTS) if rpr is not None else None
    return (fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))) if fonts is not None else None


def symbol_run_text(t, text: str) -> str:
    """A one- or two-letter run in a symbol font: its boxes as Unicode (else the text as it is)."""
    if not 0 < len(text) <= 2 or text.isspace():
        return text
    font = run_font(t)
    if not font or font.lower() not in _SYMBOL_BOXES:
        return text
    return "".join(symbol_box(font, ord(ch)) or ch for ch in text)


def sym_text(sym) -> str:
    char = sym.get(qn("w:char"), "")
    if not re.fullmatch(r"[0-9A-Fa-f]{1,4}", char):
        return ""
    return symbol_box(sym.get(qn("w:font")), int(char, 16)) or ""


# --- check boxes that say themselves whether they are ticked --------------------------------------
def _on(el, attr: str = _VAL) -> bool:
    """A w:checked-style flag: present without a value is on; 0/false/off is off."""
    return el.get(attr, "1").lower() not in ("0", "false", "off")


def _mark_controls(body) -> None:
    for sdt in body.iter(_SDT):
        pr = sdt.find(qn("w:sdtPr"))
        box = pr.find(f"{{{_W14}}}checkbox") if pr is not None else None
        if box is not None:
            checked = box.find(f"{{{_W14}}}checked")
            on = checked is not None and _on(checked, f"{{{_W14}}}val")
            sdt.set(RENDER, TICKED if on else EMPTY)
    for fld in body.iter(_FLDCHAR):
        data = fld.find(qn("w:ffData"))
        box = data.find(qn("w:checkBox")) if data is not None else None
        if box is None:
            continue
        checked, default = box.find(qn("w:checked")), box.find(qn("w:default"))
        on = _on(checked) if checked is not None else default is not None and _on(default)
        fld.set(RENDER, TICKED if on else EMPTY)


# --- an estimated flow layout ---------------------------------------------------------------------
@dataclass
class _Style:
    spacing: dict[str, str] = field(default_factory=dict)   # w:spacing attributes (local names)
    size: float | None = None                                # font size, pt
    font: str | None = None                                  # the Thai (complex script) font, else the Latin
    based_on: str | None = None


class _Styles:
    """Paragraph spacing and font size as styles and document defaults give them."""

    def __init__(self, styles_el) -> None:
        self.by_id: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.defaults = _Style(size=10.0)
        if styles_el is None:
            return
        defaults = styles_el.find(qn("w:docDefaults"))
        if defaults is not None:
            self.defaults = _own_style(defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}"),
                                       defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"))
            self.defaults.size = self.defaults.size or 10.0
        for st in styles_el.findall(qn("w:style")):
            s = _own_style(st.find(_Q_PPR), st.find(qn("w:rPr")))
            based = st.find(qn("w:basedOn"))
            s.based_on = based.get(_VAL) if based is not None else None
            self.by_id[st.get(qn("w:styleId"), "")] = s
            if st.get(qn("w:type")) == "paragraph" and st.get(qn("w:default")) in ("1", "true"):
                self.default_para = st.get(qn("w:styleId"))

    def chain(self, style_id: str | None) -> Iterator[_Style]:
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            yield self.by_id[style_id]
            style_id = self.by_id[style_id].based_on


def _own_style(ppr, rpr) -> _Style:
    s = _Style()
    sp = ppr.find(_Q_SPACING) if ppr is not None else None
    if sp is not None:
        s.spacing = {k.split("}")[-1]: v for k, v in sp.attrib.items()}
    sz = rpr.find(_Q_SZ) if rpr is not None else None
    if sz is not None and (v := sz.get(_VAL, "")).isdigit():
        s.size = int(v) / 2
    fonts = rpr.find(_RFONTS) if rpr is not None else None
    s.font = _text_font(fonts) if fonts is not None else None
    return s


def _text_font(fonts) -> str | None:
    """The font a w:rFonts gives Thai text (w:cs), else Latin text; a symbol font is not one."""
    for attr in ("w:cs", "w:ascii", "w:hAnsi"):
        name = fonts.get(qn(attr))
        if name and name.lower() not in _SYMBOL_BOXES and not name.lower().startswith("symbol"):
            return name
    return None


# A font's line height (ascent + descent, in em: Word's single line) and the width of an average
# Thai letter (em), from the TLWG fonts metric-compatible with them (fc-match: TH SarabunPSK →
# Laksaman, Angsana New → Kinnari, Browallia New → Garuda, Cordia New → Umpush). Thai fonts set
# lines half as tall again as Latin ones: a column of options in TH SarabunPSK 16 pt is 26 pt a line.
_FONT_METRICS: tuple[tuple[str, float, float], ...] = (
    ("th ", 1.655, 0.535), ("laksaman", 1.655, 0.535), ("angsana", 1.782, 0.531), ("kinnari", 1.782, 0.531),
    ("browallia", 1.875, 0.544), ("garuda", 1.875, 0.544), ("cordia", 1.98, 0.617), ("umpush", 1.98, 0.617),
    ("tahoma", 1.207, 0.6), ("leelawadee", 1.33, 0.6),
)


def _metrics(font: str | None) -> tuple[float, float]:
    name = (font or "").lower()
    return next(((line, thai) for prefix, line, thai in _FONT_METRICS if name.startswith(prefix)), (1.2, 0.52))


@dataclass
class _Glyph:
    """A character of a paragraph's text where the layout put it (pt; line top and height)."""
    el: object            # w:t, w:sym or the shape element standing for a box
    index: int            # in w:t's text
    char: str
    x: float
    y: float
    w: float
    h: float


@dataclass
class _Para:
    el: object
    x: float          # left of its column (cell text area or body)
    width: float
    top: float        # top of its first line
    bottom: float     # below its last line
    line_h: float
    size: float
    indent: tuple[float, float]              # left indent, first-line indent
    thai: float                              # width of a Thai letter, em
    glyphs: list[_Glyph] | None = None       # placed when a shape is near (layout.glyphs)


def _letter_width(ch: str, size: float, thai: float) -> float:
    if is_combining(ch) or ch in "\u200b\u200c\u200d":
        return 0.0
    if ch == " ":
        return 0.3 * size
    if ch in _EMPTY_BOXES or ord(ch) > 0x2000:
        return 0.9 * size
    return thai * size if "\u0e00" <= ch <= "\u0e7f" else 0.5 * size


def _twips(el, attr: str, default: float = 0.0) -> float:
    v = el.get(qn(attr)) if el is not None else None
    try:
        return float(v) / TWIPS_PER_PT if v is not None else default
    except ValueError:
        return default


class _Layout:
    """Every paragraph of the body placed as Word would roughly place it (no page breaks)."""

    def __init__(self, body, styles: _Styles) -> None:
        self.styles = styles
        self.paras: dict[object, _Para] = {}
        self.order: list[_Para] = []   # as laid out, so a cell's paragraphs are a slice
        self._by_top: list[_Para] | None = None
        self._tops: list[float] = []
        self._tallest = 0.0
        sect = body.find(qn("w:sectPr"))
        size = sect.find(qn("w:pgSz")) if sect is not None else None
        mar = sect.find(qn("w:pgMar")) if sect is not None else None
        width = _twips(size, "w:w", 595) - _twips(mar, "w:left", 72) - _twips(mar, "w:right", 72)
        self.block(body, 0.0, max(width, 72.0), 0.0, None)

    def block(self, el, x: float, width: float, y: float, table_style: str | None) -> float:
        for child in el:
            if child.tag == _P:
                y = self.paragraph(child, x, width, y, table_style)
            elif child.tag == _TBL:
                y = self.table(child, x, width, y)
            elif child.tag == _SDT and (content := child.find(_SDT_CONTENT)) is not None:
                y = self.block(content, x, width, y, table_style)
        return y

    def _props(self, p, table_style: str | None) -> tuple[dict[str, str], float, str | None]:
        """Spacing attributes, font size and font: direct (the largest size of its runs, the first
        text font of its runs), then the paragraph style chain, the table style, the default
        paragraph style, the document defaults."""
        ppr = p.find(_Q_PPR)
        own = _own_style(ppr, ppr.find(_RPR) if ppr is not None else None)
        pstyle = ppr.find(_Q_PSTYLE) if ppr is not None else None
        chain = [own, *self.styles.chain(pstyle.get(_VAL) if pstyle is not None else self.styles.default_para),
                 *self.styles.chain(table_style), self.styles.defaults]
        spacing: dict[str, str] = {}
        for s in reversed(chain):
            spacing.update(s.spacing)
        sizes = [int(v) / 2 for r in p.iter(_Q_SZ) if (v := r.get(_VAL, "")).isdigit()]
        size = max(sizes) if sizes else next((s.size for s in chain if s.size), 10.0)
        font = next((f for r in p.iter(_RFONTS) if (f := _text_font(r))), None) or \
            next((s.font for s in chain if s.font), None)
        return spacing, size, font

    def paragraph(self, p, x: float, width: float, y: float, table_style: str | None) -> float:
        spacing, size, font = self._props(p, table_style)
        line_em, thai = _metrics(font)
        natural = line_em * size
        line, rule = spacing.get("line"), spacing.get("lineRule", "auto")
        line_h = natural
        if line and line.lstrip("-").isdigit():
            if rule == "auto":
                line_h = natural * int(line) / 240
            elif rule == "exact":
                line_h = int(line) / TWIPS_PER_PT
            else:
                line_h = max(natural, int(line) / TWIPS_PER_PT)
        before = int(spacing["before"]) / TWIPS_PER_PT if spacing.get("before", "").isdigit() else 0.0
        after = int(spacing["after"]) / TWIPS_PER_PT if spacing.get("after", "").isdigit() else 0.0
        ppr = p.find(_Q_PPR)
        ind = ppr.find(_Q_IND) if ppr is not None else None
        left = _twips(ind, "w:left", _twips(ind, "w:start"))
        first = _twips(ind, "w:firstLine") - _twips(ind, "w:hanging")
        top = y + before
        # the number of lines from the text's estimated width (each letter placed only near a shape)
        text = "".join(t.text or "" for t in p.iter(_T))
        spaces, marks = text.count(" "), sum(map(text.count, _MARKS))
        width_est = size * (thai * (len(text) - spaces - marks) + 0.3 * spaces + 0.9 * len(p.findall(f".//{_SYM}")))
        lines = max(1, math.ceil((width_est + first) / max(width - left, size)))
        bottom = top + lines * line_h
        para = _Para(p, x, width, top, bottom, line_h, size, (left, first), thai)
        self.paras[p] = para
        self.order.append(para)
        return bottom + after

    def glyphs(self, para: _Para) -> list[_Glyph]:
        """The paragraph's letters placed on its lines (wrapped by their estimated widths)."""
        if para.glyphs is None:
            left, first = para.indent
            col_w = max(para.width - left, para.size)
            pos, line_no, para.glyphs = left + first, 0, []
            for el, index, ch, w in self._items(para.el, para.size, para.thai):
                if ch == "\t":
                    w = 36.0 - (pos % 36.0)
                if pos + w > left + col_w and pos > left:
                    line_no, pos = line_no + 1, left
                para.glyphs.append(_Glyph(el, index, ch, para.x + pos, para.top + line_no * para.line_h, w,
                                          para.line_h))
                pos += w
        return para.glyphs

    def near(self, top: float, bottom: float) -> list[_Para]:
        """Paragraphs with a line between `top` and `bottom`."""
        if self._by_top is None:
            self._by_top = sorted(self.order, key=lambda p: p.top)
            self._tops = [p.top for p in self._by_top]
            self._tallest = max((p.bottom - p.top for p in self.order), default=0.0)
        hi = bisect.bisect_right(self._tops, bottom)
        lo = bisect.bisect_left(self._tops, top - self._tallest)
        return [p for p in self._by_top[lo:hi] if p.bottom > top]

    def _items(self, p, size: float, thai: float) -> Iterator[tuple[object, int, str, float]]:
        """(element, index, character, width) of the paragraph's own text in order (text boxes,
        deleted text and markup-compatibility fallbacks are not its text)."""
        stack = [c for c in reversed(p) if c.tag != _Q_PPR]
        while stack:
            node = stack.pop()
            if node.tag in (_TXBX, _FALLBACK, qn("w:delText")):
                continue
            if node.tag == _T:
                text = symbol_run_text(node, node.text or "")
                for i, ch in enumerate(text):
                    yield node, i, ch, _letter_width(ch, size, thai)
                continue
            if node.tag == _SYM:
                yield node, 0, sym_text(node) or _OTHER_SYMBOL, 0.9 * size
                continue
            if node.tag == _TAB:
                yield node, 0, "\t", 0.0
                continue
            stack.extend(reversed(list(node)))

    def table(self, tbl, x: float, width: float, y: float) -> float:
        tblpr = tbl.find(qn("w:tblPr"))
        style_el = tblpr.find(qn("w:tblStyle")) if tblpr is not None else None
        table_style = style_el.get(_VAL) if style_el is not None else None
        mar = tblpr.find(qn("w:tblCellMar")) if tblpr is not None else None
        mar_l = _twips(mar.find(qn("w:left")) if mar is not None else None, "w:w", 5.4)
        mar_r = _twips(mar.find(qn("w:right")) if mar is not None else None, "w:w", 5.4)
        grid = [_twips(g, "w:w") for g in tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        ind = _twips(tblpr.find(qn("w:tblInd")) if tblpr is not None else None, "w:w")
        for tr in tbl.findall(_TR):
            trpr = tr.find(qn("w:trPr"))
            before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
            col = int(before.get(_VAL, "0")) if before is not None and before.get(_VAL, "").isdigit() else 0
            cell_x = x + ind - mar_l + sum(grid[:col])
            row_h = _twips(trpr.find(qn("w:trHeight")) if trpr is not None else None, "w:val")
            cells = []
            for tc in tr.findall(_TC):
                tcpr = tc.find(qn("w:tcPr"))
                span_el = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
                span = int(span_el.get(_VAL, "1")) if span_el is not None and span_el.get(_VAL, "").isdigit() else 1
                w = sum(grid[col:col + span]) if len(grid) >= col + span else \
                    _twips(tcpr.find(qn("w:tcW")) if tcpr is not None else None, "w:w", 72)
                first = len(self.order)
                bottom = self.block(tc, cell_x + mar_l, max(w - mar_l - mar_r, 12.0), y, table_style)
                valign = tcpr.find(qn("w:vAlign")) if tcpr is not None else None
                cells.append((self.order[first:], bottom - y,
                              valign.get(_VAL) if valign is not None else "top"))
                row_h = max(row_h, bottom - y)
                cell_x += w
                col += span
            for paras, h, valign in cells:  # centred and bottom cells move down in a taller row
                shift = {"center": (row_h - h) / 2, "bottom": row_h - h}.get(valign, 0.0)
                for para in paras if shift > 0 else []:
                    para.top += shift
                    para.bottom += shift
            y += row_h
        return y


# --- shapes -------------------------------------------------------------------------------------
@dataclass
class _Shape:
    el: object          # w:pict / w:drawing (or its mc:AlternateContent)
    kind: str           # "tick" or "box"
    ticked: bool        # a box with a tick inside, or filled
    filled: bool
    x: float | None     # position in the layout, None where it cannot be placed
    y: float | None
    w: float
    h: float


def _vml_length(v: str | None) -> float | None:
    m = re.fullmatch(r"\s*(-?\d*\.?\d+)\s*([a-z]*)\s*", v or "")
    return float(m.group(1)) * _VML_UNITS.get(m.group(2), 1.0) if m else None


def _box_text(el) -> str:
    return "".join(t.text or "" for tx in el.iter(_TXBX) for t in tx.iter(_T))


def _is_white(color: str | None) -> bool:
    c = (color or "").lower().lstrip("#")
    return c in ("", "white", "fff", "ffffff", "window", "bg1", "background1") or c.startswith("white")


_VML_SHAPES = tuple(f"{{{_V}}}{n}" for n in ("shape", "line", "polyline", "rect", "roundrect", "oval", "curve"))


def _vml_shape(pict, anchor: _Para, run_x: float) -> _Shape | None:
    group = pict.find(f"{{{_V}}}group")
    shapes = [s for s in pict.iter(*_VML_SHAPES) if s.find(f"{{{_V}}}imagedata") is None]   # (pictures are not)
    if not shapes:
        return None
    s = group if group is not None else shapes[0]   # a group (the two strokes of a ✓) is placed as a whole
    style = dict(kv.split(":", 1) for kv in (s.get("style") or "").replace(" ", "").split(";") if ":" in kv)
    name = "group" if group is not None else s.tag.split("}")[1]
    text = _box_text(pict)
    w = _vml_length(style.get("width")) or 0.0
    h = _vml_length(style.get("height")) or 0.0
    if name == "line":
        (x1, y1), (x2, y2) = ([_vml_length(c) or 0.0 for c in (s.get(a) or "0,0").split(",")[:2]]
                              for a in ("from", "to"))
        style.setdefault("margin-left", f"{min(x1, x2)}pt")
        style.setdefault("margin-top", f"{min(y1, y2)}pt")
        w, h = abs(x2 - x1), abs(y2 - y1)
    # an outlined rectangle (a text box with no line is only a place for its text), or a small circle
    boxy = (name in ("rect", "roundrect", "oval") or (name == "shape" and (s.get("type") or "").endswith("_t202"))) \
        and s.get("stroked", "t") not in ("f", "false")
    fill = s.find(f"{{{_V}}}fill")
    filled = s.get("filled", "t") not in ("f", "false") and not _is_white(s.get("fillcolor")) and \
        not (fill is not None and fill.get("on") in ("f", "false")) and s.get("fillcolor") is not None
    inline = style.get("position") != "absolute"
    kind = _classify(name in ("line", "polyline", "curve", "group") or (name == "shape" and not boxy),
                     boxy, text, w, h, inline)
    if kind is None:
        return None
    if inline:   # where its run is
        x, y = run_x, anchor.top
    else:
        x = _placed(style.get("mso-position-horizontal-relative", "text"),
                    (_vml_length(style.get("margin-left")) or 0.0) + (_vml_length(style.get("left")) or 0.0),
                    anchor, run_x, horizontal=True)
        y = _placed(style.get("mso-position-vertical-relative", "text"),
                    (_vml_length(style.get("margin-top")) or 0.0) + (_vml_length(style.get("top")) or 0.0),
                    anchor, run_x, horizontal=False)
    return _Shape(pict, kind, bool(_TICK_TEXT.fullmatch(text)) if kind == "box" else False,
                  filled and kind == "box", x, y, w, h)


def _classify(linear: bool, boxy: bool, text: str, w: float, h: float, inline: bool) -> str | None:
    """'box' for a small square-ish outlined rectangle or circle (empty, or holding a tick); 'tick'
    for a floating text box holding only a tick, or a floating line, freeform or group about a
    letter big (not a rule: both sides drawn; an inline shape stands beside the text, over no box);
    None for any other drawing."""
    tick_text = bool(_TICK_TEXT.fullmatch(text))
    if boxy and (tick_text or not text.strip()) and 3 <= w <= _BOX_MAX_PT and 3 <= h <= _BOX_MAX_PT \
            and 0.5 <= w / h <= 2:
        return "box"
    if inline:
        return None
    if text.strip():
        return "tick" if tick_text and max(w, h) <= _TICK_MAX_PT else None
    if linear and max(w, h) <= _TICK_MAX_PT and min(w, h) >= 2:
        return "tick"
    return None


def _placed(relative: str, offset: float, anchor: _Para, run_x: float, horizontal: bool) -> float | None:
    """A shape's left (top) in the layout from its offset and what the offset is from; None when it
    is from the page or a margin, which a layout without pages cannot place."""
    if horizontal:
        if relative in ("text", "column", "margin"):
            return anchor.x + offset
        if relative in ("char", "character"):
            return run_x + offset
        return None
    if relative in ("text", "paragraph", "line"):
        return anchor.top + offset
    return None


def _drawing_shape(drawing, anchor: _Para, run_x: float) -> _Shape | None:
    place = next(iter(drawing), None)
    if place is None:
        return None
    extent = place.find(f"{{{_WP}}}extent")
    w = int(extent.get("cx", "0")) / EMU_PER_PT if extent is not None else 0.0
    h = int(extent.get("cy", "0")) / EMU_PER_PT if extent is not None else 0.0
    wsp = next(place.iter(f"{{{_WPS}}}wsp"), None)
    if wsp is None:
        return None
    geom = next(wsp.iter(f"{{{_A}}}prstGeom"), None)
    prst = geom.get("prst", "") if geom is not None else ""
    custom = next(wsp.iter(f"{{{_A}}}custGeom"), None) is not None
    text = _box_text(wsp)
    sppr = wsp.find(f"{{{_WPS}}}spPr")
    fill = sppr.find(f"{{{_A}}}solidFill") if sppr is not None else None
    color = next((c.get("val") for c in fill.iter() if c.get("val")), None) if fill is not None else None
    linear = custom or prst == "line" or "Connector" in prst or prst in ("arc", "chevron")
    line = sppr.find(f"{{{_A}}}ln") if sppr is not None else None
    outlined = line is None or line.find(f"{{{_A}}}noFill") is None
    boxy = outlined and prst in ("rect", "roundRect", "flowChartProcess", "flowChartAlternateProcess", "square",
                                 "ellipse", "flowChartConnector")
    kind = _classify(linear, boxy, text, w, h, place.tag == f"{{{_WP}}}inline")
    if kind is None:
        return None
    if place.tag == f"{{{_WP}}}inline":
        x, y = run_x, anchor.top
    else:
        x = y = None
        for axis, horizontal in (("positionH", True), ("positionV", False)):
            pos = place.find(f"{{{_WP}}}{axis}")
            off = pos.find(f"{{{_WP}}}posOffset") if pos is not None else None
            if off is None or not (off.text or "").strip().lstrip("-").isdigit():
                continue
            v = _placed(pos.get("relativeFrom", ""), int(off.text) / EMU_PER_PT, anchor, run_x, horizontal)
            x, y = (v, y) if horizontal else (x, v)
    filled = fill is not None and not _is_white(color)
    return _Shape(drawing, kind, bool(_TICK_TEXT.fullmatch(text)) if kind == "box" else False,
                  filled and kind == "box", x, y, w, h)


def _run_x(layout: _Layout, para: _Para, node) -> float:
    """Where the run holding a shape stands: after the last letter written before it."""
    x = para.x + para.indent[0] + para.indent[1]
    x_of = {id(g.el): g.x + g.w for g in layout.glyphs(para)}
    for el in para.el.iter(_T, _SYM, _PICT, _DRAWING):
        if el is node:
            break
        x = x_of.get(id(el), x)
    return x


def _shapes(layout: _Layout, body) -> Iterator[_Shape]:
    """Every tick-like or box-like shape of the main text, with its place."""
    for node in body.iter(_PICT, _DRAWING):
        if any(a.tag in (_FALLBACK, _TXBX) for a in node.iterancestors()):
            continue
        para = layout.paras.get(next(node.iterancestors(_P), None))
        if para is None:
            continue
        run_x = _run_x(layout, para, node)
        shape = _vml_shape(node, para, run_x) if node.tag == _PICT else _drawing_shape(node, para, run_x)
        if shape is not None:
            choice = next(node.iterancestors(_CHOICE), None)
            if choice is not None:
                shape.el = choice.getparent()   # the whole mc:AlternateContent stands for it
            yield shape


def _overlap(g: _Glyph, s: _Shape) -> float:
    assert s.x is not None and s.y is not None
    dx = min(g.x + g.w, s.x + max(s.w, 1.0)) - max(g.x, s.x)
    dy = min(g.y + g.h, s.y + max(s.h, 1.0)) - max(g.y, s.y)
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _covered(boxes: list[_Glyph], s: _Shape) -> _Glyph | None:
    """The box a tick shape is drawn over: the one it covers most; else, the letter widths and the
    lines a text wraps into being estimates, the nearest box within two box widths across and a
    line up or down (a box on a line the shape crosses first)."""
    assert s.x is not None and s.y is not None
    best = max(boxes, key=lambda g: _overlap(g, s), default=None)
    if best is not None and _overlap(best, s) > 0:
        return best
    middle, bottom = s.x + s.w / 2, s.y + max(s.h, 1.0)
    near = []
    for g in boxes:
        across = abs(g.x + g.w / 2 - middle)
        gap = max(g.y - bottom, s.y - (g.y + g.h), 0.0)   # 0: on a line the shape crosses
        if across <= 2 * g.w + s.w / 2 and gap <= g.h:
            near.append((gap, across, g))
    return min(near, key=lambda n: (n[0], n[1]))[2] if near else None


def _insertion(layout: _Layout, box: _Glyph) -> _Glyph | None:
    """The letter a drawn box stands before: the first letter of the word whose start is nearest
    the box's right edge, on the line the box's middle is at (within three letters' width)."""
    middle, right = box.y + box.h / 2, box.x + box.w
    best: tuple[float, _Glyph] | None = None
    for para in layout.near(middle, middle):
        glyphs = layout.glyphs(para)
        for k, g in enumerate(glyphs):
            starts_word = k == 0 or glyphs[k - 1].char.isspace() or glyphs[k - 1].y != g.y
            if g.char.isspace() or not starts_word or not g.y <= middle < g.y + g.h or g.el.tag not in (_T, _SYM):
                continue
            d = abs(g.x - right)
            if d <= 3 * para.size and (best is None or d < best[0]):
                best = (d, g)
    return best[1] if best else None


def _boxes_near(layout: _Layout, s: _Shape) -> list[_Glyph]:
    assert s.y is not None
    reach = 2 * max(s.h, 12.0)   # a line or two around the shape
    return [g for p in layout.near(s.y - reach, s.y + s.h + reach) for g in layout.glyphs(p) if g.char in _EMPTY_BOXES]


def _mark_shapes(layout: _Layout, body) -> None:
    """Drawn boxes written where they stand in the text, and each tick shape's box ticked."""
    shapes = list(_shapes(layout, body))
    drawn: list[tuple[_Shape, _Glyph]] = []
    for s in (s for s in shapes if s.kind == "box"):
        g = _Glyph(s.el, 0, TICKED if s.ticked else FILLED if s.filled else EMPTY, s.x or 0.0, s.y or 0.0, s.w, s.h)
        drawn.append((s, g))
    changed: set[int] = set()   # elements whose text changes: a box ticked, a drawn box before a letter
    for s in (s for s in shapes if s.kind == "tick"):
        if s.x is None or s.y is None:
            continue
        boxes = [*_boxes_near(layout, s), *(g for d, g in drawn if g.char == EMPTY and d.x is not None)]
        if (box := _covered(boxes, s)) is not None:
            box.char = TICKED
            changed.add(id(box.el))
            s.el.set(RENDER, "")   # its ✓ text is the tick, not text of the document
    before: dict[int, list[str]] = {}   # glyph → drawn boxes written before it
    for s, g in drawn:
        at = _insertion(layout, g) if s.x is not None and s.y is not None else None
        s.el.set(RENDER, "" if at is not None else g.char)
        if at is not None:
            before.setdefault(id(at), []).append(g.char + " ")
            changed.add(id(at.el))
    rendered: dict[int, tuple[object, list[str]]] = {}
    for para in layout.order:
        for g in para.glyphs or []:
            if id(g.el) in changed:
                rendered.setdefault(id(g.el), (g.el, []))[1].append(
                    "".join(before.get(id(g), [])) + ("" if g.char == _OTHER_SYMBOL else g.char))
    for el, parts in rendered.values():
        el.set(RENDER, "".join(parts))


# shapes that may be ticks or boxes (a picture is neither): without one, no layout is needed
_SHAPE_TAGS = (*(f"{{{_V}}}{n}" for n in ("line", "polyline", "rect", "roundrect", "oval", "curve", "group")),
               f"{{{_WPS}}}wsp")


def _has_shapes(body) -> bool:
    if next(body.iter(*_SHAPE_TAGS), None) is not None:
        return True
    return any(s.find(f"{{{_V}}}imagedata") is None for s in body.iter(f"{{{_V}}}shape"))


def mark_ticks(body, styles_el) -> None:
    """Check boxes (content controls, form fields) and shapes that draw or tick boxes, marked on
    the tree for the text walker: see RENDER."""
    _mark_controls(body)
    if _has_shapes(body):
        _mark_shapes(_Layout(body, _Styles(styles_el)), body)

