"""A self-check of one page's reading: is this Thai text, or damage that only looks like text?

Four measures, all cheap on a good page:
- well-formedness faults per 1000 Thai characters: a mark with no base, split or doubled SARA AM,
  Private-Use codes, a tone before an above vowel, a following vowel with nothing before it,
  a leading vowel with nothing after it (`thai.thai_damage`'s patterns plus the two vowel checks);
- the share of Thai characters in words outside the dictionary (newmm through nlpo3; measured on
  at most `OOD_SAMPLE` characters of the page, which tells garbage from text as well as the whole
  page does at a fraction of the cost). Clusters cut apart by spaces (`ตั วชี วั้ ด`), letters
  spaced out one by one (`ร อ ย ล ะ`) and text in a wrong encoding all land outside it;
- the share of glyphs without a Unicode mapping (glyphs the PDF draws but cannot name);
- the page's ink: what part of it is covered by images, and whether its text is drawn invisibly
  (the text layer a scanner's OCR puts over its image). Read only for pages that need it (little
  Thai text, or a doubtful reading), so a good page pays nothing for it.

`assess` turns them into a verdict: `good`; `doubtful` (readable, but worth a second glyph strategy,
and reported with its figures); `garbage` (glyphs without Unicode mapping, a junk OCR layer over a
page image, structural damage: OCR'd, or left out with a warning, never handed on) or `empty`.
"""

from __future__ import annotations

import ctypes
import functools
import re
from dataclasses import asdict, dataclass

from pipeline.thai import COMBINING, DAMAGE_PATTERNS, normalize_text

OOD_SAMPLE = 400           # Thai characters of a page tokenised for the dictionary check
GOOD_DAMAGE = 2.0          # faults per 1000 Thai characters a good page may have
GARBAGE_DAMAGE = 20.0
SECOND_READING_DAMAGE = 10.0
GOOD_OOD = 0.08            # share of Thai characters outside the dictionary (real reports: 0.3-3 %)
GARBAGE_UNMAPPED = 0.02    # share of glyphs without a Unicode mapping: text is lost, OCR may do better
MIN_THAI_SHARE = 0.30      # of a page's letters; below it the page is checked for a Thai image

# Thai letters counted by runs: one match a word, not one a letter
_THAI_LETTERS = re.compile("[\u0e01-\u0e2e\u0e30-\u0e4e]+")
_LATIN_LETTER = re.compile("[A-Za-z]")
_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")
# a following vowel (ะ า ำ ๅ) or a leading vowel (เ แ โ ใ ไ) cut off from its consonant
_ORPHAN_VOWEL = re.compile("(?:^|(?<=[^\u0e01-\u0e4e]))[\u0e30\u0e32\u0e33\u0e45]"
                           "|[\u0e40-\u0e44](?=[^\u0e01-\u0e2e]|$)", re.M)
_NOT_WORDS = frozenset("ฯๆ")


@dataclass
class PageQuality:
    """What one page's reading looked like; `pages_quality` in the record is a list of these."""

    page: int
    method: str = "text"            # text | clusters (ActualText spans as units) | ocr | none
    verdict: str = "good"           # good | doubtful | garbage | empty
    chars: int = 0                  # non-space characters read
    thai: int = 0                   # Thai characters among them
    damage_per_1000: float = 0.0    # well-formedness faults per 1000 Thai characters
    ood_share: float = 0.0          # Thai characters in words outside the dictionary
    unmapped_share: float = 0.0     # glyphs without a Unicode mapping
    image_cover: float | None = None  # share of the page under images (read only when needed)
    invisible_text: bool | None = None  # the text layer is drawn invisibly (an OCR layer)
    ocr_confidence: float | None = None  # Tesseract's mean word confidence, 0-100

    def as_record(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}

    @property
    def badness(self) -> float:
        """One figure to compare two readings of the same page: lower is better."""
        if self.thai == 0 and self.chars == 0:
            return 10.0
        thai_share = self.thai / self.chars if self.chars else 0.0
        return (self.damage_per_1000 / 100 + self.ood_share + 2 * self.unmapped_share
                + (0.5 * (1 - thai_share) if self.invisible_text else 0.0))


