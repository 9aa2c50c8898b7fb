"""Thai digits on a scanned page, read again by their shapes.

Tesseract's Thai model (Debian's `tesseract-ocr-tha`) misreads the Thai digits of the fonts Thai
documents are set in: in TH Sarabun (the government font; Laksaman is its clone) ๖ comes out ๒,
๗ as ๓ or ๑๓, ๘ as ๕, ๙ as ส, at any scale and with a digits-only whitelist too, so `๒๕๖๖` reads
`๒๕๒๒` and a budget year or an amount is lost. Thai letters it reads well.

The Arabic digits of the Thai fonts fare little better (`1/2565` read `112565`, `1,117.6`
`1411766`, a leading `1,` lost): on the 25 scanned reports 25 of 647 Arabic numbers came out
wrong, 17 once they are read here too.

So where Tesseract read a number with Thai digits, or a word of Arabic digits and signs alone,
the ink there is cut into its connected shapes, and each is matched against the digits as the
Thai fonts draw them
(`pipeline/data/thai_digit_shapes.npz`, made by `scripts/make_digit_templates.py` from
fonts-thai-tlwg). Arabic digits and `/` are matched too (`1๔`: the two kinds mix in one number);
the Thai consonants are rivals only: a shape nearest to one of them, or near to nothing, leaves
Tesseract's reading of the number as it was. Full stops, commas, hyphens and colons are told by
their size and place against the digits. The words keep Tesseract's spacing: each shape goes to
the word its middle lies in.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from statistics import median

import numpy as np

from pipeline.readers.ocr_image import components

SIZE = 16              # a shape is compared as a SIZE x SIZE grey square of its ink box
ASPECT_WEIGHT = 2.0    # weight of the (log) width/height difference against the squares' distance
NUMBER_SPACE = 0.52    # of a digit's height: a gap this wide between two shapes is a word space
MAX_DISTANCE = 0.6     # a match further than this is no match (right ones: 0.05-0.5, others 0.6+)
SHAPES = Path(__file__).resolve().parent.parent / "data" / "thai_digit_shapes.npz"

THAI_DIGIT = re.compile(r"[๐-๙]")
_DIGIT = re.compile(r"[๐-๙0-9]")
_READABLE = set("๐๑๒๓๔๕๖๗๘๙0123456789/")  # what a matched shape may become here
_NUMBERISH = re.compile(r"[๐-๙0-9.,/:\-]+")  # characters of a number as written
# a comma with other than three digits after it, inside a number: a speck of the scan, not a
# thousands separator (`25,66`)
_STRAY_COMMA = re.compile(r"(?<=[๐-๙0-9]),(?=[๐-๙0-9]{1,2}(?![๐-๙0-9])|[๐-๙0-9]{4})")


def shape_of(dark: np.ndarray) -> tuple[np.ndarray, float]:
    """A glyph's ink as (unit vector of its ink box scaled to SIZE x SIZE, log of width/height)."""
    from PIL import Image

    ys, xs = np.nonzero(dark)
    box = dark[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = box.shape
    grey = Image.fromarray(box.astype(np.uint8) * 255).resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    v = np.asarray(grey, np.float32).ravel() / 255
    v -= v.mean()
    v /= float(np.linalg.norm(v)) + 1e-6
    return v, float(np.log(w / h))


def nearest(dark: np.ndarray, shapes: np.ndarray, aspects: np.ndarray, labels: np.ndarray) -> tuple[str, float]:
    """The label of the shape nearest to `dark`, and its distance."""
    v, aspect = shape_of(dark)
    distance = ((shapes - v) ** 2).sum(axis=1) + ASPECT_WEIGHT * (aspects - aspect) ** 2
    i = int(distance.argmin())
    return str(labels[i]), float(distance[i])


@functools.cache
def _shapes() -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    if not SHAPES.exists():
        return None
    data = np.load(SHAPES)
    shapes = data["shapes"].astype(np.float32)
    shapes /= np.linalg.norm(shapes, axis=1, keepdims=True) + 1e-6
    return shapes, data["aspects"], data["labels"]


def _worth_reading(run: list[list]) -> bool:
    """Whether a number's words are read again: any with Thai digits, or Arabic digits that
    Tesseract read as a number alone. The Arabic digits of the Thai fonts are not the Latin
    fonts' its model knows best (`1/2565` read `112565`, `1,117.6` read `1411766`, a line's
    leading `1,` lost); a word with a letter or `%` in it (`53%`, whose rings match `0`) keeps
    Tesseract's reading."""
    if any(THAI_DIGIT.search(w[0]) for w in run):
        return True
    return all(_NUMBERISH.fullmatch(w[0]) for w in run) and any(_DIGIT.search(w[0]) for w in run)


def _is_numberish(text: str) -> bool:
    """A word Tesseract read as (mostly) digits and the signs written in numbers."""
    return 2 * sum(map(len, _NUMBERISH.findall(text))) >= len(text)


def _read_shapes(comps: list, core: tuple[int, int]) -> tuple[list[tuple[float, str, float]], float] | None:
    """(middle x, character, half width) of each shape of a number (`comps` left to right, cut from its text
    line; `core` the x range Tesseract gave the number), or None when one is not a clear digit or
    sign (the number is then left as Tesseract read it). A shape at either end that is no digit
    and lies mostly outside `core` is a neighbouring letter's: Tesseract's LSTM boxes are only
    roughly where the ink is, so the ink a little outside them is looked at too."""
    table = _shapes()
    if table is None or not comps:
        return None
    heights = [c[2] - c[0] + 1 for c in comps]
    tallest = max(heights)  # a digit or `/`: the tallest shapes of a number
    body = [(c, h) for c, h in zip(comps, heights, strict=True) if h >= 0.5 * tallest]
    digit_h = median(h for _, h in body)
    base = median(c[2] for c, _ in body)
    out: list[tuple[float, str, float] | None] = []
    inside: list[bool] = []
    last: tuple[tuple, int] | None = None  # the digit shape before and how many digits it gave
    for comp, h in zip(comps, heights, strict=True):
        top, left, bottom, right, mask = comp
        w, mid = right - left + 1, (left + right) / 2
        if not base - 1.1 * digit_h <= (top + bottom) / 2 <= base + 0.3 * digit_h:
            continue                       # a mark of the line above or below
        inside.append(min(right, core[1]) - max(left, core[0]) >= 0.5 * w)
        if h > 1.6 * digit_h:
            out.append(None)               # a rule or shapes run together: not a number's
            last = None
        elif h >= 0.55 * digit_h:
            read = _glyphs(mask, table, digit_h)
            if read is None and last is not None and left - last[0][3] <= 0.2 * digit_h:
                # a stroke the scan broke off the digit before (a bold ๑'s tail): the two as one
                union = _union(last[0], comp)
                read = _glyphs(union[4], table, digit_h)
                if read is not None:
                    del out[-last[1]:], inside[-last[1] - 1:-1]
                    comp, left = union, union[1]
            for x, label, hw in read or [(0.0, "", 0.0)]:
                out.append((left + x, label, hw) if read else None)
                inside.append(inside[-1])
            inside.pop()
            last = (comp, len(read)) if read else None
        elif h <= 0.45 * digit_h or (w <= 0.35 * digit_h and top >= base - 0.55 * digit_h):
            # a sign: small, or narrow and in the lower half (a comma reaches half a digit's height)
            if out and out[-1] and out[-1][1] in ".," and abs(out[-1][0] - mid) < 0.2 * digit_h:
                out[-1] = (out[-1][0], ":", out[-1][2])  # two dots one over the other
                inside.pop()
            elif w > 1.5 * h and w > 0.25 * digit_h and bottom < base - 0.15 * digit_h:
                out.append((mid, "-", w / 2))
            else:
                out.append((mid, "," if bottom > base + 0.12 * digit_h else ".", w / 2))
        else:
            out.append(None)
    while out and (out[0] is None or out[0][1] in ".,-:") and not inside[0]:
        out.pop(0)
        inside.pop(0)
    while out and (out[-1] is None or out[-1][1] in ".,-:") and not inside[-1]:
        out.pop()
        inside.pop()
    if not out or any(r is None for r in out) or not any(_DIGIT.match(r[1]) for r in out):
        return None
    return [r for r in out if r is not None], digit_h


def _union(a: tuple, b: tuple) -> tuple:
    """Two shapes (top, left, bottom, right, mask) as one."""
    top, left, bottom, right = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
    mask = np.zeros((bottom - top + 1, right - left + 1), bool)
    for t, lf, _, _, m in (a, b):
        mask[t - top:t - top + m.shape[0], lf - left:lf - left + m.shape[1]] |= m
    return top, left, bottom, right, mask


def _glyphs(mask: np.ndarray, table: tuple, digit_h: float, depth: int = 2) -> list[tuple[float, str, float]] | None:
    """(middle x within `mask`, character, half width) of the digits one shape is: itself, or, when it matches
    nothing and is wide enough for two, the two digits a scan's noise ran together, cut at the
    column of least ink in its middle."""
    label, distance = nearest(mask, *table)
    w = mask.shape[1]
    if label in _READABLE and distance <= MAX_DISTANCE:
        return [((w - 1) / 2, label, w / 2)]
    if depth == 0 or w < 0.9 * digit_h:
        return None
    ink = mask.sum(axis=0)
    lo, hi = int(0.3 * w), int(0.7 * w) + 1
    cut = lo + int(ink[lo:hi].argmin())
    parts = []
    for part, x0 in ((mask[:, :cut], 0), (mask[:, cut + 1:], cut + 1)):
        if not part.any():
            return None
        xs = np.flatnonzero(part.any(axis=0))
        read = _glyphs(part[:, xs[0]:xs[-1] + 1], table, digit_h, depth - 1)
        if read is None:
            return None
        parts += [(x0 + xs[0] + x, ch, hw) for x, ch, hw in read]
    return parts


def reread_line(words: list[list], line_box: tuple[int, int, int, int], dark: np.ndarray) -> None:
    """Rewrite in place the Thai-digit numbers among one text line's `words` ([text, (x0, y0, x1,
    y1) pixel box, ...], in reading order) from the ink of `dark` (the page, True = ink) within
    the line's box."""
    numberish = [_is_numberish(w[0]) for w in words]
    digits = [bool(_DIGIT.search(w[0])) for w in words]
    for k in range(1, len(words) - 1):
        # one letter between two parts of a number with no space: a digit misread (`๒๕ส๐`)
        if len(words[k][0]) == 1 and digits[k - 1] and digits[k + 1] and not words[k][2] and not words[k + 1][2]:
            numberish[k] = True
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and numberish[j]:
            j += 1
        if _worth_reading(words[i:j]):
            others = [w[1] for w in words[:i] + words[j:]]
            _reread_run(words[i:j], line_box, dark, others)
        i = max(j, i + 1)


def _reread_run(run: list[list], line_box: tuple[int, int, int, int], dark: np.ndarray, others: list) -> None:
    """Rewrite one number's words from their ink; `others` the boxes of the line's other words,
    whose ink is theirs."""
    boxes = [w[1] for w in run]
    x0, x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
    top, bottom = max(line_box[1], 0), min(line_box[3] + 1, dark.shape[0])
    pad = (bottom - top) // 4  # Tesseract's LSTM boxes may miss a digit's edge, or a digit
    left = max(x0 - 3 * pad, 0)
    crop = dark[top:bottom, left:x1 + 3 * pad + 1]
    comps = []
    for c in components(crop):
        a, b = c[1] + left, c[3] + left
        rule = c[2] - c[0] >= 0.9 * (bottom - top) and b - a <= 0.15 * (c[2] - c[0])
        mid = (a + b) / 2
        theirs = not x0 <= mid <= x1 and any(o[0] <= mid <= o[2] for o in others)
        if c[4].sum() >= 4 and not rule and b >= x0 - pad and a <= x1 + pad and not theirs:
            comps.append(c)
    comps.sort(key=lambda c: c[1])
    read = _read_shapes(comps, (x0 - left, x1 - left))
    if not read:
        return
    shapes, digit_h = read
    texts = [""] * len(run)
    spaced = [w[2] for w in run]
    prev: tuple[int, float] | None = None  # the word and right edge of the shape before
    for mid, ch, half in shapes:
        x = mid + left
        k = next((k for k, b in enumerate(boxes) if b[0] <= x <= b[2]),
                 min(range(len(boxes)), key=lambda k: min(abs(boxes[k][0] - x), abs(boxes[k][2] - x))))
        if prev is not None and k != prev[0] and not texts[k]:
            # a number's digits are 0.02-0.48 of a digit's height apart in the eight tlwg designs,
            # `1๔` included, digits a space apart 0.55-1.36: less is one number that Tesseract
            # cut in two words
            spaced[k] = bool(x - half - prev[1] >= NUMBER_SPACE * digit_h)
        texts[k] += ch
        prev = (k, x + half)
    for word, text, space in zip(run, texts, spaced, strict=True):
        word[0], word[2] = _STRAY_COMMA.sub("", text), space
