"""PDF text in reading order with Thai repaired, from pypdfium2's per-character boxes.

Why not pdfplumber's `extract_text()`: it places Thai marks by pdfminer's layout, which
splits clusters ("ท่ ี"), and it ignores /ActualText; it also runs ~25 pages/s here.
pdfium reads /ActualText and gives every glyph's box at C speed, but its own text order
moves combining marks after the next base. So we rebuild each line ourselves:

1. bases (everything but Thai combining marks) are grouped into lines by baseline and
   sorted left to right; spaces come from explicit space glyphs or from gaps;
2. every combining mark is attached to the base its box sits over, and marks inside a
   cluster are put in Unicode order (vowel, tone, other);
3. the result goes through `thai.normalize` (split SARA AM, PUA codes, whitespace).

Glyphs without a Unicode mapping ("(cid:N)" in pdfminer) are recovered from a per-font-family
table (`data/cid_recovery.json`) where the family is known, otherwise dropped with a warning.
"""

from __future__ import annotations

import bisect
import ctypes
import functools
import itertools
import json
import math
import operator
import re
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np

from pipeline.model import Block, Cell
from pipeline.readers.common import TextBuilder
from pipeline.thai import COMBINING, mark_rank

_CID_TABLES: list[tuple[re.Pattern[str], dict[int, str]]] = [
    (re.compile(entry["font"]), {int(k): v for k, v in entry["codes"].items()})
    for entry in json.loads((Path(__file__).parent.parent / "data" / "cid_recovery.json").read_text("utf-8"))
]

# a page number alone on its line: 12, - 12 -, (12), หน้า 12 (a bracket closed without being
# opened is the end of a wrapped line, "… (ณ วันที่ 30 ก.ย." / "2564)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*[0-9๐-๙]{1,4}\s*[-–]|\(\s*[0-9๐-๙]{1,4}\s*\)|(?:หน้า\s*)?[0-9๐-๙]{1,4})\s*$")
_DIGITS = re.compile(r"[0-9๐-๙]+")


# A glyph is a plain tuple in the hot loop (a NamedTuple costs ~0.5 µs per glyph to build):
# (char, left, right, size, middle_y, explicit_space). `size` is the loose box's height (the
# font's ascent..descent), `middle_y` its vertical middle, which a base and its marks share
# to within a fifth of the size, and a descender moves only half as far as its bottom.
Glyph = tuple[str, float, float, float, float, bool]
CH, LEFT, RIGHT, SIZE, MID, SPACE = range(6)


def _font_name(raw, textpage, i: int) -> str:
    buf = ctypes.create_string_buffer(128)
    n = _font_info()(textpage, i, buf, 128, None)  # (no flags wanted: pdfium skips a NULL)
    return buf.raw[: max(n - 1, 0)].decode("utf-8", "replace")


@functools.cache
def _font_info():
    """FPDFText_GetFontInfo untyped (as `_loose_char_box_untyped`): a Budget Bureau volume asks
    it for thousands of glyphs without a Unicode mapping."""
    from pypdfium2_raw.bindings import _libs

    return ctypes.CFUNCTYPE(ctypes.c_ulong)(("FPDFText_GetFontInfo", _libs["pdfium"]))


PLACEHOLDER_BASE = 0xE000  # placeholders for unnamed glyphs: U+E000.. (the Thai PUA repairs use U+F700..)


def _unmapped(raw, textpage, i: int, ch: str, placeholders: dict[tuple[str, int], str] | None,
              ) -> tuple[str | None, int]:
    """A glyph without a Unicode mapping: (its character from the font family's table, 1), else
    (its placeholder, 0) when placeholders are kept, else (None, 0): dropped."""
    font = _font_name(raw, textpage, i)
    fixed = _recover(font, ord(ch))
    if fixed is not None:
        return fixed, 1
    if placeholders is None or len(placeholders) >= 0x1000:
        return None, 0
    key = (font, ord(ch))
    if key not in placeholders:
        placeholders[key] = chr(PLACEHOLDER_BASE + len(placeholders))
    return placeholders[key], 0


def _recover(font: str, code: int) -> str | None:
    family = font.split("+", 1)[-1]
    for pattern, table in _CID_TABLES:
        if pattern.search(family):
            return table.get(code)
    return None


# characters that are never an unmapped glyph, a generated space or a control code
_PLAIN = frozenset(map(chr, [*range(0x21, 0x7F), 0xA0, *range(0x0E00, 0x0E80), *range(0x2000, 0x2070)]))


_RECT = struct.Struct("4f")
_DIGIT_CHARS = frozenset("0123456789๐๑๒๓๔๕๖๗๘๙")
_INF = float("inf")


@functools.cache
def _loose_char_box():
    """FPDFText_GetLooseCharBox with plain void* arguments: pypdfium2's typed binding checks
    every argument on every call, which is a third of the per-glyph cost on a 400k-glyph run."""
    proto = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    from pypdfium2_raw.bindings import _libs

    return proto(("FPDFText_GetLooseCharBox", _libs["pdfium"]))


@functools.cache
def _loose_char_box_untyped():
    """FPDFText_GetLooseCharBox with no argument types at all, for `read_glyphs`' loop: ctypes then
    passes a c_void_p, an int and the FS_RECTF array as they are, without a conversion call per
    argument (~90 ns of the ~240 ns a call costs with `_loose_char_box`'s void* arguments; 400k
    glyphs on a 372-page run). Cdecl functions accept more arguments than their prototype lists."""
    from pypdfium2_raw.bindings import _libs

    return ctypes.CFUNCTYPE(ctypes.c_int)(("FPDFText_GetLooseCharBox", _libs["pdfium"]))

@functools.cache
def _char_origin():
    """FPDFText_GetCharOrigin (untyped, as `_loose_char_box`): the glyph's baseline point."""
    from pypdfium2_raw.bindings import _libs

    vp = ctypes.c_void_p
    return ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.c_int, vp, vp)(("FPDFText_GetCharOrigin", _libs["pdfium"]))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _pair_surrogates(codes: list[int]) -> tuple[str, int]:
    """pdfium's per-character codes, one per character index, as text of the same length: a
    glyph outside the BMP comes as two UTF-16 halves, joined at the first index (NUL, which the
    glyph loop skips, at the second); a lone half is a NUL too. Returns (text, lone halves)."""
    out = [chr(c) if c < 0xD800 or c > 0xDFFF else "\x00" for c in codes]
    lone = 0
    i = 0
    while i < len(codes):
        c = codes[i]
        if 0xD800 <= c <= 0xDBFF and i + 1 < len(codes) and 0xDC00 <= codes[i + 1] <= 0xDFFF:
            out[i] = chr(0x10000 + ((c - 0xD800) << 10) + (codes[i + 1] - 0xDC00))
            i += 2
            continue
        lone += 0xD800 <= c <= 0xDFFF
        i += 1
    return "".join(out), lone