def ood_share(text: str, sample: int | None = OOD_SAMPLE) -> float:
    """Share of the Thai characters (of the first `sample` of them; None: all) that fall in words
    outside the dictionary. Each run of Thai is segmented on its own and its counts are kept
    (`_run_counts`): a report repeats its runs (`ล้านบาท`, its table headers) page after page."""
    limit = len(text) if sample is None else sample
    thai = bad = total = 0
    for m in _THAI_RUN.finditer(text):
        run = m.group()
        t, b = _run_counts(run)
        thai += t
        bad += b
        total += len(run)
        if total >= limit:
            break
    return bad / thai if thai else 0.0


def clear_caches() -> None:
    """Forget the runs counted so far (benchmarks that read the same files again)."""
    _run_counts.cache_clear()


@functools.lru_cache(maxsize=1 << 16)
def _run_counts(run: str) -> tuple[int, int]:
    """(Thai characters in words, those in words outside the dictionary) of one run of Thai."""
    from pipeline.tokenize import tokens, words

    vocab = words()
    thai = bad = 0
    for tok in tokens(normalize_text(run)):
        if tok[0] <= " " or tok in _NOT_WORDS:
            continue
        thai += len(tok)
        if tok not in vocab:
            bad += len(tok)
    return thai, bad


# The faults that survive `thai.normalize`: a mark with no base (not merely spaced off it), a
# `(cid:N)`, an orphaned vowel. Split SARA AM, PUA codes, marks out of order and spaces before marks
# are repaired downstream, so a page is measured as read, without normalising all of it.
_FAULTS = re.compile(
    "|".join(f"(?:{DAMAGE_PATTERNS[k].pattern})" for k in ("cid",))
    + f"|(?:^|(?<=[^\u0e01-\u0e2e\u0e30-\u0e4e ]))[{COMBINING}]"
    + f"|(?:{_ORPHAN_VOWEL.pattern})", re.M)
# `_FAULTS` counted fast: every fault but a `(cid:N)` is one character, so the count is the `(cid:N)`s
# plus the characters that match `_FAULT_CHAR`, the same conditions written with the character
# first (a leading character set lets the regex engine skip to the candidates; `_FAULTS`' leading
# lookbehinds make it try every position). A negative lookbehind over the character before is
# `^` or a positive one (a newline is in neither class); tests/test_pagecheck.py checks they agree.
_FOLLOWING_VOWELS = "\u0e30\u0e32\u0e33\u0e45"
_FAULT_CHAR = re.compile(
    f"[{COMBINING}{_FOLLOWING_VOWELS}\u0e40-\u0e44]"
    f"(?:(?<=[{COMBINING}])(?<![\u0e01-\u0e2e\u0e30-\u0e4e ].)"
    f"|(?<=[{_FOLLOWING_VOWELS}])(?<![\u0e01-\u0e4e].)"
    f"|(?<=[\u0e40-\u0e44])(?=[^\u0e01-\u0e2e]|$))", re.M)
_CID = DAMAGE_PATTERNS["cid"]


def faults(text: str) -> int:
    """How many matches of `_FAULTS` the text has."""
    return len(_FAULT_CHAR.findall(text)) + (len(_CID.findall(text)) if "(cid:" in text else 0)


def measure(text: str, page: int, glyphs: int = 0, unmapped: int = 0, method: str = "text") -> PageQuality:
    """The measures of one page's text (as read or normalised: the same figures)."""
    chars = len(text) - text.count(" ") - text.count("\n")
    thai_letters = sum(map(len, _THAI_LETTERS.findall(text)))
    q = PageQuality(page=page, method=method, chars=chars, thai=thai_letters)
    if thai_letters:
        q.damage_per_1000 = 1000 * faults(text) / thai_letters
        q.ood_share = ood_share(text)
    q.unmapped_share = unmapped / (glyphs + unmapped) if glyphs + unmapped else 0.0
    return q


