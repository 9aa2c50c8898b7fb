"""Thai marks whose Unicode label contradicts where they are drawn, relabelled from the words.

Ghostscript's pdfwrite (and the "print to PDF" drivers built on it) re-encodes an embedded font
and rebuilds its ToUnicode map; with fonts whose mark glyphs come in positional variants
(TLWG's Laksaman, TH Sarabun) it can give a variant the code of another mark: a MAI THO drawn
above `ล` arrives as SARA UU (`ลูาน` for `ล้าน`), a SARA U under `ย` as MAI EK (`อาย่`). The text
reads as well-formed Thai, only outside the dictionary.

Where a mark is drawn is in the file: its ink box sits above the x-height (ั ิ ี ึ ื ็ and the
tones) or below the baseline (ุ ู ฺ). A mark drawn on the wrong side of its line for its label is
mislabelled; each (label, side) is one glyph of one font, the same character wherever it
appears, so its true character is solved like a substitution: every mark of that side is tried in
its place and the one under which the page's words are dictionary words is kept, when that
choice is clear. Read only for pages the self-check finds with many words outside the
dictionary; a good page pays nothing.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Callable

from pipeline.thai import normalize_text

ABOVE = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d"
BELOW = "\u0e38\u0e39\u0e3a"
SIDE_OF = {**dict.fromkeys(ABOVE, "above"), **dict.fromkeys(BELOW, "below")}
MARKS_OF = {"above": ABOVE, "below": BELOW}

TRIGGER_OOD = 0.03   # a page's share of Thai outside the dictionary from which its marks are checked
MIN_MISPLACED = 3    # marks drawn on the wrong side before a page is relabelled at all
MIN_PER_LABEL = 2    # occurrences of one (label, side) before it is solved
CLEAR = 0.7          # the best relabelling's share outside the dictionary, at most this times today's


def misplaced(raw, textpage) -> dict[tuple[str, float, float], str]:
    """Marks drawn on the other side of their line from where their label belongs: (label, loose
    box left, right) -> the side they are drawn on. The ink box's middle against the baseline,
    in units of the line's height: above marks sit at 0.5-0.9, below marks at -0.1 to -0.8."""
    n = raw.FPDFText_CountChars(textpage)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    loose = raw.FS_RECTF()
    out: dict[tuple[str, float, float], str] = {}
    for i in range(n):
        label = chr(raw.FPDFText_GetUnicode(textpage, i))
        side = SIDE_OF.get(label)
        if side is None:
            continue
        if not (raw.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
                and raw.FPDFText_GetCharOrigin(textpage, i, x, y) and raw.FPDFText_GetLooseCharBox(textpage, i, loose)):
            continue
        height = loose.top - loose.bottom
        if height <= 1.0:
            continue
        mid = ((bottom.value + top.value) / 2 - y.value) / height
        drawn = "above" if mid > 0.3 else "below" if mid < 0.0 else None
        if drawn is not None and drawn != side:
            out[(label, round(loose.left, 2), round(loose.right, 2))] = drawn
    return out


def relabel(glyphs: list, found: dict[tuple[str, float, float], str], mapping: dict[tuple[str, str], str]) -> list:
    """The glyphs with every misplaced mark given the character `mapping` solves for its (label, side)."""
    if not mapping:
        return glyphs
    out = []
    for g in glyphs:
        side = found.get((g[0], round(g[1], 2), round(g[2], 2))) if g[0] in SIDE_OF else None
        new = mapping.get((g[0], side)) if side else None
        out.append((new, *g[1:]) if new else g)
    return out


def solve(glyphs: list, found: dict[tuple[str, float, float], str], known: dict[tuple[str, str], str],
          read: Callable[[list], str], ood: Callable[[str], float]) -> dict[tuple[str, str], str]:
    """The character of each (label, side) seen at least MIN_PER_LABEL times: `known` (solved on
    earlier pages, kept) plus those solved here; `read` lays glyphs out as text, `ood` measures it."""
    counts = Counter((label, side) for (label, _, _), side in found.items())
    mapping = {k: v for k, v in known.items() if k in counts}
    if all(k in mapping for k in counts):
        return mapping
    current = ood(normalize_text(read(relabel(glyphs, found, mapping))))
    for key, n in counts.most_common():
        if key in mapping or n < MIN_PER_LABEL:
            continue
        scores = sorted((ood(normalize_text(read(relabel(glyphs, found, {**mapping, key: c})))), c)
                        for c in MARKS_OF[key[1]])
        best, char = scores[0]
        if best <= CLEAR * current and (len(scores) == 1 or best < scores[1][0]):
            mapping[key] = char
            current = best
    return mapping