def read_glyphs(raw, textpage, placeholders: dict[tuple[str, int], str] | None = None,
                ) -> tuple[list[Glyph], int, int]:
    """Every glyph on a page with its loose box; returns (glyphs, unmapped, recovered).

    With `placeholders`, a glyph without a Unicode mapping that no table recovers is kept as a
    Private-Use placeholder, one per (font, code), for `unmapped.decode` to name; else it is dropped.

    One ctypes call per glyph: the loose box (advance width x font ascent..descent) gives the
    gap to the next glyph, the line and, for a mark, the base it sits over.
    `FPDFText_GetFontSize` is useless here (1.0 when the text matrix carries the scale), and
    `FPDFText_GetCharOrigin` would cost 0.8 µs more per glyph. The boxes are read into one buffer
    and the glyphs built column by column (`_loose_boxes`, `_char_kinds`); only the characters
    that are neither plain nor a space nor a line break are looked at one by one.
    """
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return [], 0, 0
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(textpage, 0, n, buf)
    text = bytes(buf)[: max(got - 1, 0) * 2].decode("utf-16-le", "surrogatepass")
    lone = 0
    if len(text) != n or _SURROGATE.search(text):  # pairs or lone halves: one call per character
        text, lone = _pair_surrogates([raw.FPDFText_GetUnicode(textpage, i) for i in range(n)])
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    left, top, right, bottom = _loose_boxes(handle, n).T
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    kinds = _char_kinds()[np.minimum(codes, 0x10000)]
    explicit = kinds == 1
    # not glyphs: line breaks and the like, and the spaces pdfium generated between words (no box)
    keep = (kinds != 2) & ~(explicit & (top == bottom))
    chars: str | list[str] = text
    unmapped, recovered = lone, 0  # a lone surrogate half counts as a glyph without a mapping
    # Word's SARA AM: its NIKHAHIT glyph mapped to a space (before SARA AA, inked above the line)
    for i in np.flatnonzero(explicit[:-1] & (codes[1:] == 0x0E32)).tolist():
        if _inked_above(raw, textpage, i):
            chars = list(chars) if isinstance(chars, str) else chars
            chars[i] = "\u0e4d"
            explicit[i], keep[i] = False, True
    for i in np.flatnonzero(kinds == 3).tolist():
        ch = text[i]
        # outside Thai/ASCII/punctuation: maybe a glyph with no Unicode mapping
        if ("\u00a0" < ch < "\u0e00" or "\u0e7f" < ch < "\u2000" or ch < " ") \
                and raw.FPDFText_HasUnicodeMapError(textpage, i):
            unmapped += 1
            fixed, known = _unmapped(raw, textpage, i, ch, placeholders)
            if fixed is None:
                keep[i] = False
                continue
            chars = list(chars) if isinstance(chars, str) else chars
            chars[i] = fixed
            recovered += known
    height = top - bottom
    height = np.where(height > 1.0, height, 1.0)
    mid = (top + bottom) / 2
    at = np.flatnonzero(keep)  # each glyph's character index
    # a glyph's four figures made one after the other (row by row), so that they lie together in
    # memory as `struct.unpack` left them: the layout reads a glyph's fields together, and figures
    # made column by column cost it ~50 ms more a run in cache misses than the columns save
    figures = np.column_stack((left[at], right[at], height[at], mid[at])).ravel().tolist()
    glyphs: list[Glyph] = list(zip(itertools.compress(chars, keep.tolist()), figures[0::4], figures[1::4],
                                   figures[2::4], figures[3::4], explicit[at].tolist(), strict=True))
    kept = np.minimum(codes[at], 0x10000)
    dot, alnum = (kept == 0x2E) | (kept == 0x2C), _alnum_codes()[kept]
    for k in np.flatnonzero(kinds[at] == 3).tolist():  # past the BMP, or named above
        dot[k], alnum[k] = glyphs[k][CH] in ".,", glyphs[k][CH].isalnum()
    line_height = _ink_box_height(height[at], mid[at], dot, alnum)
    if line_height is not None:
        glyphs = _on_baselines(handle, glyphs, at.tolist(), line_height)
    return glyphs, unmapped, recovered


@functools.cache
def _char_kinds():
    """Each UTF-16 code's kind for `read_glyphs` (a table: the page's characters are classed at
    C speed): 0 plain (Thai, ASCII, typographic punctuation), 1 space, 2 not a glyph (a line
    break pdfium generated, NUL, a non-character), 3 anything else (maybe a glyph without a
    Unicode mapping: looked at one by one). Codes past the BMP (a joined surrogate pair) are 3."""
    kinds = np.full(0x10001, 3, dtype=np.uint8)
    kinds[[ord(ch) for ch in _PLAIN]] = 0
    kinds[0x20] = 1
    kinds[[ord(ch) for ch in "\r\n\x00\ufffe\uffff"]] = 2
    return kinds


class _BoxSlots(threading.local):
    """A buffer of FS_RECTF boxes and a ready pointer (`ctypes.byref`) to each, kept per thread
    and grown as pages need: a ctypes call given a pointer object passes it as it is, while
    making one per glyph costs as much as a third of the call."""

    boxes: ctypes.Array | None = None
    slots: list = []  # noqa: RUF012 (a default never changed: each thread sets its own)


_BOX_SLOTS = _BoxSlots()
_MAX_SLOTS = 1 << 16  # a page with more characters makes its pointers as it goes


def _loose_boxes(handle: int, n: int) -> np.ndarray:
    """The loose boxes of characters 0..n-1 of the text page at `handle`, an (n, 4) array of
    left, top, right, bottom: one call each into one buffer (no Python statement per glyph),
    widened to float64 as `struct.unpack` would. A failed call (none on a valid index) keeps
    the box before it, as a reused FS_RECTF did. The text page goes in as a pointer object
    (`byref` of what is at its address): a c_void_p is converted again on every call."""
    page = ctypes.byref(ctypes.c_char.from_address(handle))
    get_box = _loose_char_box_untyped()
    if n > _MAX_SLOTS:
        boxes = (ctypes.c_float * (4 * n))()
        slots = map(ctypes.byref, itertools.repeat(boxes, n), range(0, 16 * n, 16))
    else:
        if len(_BOX_SLOTS.slots) < n:
            size = min(max(n, 2 * len(_BOX_SLOTS.slots), 4096), _MAX_SLOTS)
            _BOX_SLOTS.boxes = (ctypes.c_float * (4 * size))()
            _BOX_SLOTS.slots = [ctypes.byref(_BOX_SLOTS.boxes, 16 * i) for i in range(size)]
        boxes, slots = _BOX_SLOTS.boxes, _BOX_SLOTS.slots[:n]
    ok = list(map(get_box, itertools.repeat(page, n), range(n), slots))
    # (a copy: the buffer is the next page's)
    out = np.frombuffer(boxes, dtype=np.float32, count=4 * n).astype(np.float64).reshape(n, 4)
    if not all(ok):
        if not ok[0]:
            out[0] = 0.0
        for i in range(1, n):
            if not ok[i]:
                out[i] = out[i - 1]
    return out


def visible(glyphs: list[Glyph], box: tuple[float, float, float, float]) -> list[Glyph]:
    """Glyphs that fall on the page (its crop box: left, bottom, right, top). A text layer may
    also be drawn off the page, where no reader sees it (the Budget Bureau's covers carry each
    title a second time at negative x, which read as `เเออกกสสาารร`)."""
    if not glyphs:
        return glyphs
    left, bottom, right, top = box
    # min/max at C speed (the glyphs' columns as tuples, `zip(*glyphs)`, cost three times more)
    if (min(map(_LEFT_KEY, glyphs)) >= left - 1 and max(map(_RIGHT_KEY, glyphs)) <= right + 1
            and min(map(_MID_KEY, glyphs)) >= bottom - 1 and max(map(_MID_KEY, glyphs)) <= top + 1):
        return glyphs
    return [g for g in glyphs if g[RIGHT] > left and g[LEFT] < right and bottom < g[MID] < top]


def drop_overstruck(glyphs: list[Glyph]) -> list[Glyph]:
    """A text drawn twice a hair apart (a shadow or fake bold: the Budget Bureau's covers draw each
    title again 0.4 pt right and 0.5 pt down) reads `เเออกกสสาารร`; the second stroke goes. Two
    real letters, even the same one twice (`กก`), are an advance apart, not a fifth of a letter."""
    order = sorted(range(len(glyphs)), key=lambda k: (glyphs[k][CH], glyphs[k][LEFT]))
    drop: set[int] = set()
    for a, b in itertools.pairwise(order):
        ga, gb = glyphs[a], glyphs[b]
        near = 0.2 * ga[SIZE]
        if (ga[CH] == gb[CH] and not ga[SPACE] and gb[LEFT] - ga[LEFT] < near
                and abs(ga[MID] - gb[MID]) < near and a not in drop):
            drop.add(max(a, b))
    return [g for k, g in enumerate(glyphs) if k not in drop] if drop else glyphs