def needs_ink(q: PageQuality, text: str) -> bool:
    """Whether the page's images and text rendering must be looked at: little Thai text."""
    if q.thai >= 20 and q.thai >= MIN_THAI_SHARE * q.chars:
        return False  # Thai is at least that share of all characters, so of the letters too
    letters = q.thai + len(_LATIN_LETTER.findall(text))
    return letters < 20 or q.thai < MIN_THAI_SHARE * letters


def assess(q: PageQuality) -> str:
    if q.chars == 0 or (q.image_cover and q.image_cover > 0.5 and q.chars < 100):
        return "empty"  # nothing, or a page number or stamp over a page image: no text layer
    if q.unmapped_share >= GARBAGE_UNMAPPED:
        return "garbage"
    if q.invisible_text and q.image_cover and q.image_cover > 0.5 and (q.thai < MIN_THAI_SHARE * q.chars):
        return "garbage"  # a Latin OCR layer over a page image: the scanner read Thai as Latin
    if q.thai >= 20 and q.damage_per_1000 >= GARBAGE_DAMAGE:
        return "garbage"
    # many words outside the dictionary in a visible, mapped layer: spaced or cut-up clusters
    # (a second glyph strategy may mend them) or decorative letter spacing, not a case for OCR
    if q.thai >= 20 and (q.damage_per_1000 > GOOD_DAMAGE or q.ood_share > GOOD_OOD):
        return "doubtful"
    return "good"


def worth_second_reading(q: PageQuality) -> bool:
    """Whether to read the page again with /ActualText spans as units: words cut apart (Skia's
    clusters), or heavy damage. A page with a few misplaced marks (2-10 per 1000) is not worth the
    second pass (~10 ms a page: the Budget Bureau volumes have dozens of such pages)."""
    return q.verdict == "garbage" or (q.verdict == "doubtful" and (q.ood_share > GOOD_OOD
                                                                   or q.damage_per_1000 >= SECOND_READING_DAMAGE))


@functools.cache
def _object_calls():
    """Page-object calls with untyped pointers (as in pdf_layout: the typed ones check every argument)."""
    from pypdfium2_raw.bindings import _libs

    lib, vp, i = _libs["pdfium"], ctypes.c_void_p, ctypes.c_int
    return (ctypes.CFUNCTYPE(vp, vp, i)(("FPDFPage_GetObject", lib)),
            ctypes.CFUNCTYPE(i, vp)(("FPDFPageObj_GetType", lib)),
            ctypes.CFUNCTYPE(i, vp, vp, vp, vp, vp)(("FPDFPageObj_GetBounds", lib)),
            ctypes.CFUNCTYPE(i, vp)(("FPDFTextObj_GetTextRenderMode", lib)))


def ink(page) -> tuple[float, bool, int]:
    """(share of the page under image objects, whether all its text is drawn invisibly,
    number of path objects). Image boxes are clipped to the page and may overlap (counted once
    per image: a scan is one image)."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    area = max(width * height, 1.0)
    handle = ctypes.cast(page.raw, ctypes.c_void_p).value
    get_obj, get_type, get_bounds, get_mode = _object_calls()
    vals = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.addressof(v) for v in vals]
    covered = 0.0
    texts = invisible = paths = 0
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = get_obj(handle, i)
        kind = get_type(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE and get_bounds(obj, *refs):
            left, bottom, right, top = (v.value for v in vals)
            w = min(right, width) - max(left, 0.0)
            h = min(top, height) - max(bottom, 0.0)
            if w > 0 and h > 0:
                covered += w * h
        elif kind == raw.FPDF_PAGEOBJ_TEXT:
            texts += 1
            invisible += get_mode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            paths += 1
    return min(covered / area, 1.0), texts > 0 and invisible >= 0.9 * texts, paths
