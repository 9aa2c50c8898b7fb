"""Naming glyphs that a PDF draws without a Unicode mapping, from the words around them.

Ghostscript's pdfwrite (and printer drivers built on it) re-encode an embedded font and rebuild
its ToUnicode map; a glyph that stood for two texts in the original (Laksaman's SARA AA, alone and
as the second half of SARA AM under /ActualText) gets no entry, and every `า` of the document
vanishes (`สำนักงน`). Each such glyph is one code of one font, the same character everywhere it
appears, so it can be solved like a substitution cipher: try every Thai letter and vowel in its
place and keep the one under which the words around it are dictionary words, when that choice is
clear. A placeholder that stays unclear is dropped (and counted) as before.
"""

from __future__ import annotations

import re

from pipeline.readers.pagecheck import ood_share
from pipeline.readers.pdf_layout import PLACEHOLDER_BASE

# Spacing Thai characters a glyph can stand for (combining marks sit on another glyph's box and
# are placed by pdf_layout; an unnamed one is left to OCR).
CANDIDATES = [chr(c) for c in range(0x0E01, 0x0E2F)] + list("ะาำเแโใไๅฯๆ")
_PLACEHOLDERS = re.compile(f"[{chr(PLACEHOLDER_BASE)}-{chr(PLACEHOLDER_BASE + 0xFFF)}]")
_RUN = re.compile(f"[\u0e01-\u0e4e{chr(PLACEHOLDER_BASE)}-{chr(PLACEHOLDER_BASE + 0xFFF)}]+")
MIN_SEEN = 3        # occurrences on a page before a glyph is solved there
MAX_CONTEXT = 80    # runs of text around it that are tried
CLEAR = 0.6         # the best candidate's share of unknown words must be this far below the runner-up's
GOOD_ENOUGH = 0.15  # ... and low in itself
MAX_SHARE = 0.15    # unnamed glyphs' share of a page's Thai letters; the commonest letter (า) is ~8 %


def decode(text: str, solved: dict[str, str]) -> tuple[str, int, int]:
    """Placeholders in `text` named (those of earlier pages from `solved`, which is updated);
    returns (text, glyphs named, glyphs dropped)."""
    seen: dict[str, int] = {}
    for m in _PLACEHOLDERS.finditer(text):
        seen[m.group()] = seen.get(m.group(), 0) + 1
    if not seen:
        return text, 0, 0
    letters = sum(len(m.group()) for m in _RUN.finditer(text))
    # one or two unnamed glyphs among named text is a cipher with a crib; a font with no names at
    # all (local-government PDFs in Microsoft Sans Serif: 69 codes, no Thai letter named) is not
    # solved one glyph at a time: that page goes to OCR
    solvable = sum(seen.values()) <= MAX_SHARE * letters
    for ph, count in sorted(seen.items(), key=lambda kv: -kv[1]):
        if ph in solved or not solvable or count < MIN_SEEN:
            continue
        runs = [m.group() for m in _RUN.finditer(text) if ph in m.group()][:MAX_CONTEXT]
        context = _PLACEHOLDERS.sub("", " ".join(runs).replace(ph, "\x00"))
        scores = sorted((ood_share(context.replace("\x00", c)), c) for c in CANDIDATES)
        (best, char), (second, _) = scores[0], scores[1]
        if best <= GOOD_ENOUGH and best <= CLEAR * second:
            solved[ph] = char
    named = sum(n for ph, n in seen.items() if ph in solved)
    text = _PLACEHOLDERS.sub(lambda m: solved.get(m.group(), ""), text)
    return text, named, sum(seen.values()) - named


def apply(text: str, solved: dict[str, str]) -> str:
    """Placeholders named as already solved; the rest dropped."""
    return _PLACEHOLDERS.sub(lambda m: solved.get(m.group(), ""), text)