def _inked_above(raw, textpage, i: int) -> bool:
    """A "space" that draws ink above the middle of its line: a mark glyph whose ToUnicode entry
    says space. Word 2007-2016 exports TH Sarabun's SARA AM as NIKHAHIT + SARA AA and maps the
    NIKHAHIT glyph to U+0020 (`ส านัก` for สำนัก); a real space draws nothing."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    if not raw.FPDFText_GetCharBox(textpage, i, *(ctypes.byref(v) for v in (left, right, bottom, top))):
        return False
    rect = raw.FS_RECTF()
    if not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
        return False
    return top.value - bottom.value > 0.5 and bottom.value > (rect.top + rect.bottom) / 2


def _ink_box_height(sizes: np.ndarray, mids: np.ndarray, dot: np.ndarray, alnum: np.ndarray) -> float | None:
    """A letter's (median) height when pdfium's "loose" boxes are the glyphs' own ink boxes (a font without usable
    ascent/descent): a full stop is then a fraction of a letter's height, its middle sits on the
    baseline, and grouping lines by box middles would put every `.` and `,` on a line of its own.
    The threshold is strict on purpose: on the Budget Bureau PDFs, whose boxes are loose, a looser
    test fired and the baseline reading moved their marks. None for ordinary (loose) boxes.
    The page's glyphs as columns: sizes, middles, and which are full stops (`.` `,`) and letters
    or digits (`str.isalnum`)."""
    at = np.flatnonzero(dot)
    if not len(at):
        return None
    dots = np.sort(sizes[at])
    stop = float(dots[len(dots) // 2])
    # The letters' median height decides only when the full stops are below 0.45 of the tallest
    # glyph (of any kind); on most pages they are not, and the letters are not sorted out.
    height = None
    if stop < 0.45 * float(sizes.max()):
        height = _letter_height(sizes, alnum)
        if height is None or stop < 0.45 * height:
            return height
    # Boxes from the baseline to the glyph's own top (fonts without ascent/descent, e.g. TLWG's
    # Garuda through LibreOffice): a full stop shares the bottom of the letter before it but is
    # shorter; in real loose boxes both are the font's ascent..descent, the same height.
    at = at[at > 0]
    at = at[alnum[at - 1]]  # full stops after a letter or digit
    prev = at - 1
    same = sizes[at] >= 0.9 * sizes[prev]
    bottoms_meet = np.abs((mids[at] - sizes[at] / 2) - (mids[prev] - sizes[prev] / 2)) < 0.05
    shorter = int(np.count_nonzero(~same & bottoms_meet))
    if shorter >= 2 and shorter > 2 * int(np.count_nonzero(same)):  # (so there are letters)
        return _letter_height(sizes, alnum) if height is None else height
    return None


def _letter_height(sizes: np.ndarray, alnum: np.ndarray) -> float | None:
    """The median size of the letters and digits (the upper one of an even count), if any."""
    letters = np.sort(sizes[alnum])
    return float(letters[len(letters) // 2]) if len(letters) else None


@functools.cache
def _alnum_codes() -> np.ndarray:
    """`str.isalnum` of every BMP character, by code (index 0x10000: past the BMP, looked up
    one by one)."""
    return np.array([chr(c).isalnum() for c in range(0x10000)] + [False])


def _on_baselines(handle: int, glyphs: list[Glyph], indices: list[int], height: float) -> list[Glyph]:
    """Bases placed by their baseline (`FPDFText_GetCharOrigin`) and given one line height, so
    lines group and gaps read as with loose boxes; marks keep their own boxes."""
    x, y = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.addressof(x), ctypes.addressof(y)
    origin = _char_origin()
    out = []
    for g, i in zip(glyphs, indices, strict=True):
        if g[CH] in _COMBINING or not origin(handle, i, px, py):
            out.append(g)
        else:
            out.append((g[CH], g[LEFT], g[RIGHT], height, y.value + 0.35 * height, g[SPACE]))
    return out


def _base_under(bases: list[Glyph], lefts: list[float], m: Glyph) -> tuple[int, float]:
    """Index of the base a mark belongs to in one line, and how far the mark is from it.

    Of the Thai bases the mark's box overlaps, the one whose right edge is nearest the mark's:
    Word's zero-advance marks (and the low/left-shifted variants of UPC fonts) are drawn
    leftwards from their base's right edge, so they may overhang the previous base's end or
    spill over the next one, but their right edge stays at their own base's (ิ over ร in
    เสริม, ่ over ม in มั่น). Marks centred by a shaping engine (LibreOffice) end before their
    base's right edge, still nearer to it than to the next base's.
    """
    m_left, m_right = m[LEFT], m[RIGHT]
    k = bisect.bisect_right(lefts, m_right) - 1
    best, best_d = (k if k > 0 else 0), _INF
    n = len(bases)
    for j in range(k - 2 if k > 2 else 0, k + 2 if k + 2 < n else n):
        b = bases[j]
        if not ("\u0e01" <= b[CH] <= "\u0e4f"):
            continue
        gap = b[LEFT] - m_right
        if m_left - b[RIGHT] > gap:
            gap = m_left - b[RIGHT]
        d = (gap * 10 if gap > 0.0 else 0.0) + abs(b[RIGHT] - m_right)
        if d < best_d:
            best, best_d = j, d
    return best, best_d


def _line_text(bases: list[Glyph], attached: dict[int, list[str]]) -> str:
    """One line: bases left to right, spaces from space glyphs or gaps, marks after their base."""
    out: list[str] = []
    append = out.append
    prev_right = None
    prev_ch = ""
    after_space = True  # nothing yet, or the text so far ends with a space
    marked = bool(attached)
    ink_right = space_width = 0.0  # the last letter's right edge; the width of the space after it
    for j, (ch, left, right, size, _mid, space) in enumerate(bases):
        if space:
            if not after_space:
                append(" ")
                after_space = True
                space_width = right - left
            prev_right = None
            continue
        if prev_right is None and out and out[-1] == " " and left - ink_right > 1.6 * space_width > 0.0:
            # white of two spaces or more (a space glyph, then the pen moved on: columns a
            # writer lined up with spaces or a tab) is a column gap like a wide gap below
            out[-1] = "  "
        if prev_right is not None and not after_space:
            gap = left - prev_right
            # digits of one number may come from two fonts ("1๔": an Arabic 1, a Thai ๔) whose
            # boxes leave a gap; with no space glyph between them, only a wide gap splits them
            # (the digits' limit is looked up only past the tighter one, which most gaps are not)
            if gap > 0.15 * size and (gap > 0.5 * size or not (ch in _DIGIT_CHARS and prev_ch in _DIGIT_CHARS)):
                # a gap wider than a letter is a column gap: two spaces keep the cells apart
                append("  " if gap > 0.8 * size else " ")
        append(ch)
        prev_ch = ch
        after_space = ch == " "
        if marked and j in attached:
            out.extend(attached[j])
            after_space = False
        prev_right = ink_right = right
    return "".join(out).strip()


class Line(NamedTuple):
    y: float        # vertical middle
    text: str
    x0: float       # left edge of the first glyph
    x1: float       # right edge of the last glyph
    size: float     # glyph height
    ends_space: bool  # the line's last glyph is a space (Word leaves it at a wrap between words)


_LIST_START = re.compile(r"^(?:[\d๐-๙]+(?:\.[\d๐-๙]+)*[.)]|\([\d๐-๙]+\)|[-•●○▪*–\u2022\uf0b7])")
_THAI = re.compile("[\u0e00-\u0e7f]")


def _would_not_fit(prev: Line, ln: Line, right: float) -> bool:
    """`ln`'s first word would not have fitted after `prev` before the right edge: the line
    was wrapped there (a long Thai word wraps a line far from the margin)."""
    first = ln.text.split(" ", 1)[0]
    first_width = (ln.x1 - ln.x0) * len(first) / len(ln.text)
    if not prev.ends_space and _THAI.match(prev.text[-1]) and _THAI.match(first):
        # Thai breaks between dictionary words, not at spaces: the word carried over may be
        # shorter than the run up to the next space (or that run may have been split by a
        # stray space), so take a typical word, two letter heights, as the least it needed
        first_width = max(first_width, 2.0 * ln.size)
    return prev.x1 + min(first_width, 6 * ln.size) + 0.55 * prev.size > right


def join_wrapped(lines: list[Line], keep_y: bool = False, margin: list[Line] | None = None,
                 max_pitch: float | None = None) -> list[str]:
    """Lines of one paragraph that the PDF wrapped at the right margin are one line again.

    A line is a wrap when the next line's first word would not have fitted before the text's
    right edge (Thai runs words together, so that word may be long), the next line follows at
    line spacing and does not start a list item. Thai is written without
    spaces between words, so a wrap between two Thai letters joins with nothing, unless the
    line ended on a space glyph. With keep_y, lines that were joined leave an empty string so
    the result stays aligned with `lines` (the caller drops empties). `margin`: the lines that
    show where the text's right edge is, when some of the page's lines were taken out (a table).
    `max_pitch`: the farthest apart, in line heights, two lines of one paragraph can be when the
    producer's line spacing is known (a browser's: see `pdf.SKIA_MAX_PITCH`).
    """
    if not lines:
        return []
    margin = margin or lines
    right = max(ln.x1 for ln in margin)
    if sum(ln.x1 >= right - 1.5 * ln.size for ln in margin) < 2:
        # one line alone at the right edge is just the longest line, not a margin text wraps at
        return [ln.text for ln in lines]
    out: list[str] = []
    slots: list[int] = []
    prev: Line | None = None
    # the page's line pitch (its tightest common gap between lines, not the median, which may
    # be the gap between paragraphs): double spacing puts wrapped lines further apart than twice
    # the glyph height
    gaps = sorted(a.y - b.y for a, b in itertools.pairwise(lines) if a.y - b.y > 0.8 * a.size)
    pitch = 1.15 * gaps[len(gaps) // 10] if len(gaps) >= 5 else 0.0
    for ln in lines:
        reach = pitch or 2.2 * max(prev.size, ln.size) if prev is not None else 0.0
        if max_pitch is not None and prev is not None:
            reach = min(reach, max_pitch * max(prev.size, ln.size))
        wraps = (prev is not None and _would_not_fit(prev, ln, right)
                 and 0 < prev.y - ln.y <= reach
                 and not _LIST_START.match(ln.text) and not out[-1].endswith((":", "|")))
        if wraps:
            joiner = "" if (not prev.ends_space and _THAI.match(out[-1][-1]) and _THAI.match(ln.text[0])) else " "
            out[-1] += joiner + ln.text
            slots.append(-1)
        else:
            out.append(ln.text)
            slots.append(len(out) - 1)
        prev = ln
    if not keep_y:
        return out
    return [out[k] if k >= 0 else "" for k in slots]


class PageItem(str):
    """One item of a page in reading order: its text (a paragraph, a list item, or a table's
    rows as `cell | cell |` lines) is the string itself, so running-line removal treats it as
    a line; a table also keeps its rows of cells for the blocks."""

    kind: str = "paragraph"
    number: str | None = None
    header_rows: int = 0  # a table whose first row the next page repeats: 1
    ruled: bool = True  # False: columns found in the white between words (pdf_columns), not rules
    y: float = 0.0  # where on the page it starts (a running header sits at the same place on every page)
    rows: list[list[TableCell]]
    xs: list[float]

    @classmethod
    def text_item(cls, text: str, y: float = 0.0, large: bool = False) -> PageItem:
        """A paragraph; a list item when it starts with a number or bullet (kept as written); a
        heading when it is set larger than the page's text and short."""
        item = cls(text)
        item.y = y
        m = _LIST_START.match(text)
        if large and len(text) <= 120 and sum(ch.isalpha() for ch in text) >= 4:
            item.kind, item.number = "heading", m.group() if m else None
        elif m:
            item.kind, item.number = "list_item", m.group()
        return item

    @classmethod
    def table(cls, rows: list[list[TableCell]], xs: list[float], y: float = 0.0, ruled: bool = True) -> PageItem:
        item = cls("\n".join(" | ".join(c.text for c in row) + " |" for row in rows))
        item.kind, item.rows, item.xs, item.y, item.ruled = "table", rows, xs, y, ruled
        return item


@dataclass
class TableCell:
    text: str
    col: int
    col_span: int = 1
    row_span: int = 1


def _large_size(lines: list[Line]) -> float:
    """The glyph height from which a line is set large (a heading): a quarter above the size
    most of the page's text is set in."""
    if len(lines) < 3:
        return _INF
    sizes = sorted(ln.size for ln in lines)
    return 1.25 * sizes[len(sizes) // 2]


def page_lines(glyphs: list[Glyph], grids: list[Grid] | None = None,
               max_pitch: float | None = None) -> list[PageItem]:
    """The page's items top to bottom: paragraphs (wrapped lines joined), list items, and
    ruled tables read cell by cell (a merged cell once, its lines joined)."""
    from pipeline.readers.pdf_columns import unruled_tables

    if not grids:
        every = _lines(glyphs)
        tables, lines = unruled_tables(glyphs, every)
        large = _large_size(lines)
        joined = join_wrapped(lines, keep_y=True, margin=every, max_pitch=max_pitch)
        items = [PageItem.text_item(t, ln.y, ln.size >= large) for ln, t in zip(lines, joined, strict=True) if t]
        return sorted([*items, *tables], key=lambda t: -t.y) if tables else items
    blocks: list[tuple[float, PageItem]] = []
    cells, free = _into_cells(glyphs, grids)
    for k, (grid, table) in enumerate(zip(grids, cells, strict=True)):
        if free:
            grids[k], free = _with_open_last_row(grid, table, free)
    every = _lines(free)
    tables, free_lines = unruled_tables(free, every)
    blocks.extend((t.y, t) for t in tables)
    large = _large_size(free_lines)
    joined = join_wrapped(free_lines, keep_y=True, margin=every, max_pitch=max_pitch)
    blocks.extend((ln.y, PageItem.text_item(t, ln.y, ln.size >= large)) for ln, t in
                  zip(free_lines, joined, strict=False) if t)
    for grid, table in zip(grids, cells, strict=True):
        rows = grid.rows(table)
        if rows:
            blocks.append((grid.ys[0], PageItem.table(rows, grid.xs, grid.ys[0])))
    blocks.sort(key=lambda b: -b[0])
    return [t for _, t in blocks if t]


def _into_cells(glyphs: list[Glyph], grids: list[Grid]) -> tuple[list[dict[tuple[int, int], list[Glyph]]], list[Glyph]]:
    """The glyphs inside each grid by cell ((row, col) -> glyphs, in page order), and the glyphs
    outside every grid. A glyph is in the first grid whose box holds its centre, in the cell
    found by bisecting the grid's edges; a PDF draws a cell's text together, so a glyph is first
    tried against the cell of the glyph before it (the first grid's cells only, which no grid
    before it can hold), which spares most glyphs the search."""
    free: list[Glyph] = []
    cells: list[dict[tuple[int, int], list[Glyph]]] = [{} for _ in grids]
    bounds = [(grid.xs[0], grid.xs[-1], grid.ys[-1], grid.ys[0], grid.xs, grid.ys, grid.neg_ys,
               len(grid.xs) - 2, len(grid.ys) - 2, table) for grid, table in zip(grids, cells, strict=True)]
    first = bounds[0][-1]
    bisect_right = bisect.bisect_right
    # the last cell of the first grid a glyph went to: x in [cx0, cx1), y in (cy0, cy1], its glyphs
    cx0 = cx1 = cy0 = cy1 = _INF
    last: list[Glyph] = []
    for g in glyphs:
        x, y = (g[LEFT] + g[RIGHT]) / 2, g[MID]
        if cx0 <= x < cx1 and cy0 < y <= cy1:
            last.append(g)
            continue
        for x0, x1, y0, y1, xs, ys, neg_ys, last_col, last_row, table in bounds:
            if x0 <= x <= x1 and y0 <= y <= y1:
                row, col = bisect_right(neg_ys, -y) - 1, bisect_right(xs, x) - 1
                cell = (row if row < last_row else last_row, col if col < last_col else last_col)
                glyphs_in = table.setdefault(cell, [])
                glyphs_in.append(g)
                if table is first:
                    row, col = cell
                    # bisect's half-open ranges, closed at the grid's far edges (clamped above)
                    cx0, cx1 = xs[col], xs[col + 1] if col < last_col else math.nextafter(x1, _INF)
                    cy0, cy1 = ys[row + 1] if row < last_row else math.nextafter(y0, -_INF), ys[row]
                    last = glyphs_in
                break
        else:
            free.append(g)
    return cells, free


def _with_open_last_row(grid: Grid, table: dict[tuple[int, int], list[Glyph]],
                        free: list[Glyph]) -> tuple[Grid, list[Glyph]]:
    """The grid with one more row when the line just under its bottom rule is a row whose
    bottom rule is missing (the last row of a page of an Excel export): text within one row's
    height below the table, in two or more of its columns, and no run of text crossing a
    column edge (a paragraph under the table runs across them). Its glyphs go from `free`
    into `table`; returns the grid and what stays free."""
    ys, xs = grid.ys, grid.xs
    if len(xs) < 4:
        return grid, free
    heights = sorted(ys[i] - ys[i + 1] for i in range(len(ys) - 1))
    h = heights[len(heights) // 2]
    bottom = ys[-1]
    band = [g for g in free if bottom - 1.2 * h < g[MID] < bottom and xs[0] < (g[LEFT] + g[RIGHT]) / 2 < xs[-1]]
    bases = sorted((g for g in band if g[CH] not in _COMBINING), key=_left)
    if not bases:
        return grid, free
    top = max(bases, key=_mid)
    keep = top[MID] - 0.6 * top[SIZE]  # its first line only
    bases = [g for g in bases if g[MID] > keep]
    inner = xs[1:-1]
    for a, b in itertools.pairwise(bases):
        k = bisect.bisect_right(inner, a[RIGHT] - 0.5)
        if k < len(inner) and inner[k] < b[LEFT] + 0.5 and b[LEFT] - a[RIGHT] < 0.3 * a[SIZE]:
            return grid, free  # text runs across a column edge: not a row of this table
    if any(g[LEFT] + 0.5 < x < g[RIGHT] - 0.5 for g in bases for x in inner):
        return grid, free
    if len({bisect.bisect_right(xs, (g[LEFT] + g[RIGHT]) / 2) for g in bases}) < 2:
        return grid, free
    row = [g for g in band if g[MID] > keep - 0.3 * top[SIZE]]  # and the marks over and under it
    low = min(g[MID] - g[SIZE] / 2 for g in row) - 1
    v_cover = [[*cover, (low, bottom)] if any(a - 2 <= bottom <= b + 2 for a, b in cover) else cover
               for cover in (grid.v_cover or [[] for _ in xs])]
    last_row, last_col = len(ys) - 1, len(xs) - 2
    for g in row:
        col = min(bisect.bisect_right(xs, (g[LEFT] + g[RIGHT]) / 2) - 1, last_col)
        table.setdefault((last_row, col), []).append(g)
    taken = {id(g) for g in row}
    return (Grid(xs, [*ys, low], v_cover, [*(grid.h_cover or [[] for _ in ys]), []]),
            [g for g in free if id(g) not in taken])


def _cell_text(glyphs: list[Glyph], right: float) -> str:
    """A cell's lines: a line whose first word would not have fitted at the end of the line
    above was wrapped there (Thai joins with nothing, as `join_wrapped`); otherwise the line
    above ended short on purpose and a new line (an item of a list in the cell) begins."""
    lines = _lines(glyphs)
    if not lines:
        return ""
    out = lines[0].text
    for prev, ln in itertools.pairwise(lines):
        if _would_not_fit(prev, ln, right) and not _LIST_START.match(ln.text):
            thai = not prev.ends_space and _THAI.match(out[-1]) and _THAI.match(ln.text[0])
            out += ("" if thai else " ") + ln.text
        else:
            out += "\n" + ln.text
    return out


@dataclass
class Grid:
    """A ruled table: column edges left to right, row edges top to bottom (page space, y up),
    and where the rules run: `v_cover[i]` the (y0, y1) stretches ruled at xs[i], `h_cover[j]`
    the (x0, x1) stretches ruled at ys[j]. A missing stretch between two grid cells merges them."""

    xs: list[float]
    ys: list[float]
    v_cover: list[list[tuple[float, float]]] = field(default_factory=list)
    h_cover: list[list[tuple[float, float]]] = field(default_factory=list)
    neg_ys: list[float] = field(init=False)  # ys negated, ascending, for bisect

    def __post_init__(self) -> None:
        self.neg_ys = [-v for v in self.ys]

    def _ruled(self, cover: list[tuple[float, float]], at: float) -> bool:
        return not cover or any(a - 2 <= at <= b + 2 for a, b in cover)

    def rows(self, table: dict[tuple[int, int], list[Glyph]]) -> list[list[TableCell]]:
        """Rows of cells: grid cells with no rule between them are one (merged) cell, read once
        in the row where it starts; rows with no text are left out."""
        n_rows, n_cols = len(self.ys) - 1, len(self.xs) - 1
        parent = list(range(n_rows * n_cols))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        v_cover = self.v_cover or [[] for _ in self.xs]
        h_cover = self.h_cover or [[] for _ in self.ys]
        top, bottom, left, right = self.ys[0], self.ys[-1], self.xs[0], self.xs[-1]
        merged = False
        # an edge ruled from end to end (most of them) merges nothing: only the others are walked
        for c in range(n_cols - 1):
            cover = v_cover[c + 1]
            if not cover or any(a - 2 <= bottom and b + 2 >= top for a, b in cover):
                continue
            for r in range(n_rows):
                if not self._ruled(cover, (self.ys[r] + self.ys[r + 1]) / 2):
                    parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
                    merged = True
        for r in range(n_rows - 1):
            cover = h_cover[r + 1]
            if not cover or any(a - 2 <= left and b + 2 >= right for a, b in cover):
                continue
            for c in range(n_cols):
                if not self._ruled(cover, (self.xs[c] + self.xs[c + 1]) / 2):
                    parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
                    merged = True
        if not merged:  # a plain grid
            rows = []
            for r in range(n_rows):
                row = [TableCell(_cell_text(table[(r, c)], self.xs[c + 1]) if (r, c) in table else "", c)
                       for c in range(n_cols)]
                if any(c.text for c in row):
                    rows.append(row)
            return rows
        spans: dict[int, list[int]] = {}  # root -> [r0, c0, r1, c1]
        for r in range(n_rows):
            for c in range(n_cols):
                box = spans.setdefault(find(r * n_cols + c), [r, c, r, c])
                box[2] = r  # rows come in order: this one is the lowest yet
                if c > box[3]:
                    box[3] = c
        glyphs_of: dict[int, list[Glyph]] = {}
        for (r, c), gs in table.items():
            glyphs_of.setdefault(find(r * n_cols + c), []).extend(gs)
        by_row: dict[int, list[TableCell]] = {}
        for root, (r0, c0, r1, c1) in spans.items():
            text = _cell_text(glyphs_of.get(root, []), self.xs[c1 + 1])
            by_row.setdefault(r0, []).append(TableCell(text, c0, c1 - c0 + 1, r1 - r0 + 1))
        rows = []
        for r in sorted(by_row):
            row = sorted(by_row[r], key=lambda c: c.col)
            if any(c.text for c in row):
                rows.append(row)
        return rows


def _merge(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _join_segments(rules: list[tuple[float, float, float]], tol: float = 3.0) -> list[tuple[float, float, float]]:
    """Collinear rule segments that touch are one rule (a border drawn cell by cell)."""
    out: list[tuple[float, float, float]] = []
    for at, a, b in sorted(rules):
        if out and at - out[-1][0] <= 1.5 and a <= out[-1][2] + tol:
            if b > out[-1][2]:
                out[-1] = (out[-1][0], out[-1][1], b)
        else:
            out.append((at, a, b))
    return out


def grids_from_rules(h_rules: list[tuple[float, float, float]],
                     v_rules: list[tuple[float, float, float]], tol: float = 3.0) -> list[Grid]:
    """Tables from thin rules: rules joined into lines, lines that cross grouped (union-find;
    each vertical line looks only at the horizontal lines within its height, so a page of
    thousands of rules stays near-linear), and one grid per group of >= 2 lines each way."""
    hs = sorted(_join_segments(h_rules))  # by y, ascending
    vs = _join_segments(v_rules)
    if len(vs) < 2:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    h_ys = [h[0] for h in hs]
    for j, (x, y0, y1) in enumerate(vs):
        for i in range(bisect.bisect_left(h_ys, y0 - tol), bisect.bisect_right(h_ys, y1 + tol)):
            _y, x0, x1 = hs[i]
            if x0 - tol <= x <= x1 + tol:
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[b] = a
    # column rules that cross no rule: one group per shared extent (a page wholly inside a row)
    alone = [j for j in range(len(vs)) if find(len(hs) + j) == len(hs) + j]
    alone.sort(key=lambda j: (round(vs[j][1] / tol), round(vs[j][2] / tol)))
    for a, b in itertools.pairwise(alone):
        if abs(vs[a][1] - vs[b][1]) <= tol and abs(vs[a][2] - vs[b][2]) <= tol:
            parent[find(len(hs) + b)] = find(len(hs) + a)
    groups: dict[int, tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    grids = []
    for g_h, g_v in groups.values():
        xs = _merge([v[0] for v in g_v])
        ys = sorted(_merge([h[0] for h in g_h] + _open_ends(g_h, g_v, tol)), reverse=True)
        if len(xs) < 2 or len(ys) < 2:
            continue
        v_cover: list[list[tuple[float, float]]] = [[] for _ in xs]
        for x, y0, y1 in g_v:
            v_cover[min(range(len(xs)), key=lambda k: abs(xs[k] - x))].append((y0, y1))
        h_cover: list[list[tuple[float, float]]] = [[] for _ in ys]
        for y, x0, x1 in g_h:
            h_cover[min(range(len(ys)), key=lambda k: abs(ys[k] - y))].append((x0, x1))
        grids.append(Grid(xs, ys, v_cover, h_cover))
    return grids


def _open_ends(g_h: list[tuple[float, float, float]], g_v: list[tuple[float, float, float]],
               tol: float) -> list[float]:
    """Edges of a table's part on this page that have no rule: a row broken by the page ends
    (or starts) at the page break with its column rules running to the margin and no rule
    across (Chromium, Word); a page wholly inside one row has only its column rules. Such an
    edge is where two or more column rules end together beyond the last rule across."""
    if len(g_v) < 2:
        return []
    out = []
    top_end, bottom_end = max(v[2] for v in g_v), min(v[1] for v in g_v)
    if sum(1 for v in g_v if v[2] >= top_end - tol) >= 2 and all(top_end > h[0] + 3 * tol for h in g_h):
        out.append(top_end)
    if sum(1 for v in g_v if v[1] <= bottom_end + tol) >= 2 and all(bottom_end < h[0] - 3 * tol for h in g_h):
        out.append(bottom_end)
    if not g_h and (len(out) < 2 or top_end - bottom_end < MIN_OPEN_ROW):
        return []  # parallel rules with nothing across: a table only when they run a row's height
    return out


MIN_OPEN_ROW = 50.0  # pt: the height a page's part of a row with no rule across must have


class _ObjectPointer(ctypes.c_void_p):
    """A page object as FPDFPage_GetObject returns it: kept a ctypes object (a c_void_p result is
    made a Python int, which goes back in through a conversion call on every use)."""


@functools.cache
def _page_object_calls():
    """FPDFPage_GetObject and FPDFPageObj_GetType untyped (the page goes in as a pointer object,
    the index as an int, the object as it came out: no conversion call per argument) and
    FPDFPageObj_GetBounds with untyped pointers (see `_loose_char_box`): a page of a budget
    table has thousands of objects."""
    from pypdfium2_raw.bindings import _libs

    lib, vp, i = _libs["pdfium"], ctypes.c_void_p, ctypes.c_int
    return (ctypes.CFUNCTYPE(_ObjectPointer)(("FPDFPage_GetObject", lib)),
            ctypes.CFUNCTYPE(i)(("FPDFPageObj_GetType", lib)),
            ctypes.CFUNCTYPE(i, vp, vp, vp, vp, vp)(("FPDFPageObj_GetBounds", lib)))


def page_grids(page) -> list[Grid]:
    """Ruled tables from the page's thin path objects (cell borders Word and LibreOffice draw)."""
    import pypdfium2.raw as raw

    h_rules: list[tuple[float, float, float]] = []  # (y, x0, x1)
    v_rules: list[tuple[float, float, float]] = []  # (x, y0, y1)
    # raw calls: the wrapper objects of pypdfium2 cost more than the reading itself
    handle = ctypes.byref(ctypes.c_char.from_address(ctypes.cast(page.raw, ctypes.c_void_p).value))
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.addressof(v) for v in (left, bottom, right, top)]
    get_obj, get_type, get_bounds = _page_object_calls()
    path_type = raw.FPDF_PAGEOBJ_PATH
    n = raw.FPDFPage_CountObjects(page.raw)
    objs = list(map(get_obj, itertools.repeat(handle, n), range(n)))
    # the object types by `map` (no Python statement per object: most are text objects)
    for obj in itertools.compress(objs, map(path_type.__eq__, map(get_type, objs))):
        if not get_bounds(obj, *refs):
            continue
        w, h = right.value - left.value, top.value - bottom.value
        if h < 2.5 and w > 20:
            h_rules.append(((top.value + bottom.value) / 2, left.value, right.value))
        elif w < 2.5 and h > 8:
            v_rules.append(((left.value + right.value) / 2, bottom.value, top.value))
    return grids_from_rules(h_rules, v_rules)


_COMBINING = frozenset(COMBINING)
_NO_MARKS: dict[int, list[str]] = {}  # the marks of every line without any (shared: only ever read)
_MARK_RANKS = {ch: mark_rank(ch) for ch in _COMBINING}
# sort keys at C speed (a Python key function costs a call per glyph)
_CH_KEY, _LEFT_KEY, _RIGHT_KEY, _SIZE_KEY, _MID_KEY, _SPACE_KEY = map(itemgetter, (CH, LEFT, RIGHT, SIZE, MID, SPACE))


def _mid(g: Glyph) -> float:
    return g[MID]


def _left(g: Glyph) -> float:
    return g[LEFT]


def _mark_rank(g: Glyph) -> int:
    return _MARK_RANKS[g[CH]]


def _nearest_three(mids: list[float], neg_mids: list[float], y: float) -> list[int]:
    """Indices of the (up to) three line middles nearest y, nearest first; ties go to the upper
    line. `mids` run top to bottom, so they are found by walking out from the bisection point."""
    n = len(mids)
    hi = bisect.bisect_left(neg_mids, -y)  # mids[hi] <= y < mids[hi - 1]
    lo = hi - 1
    out: list[int] = []
    while len(out) < 3 and (lo >= 0 or hi < n):
        if hi >= n or (lo >= 0 and mids[lo] - y <= y - mids[hi]):
            out.append(lo)
            lo -= 1
        else:
            out.append(hi)
            hi += 1
    return out


def _lines(glyphs: list[Glyph]) -> list[Line]:
    """Group bases into lines by vertical middle, top to bottom, then hang each mark on the
    nearest line that has a base under it; each line reads left to right.

    Called once per table cell (a budget page has hundreds, most of them one short line of
    figures with no marks), so the common case does no more than it must: sorts by C key
    functions, and the mark machinery only when there are marks."""
    if not glyphs:
        return []
    if _COMBINING.isdisjoint(map(_CH_KEY, glyphs)):
        marks: list[Glyph] = []
        bases = list(glyphs)
    else:
        is_mark = list(map(_COMBINING.__contains__, map(_CH_KEY, glyphs)))
        marks = list(itertools.compress(glyphs, is_mark))
        bases = list(itertools.compress(glyphs, map(operator.not_, is_mark)))
        if not bases:
            return []
    # top to bottom; `reverse` keeps glyphs of equal height in their order, as a key of -y would
    bases.sort(key=_MID_KEY, reverse=True)
    if bases[0][MID] - bases[-1][MID] <= 0.4 * min(map(_SIZE_KEY, bases)):
        # no glyph is below the first by the least of the fractions below: one line
        if not marks:  # (most cells: one line of figures)
            bases.sort(key=_LEFT_KEY)
            text = _line_text(bases, _NO_MARKS)
            return [Line(sum(map(_MID_KEY, bases)) / len(bases), text, bases[0][LEFT], bases[-1][RIGHT],
                         max(map(_SIZE_KEY, bases)), bases[-1][SPACE])] if text else []
        lines = [bases]
    else:
        lines = _group_lines(bases)
    for line in lines:
        line.sort(key=_LEFT_KEY)
    if len(lines) == 1:  # (a comprehension is a function call: it counts on 16k one-line cells)
        line = lines[0]
        mids, sizes = [sum(map(_MID_KEY, line)) / len(line)], [max(map(_SIZE_KEY, line))]
    else:
        mids = [sum(map(_MID_KEY, line)) / len(line) for line in lines]
        sizes = [max(map(_SIZE_KEY, line)) for line in lines]
    if marks:
        attached: list[dict[int, list[str]]] = [{} for _ in lines]
        _attach_marks(lines, mids, sizes, marks, attached)
    else:
        attached = [_NO_MARKS] * len(lines)
    result = []
    for line, att, y, size in zip(lines, attached, mids, sizes, strict=True):
        text = _line_text(line, att)
        if text:
            result.append(Line(y, text, line[0][LEFT], line[-1][RIGHT], size, line[-1][SPACE]))
    return result


def _group_lines(bases: list[Glyph]) -> list[list[Glyph]]:
    """Bases sorted top to bottom, cut into lines."""
    lines: list[list[Glyph]] = []
    line: list[Glyph] = []
    ref_y = ref_size = last_y = last_size = 0.0
    for g in bases:
        size, mid = g[SIZE], g[MID]
        # a new line when the glyph is below both the line's first (highest) glyph and the one
        # just before it: a tall glyph box (LibreOffice's `ำ` with its tone, 17 pt over 9 pt
        # letters) starts the line higher than its letters, and is not a line of its own
        # and not when its box lies within the first glyph's: a glyph with no font box of its own
        # (LibreOffice's `า` in Laksaman set by python-docx: its ink box, 8 pt of a 17 pt line)
        if not lines or (ref_y - mid > 0.4 * (size if size < ref_size else ref_size)
                         and last_y - mid > 0.4 * (size if size < last_size else last_size)
                         and (mid - 0.5 * size < ref_y - 0.5 * ref_size - 0.5 or size >= ref_size)):
            line = []
            lines.append(line)
            ref_y, ref_size = mid, size
        line.append(g)
        last_y, last_size = mid, size
    return lines


def _attach_marks(lines: list[list[Glyph]], mids: list[float], sizes: list[float], marks: list[Glyph],
                  attached: list[dict[int, list[str]]]) -> None:
    """Each mark, in Unicode order, into `attached[line][base]`: the line whose base under it
    is nearest (`_base_under`), among the three lines whose middles are nearest the mark's."""
    lefts = [list(map(_LEFT_KEY, line)) for line in lines]
    neg_mids = [-y for y in mids]
    marks.sort(key=_mark_rank)
    n_lines = len(lines)
    bisect_left = bisect.bisect_left
    for m in marks:
        y = m[MID]
        best_line = 0
        if n_lines > 1:  # the nearest line (`_nearest_three`'s first; a tie goes to the upper)
            hi = bisect_left(neg_mids, -y)
            best_line = hi - 1 if hi >= n_lines or (hi > 0 and mids[hi - 1] - y <= y - mids[hi]) else hi
        best_j, best_d = _base_under(lines[best_line], lefts[best_line], m)
        best_d += abs(mids[best_line] - y)
        if best_d == _INF:  # no Thai base near it: keep the mark at the line's start
            best_j = 0
        # another line can win only when its height offset alone is less than this distance, and
        # the lines next to the nearest are the nearest others (the rest are only further away)
        if n_lines > 1 and ((best_line > 0 and abs(mids[best_line - 1] - y) < best_d)
                            or (best_line + 1 < n_lines and abs(mids[best_line + 1] - y) < best_d)):
            for i in _nearest_three(mids, neg_mids, y)[1:]:
                # a mark's box may sit a little above or below its line (and LibreOffice's are tiny
                # and mirrored about the baseline), so lines are compared at their own height
                off = abs(mids[i] - y)
                if off > sizes[i]:
                    break
                if off >= best_d:  # its distance is at least this far: it cannot win
                    continue
                j, d = _base_under(lines[i], lefts[i], m)
                d += off
                if d < best_d:
                    best_line, best_j, best_d = i, j, d
        attached[best_line].setdefault(best_j, []).append(m[CH])


def drop_running_lines(pages: list[list[PageItem]]) -> tuple[list[list[PageItem]], int]:
    """Remove page numbers and headers/footers repeated at the top or bottom of most pages."""
    def key(line: str) -> tuple[str, int]:
        # the same words at the same height: a line a page repeats in its running text (a
        # "ผลการดำเนินงาน : …" line ending several pages) is not at the same place on each
        return _DIGITS.sub("#", line.replace(" ", "")), round(getattr(line, "y", 0.0) / 6)

    edge_keys: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        for line in {*lines[:2], *lines[-2:]}:
            edge_keys[key(line)] += 1
    threshold = max(3, int(0.5 * len(pages)) + 1) if len(pages) >= 3 else None
    dropped = 0
    out = []
    for lines in pages:
        keep = []
        for idx, line in enumerate(lines):
            at_edge = idx < 2 or idx >= len(lines) - 2
            if at_edge and (_PAGE_NUMBER.match(line) or (threshold and edge_keys[key(line)] >= threshold)):
                dropped += 1
                continue
            keep.append(line)
        out.append(keep)
    return out, dropped




def read_glyph_clusters(raw, textpage, placeholders: dict[tuple[str, int], str] | None = None,
                        ) -> tuple[list[Glyph], int, int]:
    """Every glyph on a page, with each /ActualText span read as one unit: the second strategy
    for pages whose first reading fails the self-check (`pagecheck`).

    Chromium (Skia) wraps every Thai cluster whose glyphs are not one-to-one with its characters
    in an /ActualText span (`ชี้` over the glyphs ช, ี, ้). pdfium spreads the span's characters
    evenly over the box of each text object in it, so the cluster comes out cut up (`ช` `ี` `้`
    side by side over the base's box, the marks then hung on the next base) and again, smaller,
    over the mark's own glyph: `ตั วชี วั้ ด`. Characters pdfium generated from one span share
    their text object's origin, so runs of two or more characters with one origin are one glyph
    here (the cluster's text, the union of the boxes), and a repeat of the cluster just before
    it drawn smaller (a mark's glyph) is dropped. Ghostscript's and Word's PDFs carry no spans:
    their characters each have their own origin and read as in `read_glyphs`.
    """
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return [], 0, 0
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    get_box, origin = _loose_char_box(), _char_origin()
    rect = (ctypes.c_float * 4)()
    prect = ctypes.addressof(rect)
    x, y = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.addressof(x), ctypes.addressof(y)
    # [chars, left, right, bottom, top, origin, explicit space, last char's right, generated space at]
    units: list[list] = []
    unmapped = recovered = 0
    for i in range(n):
        ch = chr(raw.FPDFText_GetUnicode(textpage, i))
        explicit = ch == " "
        if ch in "\r\n\x00\ufffe\uffff":
            continue
        if not explicit and ch not in _PLAIN and raw.FPDFText_HasUnicodeMapError(textpage, i):
            unmapped += 1
            fixed, known = _unmapped(raw, textpage, i, ch, placeholders)
            if fixed is None:
                continue
            ch = fixed
            recovered += known
        get_box(handle, i, prect)
        left, top, right, bottom = _RECT.unpack_from(rect)
        if explicit and top == bottom:
            if units:  # a space pdfium generated at a gap: the cluster before it ends there
                units[-1][8] = left
            continue
        origin(handle, i, px, py)
        at = (round(x.value, 2), round(y.value, 2))
        last = units[-1] if units else None
        # one span's characters: one origin, boxes that tile (each starts where the last ended)
        if (last is not None and not explicit and not last[6] and last[5] == at
                and abs(last[7] - left) < 0.05 and abs(last[3] - bottom) < 0.05 and abs(last[4] - top) < 0.05):
            last[0] += ch
            last[2] = last[7] = right
        else:
            units.append([ch, left, right, bottom, top, at, explicit, right, _INF])
    advance = _advances(units)
    kept: list[tuple[list, float]] = []  # units kept, each with the size of its line
    recent: list[tuple[str, float, float, float, float]] = []  # last spans kept: text, height, right, left, baseline
    line_height = 0.0  # the loose height of the last glyph read alone: the size its line is set in
    for u in units:
        text, height = u[0], u[4] - u[3]
        # the cluster again, over one of its marks: drawn smaller, or starting inside the cluster
        # (a mark hangs leftwards from its base's end; a real repeat starts after it)
        if len(text) > 1 and any(r[0] == text and abs(u[5][1] - r[4]) < 0.5 * r[1] and r[3] - r[1] < u[1]
                                 and (height < 0.7 * r[1] or u[1] < r[2] - 0.1) for r in recent):
            continue
        size = line_height or height
        if len(text) > 1:
            end = _span_end(u, advance, size)
            recent = [*recent[-3:], (text, height, u[2] if end is None else end, u[1], u[5][1])]
        elif not u[6] and text not in _COMBINING:
            line_height = height
        kept.append((u, size))
    glyphs: list[Glyph] = []
    for k, (u, size) in enumerate(kept):
        right = u[2]
        nxt = kept[k + 1][0] if k + 1 < len(kept) else None
        if len(u[0]) > 1:  # a span ends where the next glyph kept begins (its repeats are gone)
            right = _span_right(u, nxt, advance, size)
        height = u[4] - u[3]
        mid = (u[4] + u[3]) / 2
        glyphs.append((u[0], u[1], right, height if height > 1.0 else 1.0, mid, u[6]))
        # two numbers in a row ("พ.ศ. 2567 5."): with no space glyphs in the file, the space pdfium
        # generated at the gap is the only sign of it (a gap alone may be two fonts' digits, "1๔");
        # a gap wider than the digits' limit in `_line_text` speaks for itself
        if (u[8] != _INF and nxt is not None and u[0][-1] in _DIGIT_CHARS and nxt[0][0] in _DIGIT_CHARS
                and nxt[1] - right <= 0.5 * size):
            glyphs.append((" ", u[8], u[8], height if height > 1.0 else 1.0, mid, True))
    return glyphs, unmapped, recovered


def _advances(units: list[list]) -> dict[str, float]:
    """Each character's advance per unit of line height, from the page's glyphs read alone (a
    loose box is the advance by the font's height): the measure of a span, whose own box is only
    its first glyph's. SARA AM, always a span (NIKHAHIT + SARA AA), advances as SARA AA."""
    ratios: dict[str, list[float]] = {}
    for u in units:
        height = u[4] - u[3]
        if len(u[0]) == 1 and not u[6] and height > 1.0 and u[0] not in _COMBINING:
            ratios.setdefault(u[0], []).append((u[2] - u[1]) / height)
    out = {ch: sorted(r)[len(r) // 2] for ch, r in ratios.items()}
    if "\u0e32" in out:
        out.setdefault("\u0e33", out["\u0e32"])
    consonants = sorted(v for ch, v in out.items() if "\u0e01" <= ch <= "\u0e2e")
    if consonants:
        out[_CONSONANT] = consonants[len(consonants) // 2]
    return out


# `_advances`' typical Thai consonant, for one never read alone on the page (จ of จำนวน); Thai
# consonants' advances lie within about a twentieth of a line height of it, so a span measured
# with it joins the next glyph only when the gap left is smaller than that error
_CONSONANT = "consonant"
_TYPICAL_ERROR = 0.05


def _span_end(u: list, advance: dict[str, float], size: float, estimate: bool = False) -> float | None:
    """Where a span's cluster ends by its characters' own advances; None when one of them was
    never read alone on the page (with `estimate`, a consonant is then taken as the page's
    typical consonant)."""
    end = u[5][0]
    for ch in u[0]:
        if ch not in _COMBINING:
            width = advance.get(ch)
            if width is None and estimate and "\u0e01" <= ch <= "\u0e2e":
                width = advance.get(_CONSONANT)
            if width is None:
                return None
            end += size * width
    return end


def _span_right(u: list, nxt: list | None, advance: dict[str, float], size: float) -> float:
    """Where a span's cluster ends. pdfium puts a span's characters over its first glyph's box
    (`สำ` over `ส`'s) and, seeing the gap to the next glyph, generates a space there. The
    cluster runs on to the next origin unless its characters' own advances end short of it by a
    word space (Skia draws no space glyphs: the gap is the only space there is)."""
    right = u[2]
    if nxt is None or nxt[5][1] != u[5][1] or not 0 < nxt[5][0] - right < 1.5 * size:
        return right
    end = _span_end(u, advance, size)
    if end is not None:
        return nxt[5][0] if nxt[5][0] - end < 0.15 * size else max(end, right)
    estimated = _span_end(u, advance, size, estimate=True)
    if estimated is not None and nxt[5][0] - estimated < _TYPICAL_ERROR * size:
        return nxt[5][0]
    return min(nxt[5][0], u[8])  # the cautious reading


def _row_texts(row: list[TableCell]) -> list[str]:
    return [" ".join(c.text.split()) for c in row]


def _column_map(head: PageItem, tail: PageItem) -> dict[int, int] | None:
    """Each column of `tail` as the column of `head` with the same left and right edges (the
    part of a table on the next page may lack the rules of columns that are empty there). Two
    unruled parts (`PageItem.ruled` False) have edges where their own words leave white, which
    differ from page to page: there each column must lie mostly over the same column."""
    if not head.ruled and not tail.ruled:
        return _unruled_column_map(head.xs, tail.xs)
    out = {}
    for c in range(len(tail.xs) - 1):
        left = next((i for i, x in enumerate(head.xs[:-1]) if abs(x - tail.xs[c]) <= 3), None)
        right = next((i for i, x in enumerate(head.xs) if abs(x - tail.xs[c + 1]) <= 3), None)
        if left is None or right is None:
            return None
        out[c] = left
    return out


def _unruled_column_map(head: list[float], tail: list[float]) -> dict[int, int] | None:
    """Column c of one unruled part as column c of the other, when they have as many columns and
    each pair overlaps by half the narrower one at least."""
    if len(head) != len(tail):
        return None
    for c in range(len(tail) - 1):
        overlap = min(head[c + 1], tail[c + 1]) - max(head[c], tail[c])
        if overlap < 0.5 * min(head[c + 1] - head[c], tail[c + 1] - tail[c]):
            return None
    return {c: c for c in range(len(tail) - 1)}


def join_pages(pages: list[list[PageItem]]) -> list[list[PageItem]]:
    """A table that runs on to the next page: the header row repeated at the top of the next
    page is dropped, and a row Word broke across the page is joined to the last row of the page
    before, cell by cell (sample 002's `0.0000 ล้าน` / `บาท`); a page that held nothing else
    passes the table on."""
    out = [list(p) for p in pages]
    holder: int | None = None  # the page whose last item is the table still open
    header: list[str] = []  # the first row of the table where it began
    first_part: PageItem = PageItem()  # and that table
    for k, cur in enumerate(out):
        if holder is None or not cur or cur[0].kind != "table":
            holder, header, first_part = _open_table(k, cur)
            continue
        head, tail = out[holder][-1], cur[0]
        cols = _column_map(head, tail)
        if cols is None:
            holder, header, first_part = _open_table(k, cur)
            continue
        rows = [[TableCell(c.text, cols[c.col], c.col_span, c.row_span) for c in row] for row in tail.rows]
        if len(rows) > 1 and _row_texts(rows[0]) == header:
            rows = rows[1:]  # the header repeated on this page
            first_part.header_rows = 1
        last = {c.col: c for c in head.rows[-1]}
        first = rows[0]
        filled = [c for c in first if c.text]
        # a row broken by the page brings text only to columns the row above has text in, and
        # not to all of them (a row whose every cell goes on is a new row), unless it is one
        # column of running text; it does not start a numbered item in a row of several cells
        if filled and all(c.col in last and last[c.col].text for c in filled) \
                and (len(filled) == 1 or (len(filled) < sum(1 for c in last.values() if c.text)
                                          and not _LIST_START.match(filled[0].text))):
            for c in first:
                if c.text:
                    old = last[c.col]
                    last[c.col] = TableCell(_join_text(old.text, c.text), old.col, old.col_span, old.row_span)
            joined = PageItem.table([*head.rows[:-1], sorted(last.values(), key=lambda c: c.col)], head.xs, head.y,
                                    head.ruled)
            joined.header_rows = head.header_rows
            if first_part is head:
                first_part = joined
            out[holder][-1] = head = joined
            rows = rows[1:]
        if rows:
            cur[0] = PageItem.table(rows, head.xs, tail.y, tail.ruled)
        else:
            del cur[0]
        if not cur:
            continue  # the whole page went into the table, which stays open where it is
        if rows and len(cur) == 1:
            holder = k  # the same table goes on from this page
        else:
            holder, header, first_part = _open_table(k, cur)
    return out


def _open_table(k: int, items: list[PageItem]) -> tuple[int | None, list[str], PageItem]:
    """(page, first row, item) of the table a page ends with, which the next page may continue."""
    if items and items[-1].kind == "table":
        return k, _row_texts(items[-1].rows[0]), items[-1]
    return None, [], PageItem()


def _join_text(a: str, b: str) -> str:
    """Two pieces of one cell's text: Thai letters join with nothing, anything else a space."""
    if a and b and _THAI.match(a[-1]) and _THAI.match(b[0]):
        return a + b
    return f"{a} {b}" if a else b


def page_text_blocks(items: list[PageItem]) -> tuple[str, list[Block]]:
    """A page's text (its items one per line) and its blocks, spans into that text."""
    out = TextBuilder()
    for item in items:
        if item.kind != "table":
            out.line(str(item), item.kind, number=item.number)
            continue
        cells: list[Cell] = []
        header = item.header_rows  # else guessed from the titles (readers.common)
        for r, row in enumerate(item.rows):
            spans = out.table_row([c.text for c in row])
            cells.extend(Cell(s, e, r, c.col, c.row_span, c.col_span, r < header)
                         for c, (s, e) in zip(row, spans, strict=True))
        if cells:
            out.blocks.append(Block("table", cells[0].start, out.pos, cells=tuple(cells), header_rows=header))
    return out.text, out.blocks
