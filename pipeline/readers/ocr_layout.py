"""A scanned page's layout for the PDF layout code: Tesseract's words as glyphs in page space,
and the table rules drawn in the image, so a scan is read like a text layer — paragraphs
joined across wraps, ruled tables cut into cells, rows joined across pages (`pdf_layout`).

Scanners turn the page a little; the image is turned back before anything is read, so rules are
horizontal and vertical again (Tesseract's own estimate, `AnalyseLayout`, left 0.2-0.3 degrees:
rules then break into steps).
"""

from __future__ import annotations

import re
import statistics

import numpy as np

DARK = 128               # grey level below which a pixel is ink
RULE_H_INCH = 0.4        # a horizontal rule runs at least this far unbroken (letters' strokes do not)
RULE_V_INCH = 0.25       # a vertical rule: a table row is at least one line of text high
MIN_SKEW_DEGREES = 0.05  # below it the image is read as it is
SKEW_CELL = 2            # pixels per side of the ink mask the skew is measured on (4: twice the error)


def skew_degrees(image) -> float:
    """The angle the page was turned by, found as the rotation under which its rows of ink are
    sharpest (the projection profile: text lines and rules line up with the pixel rows): -3..3
    degrees by quarters, then to a twentieth. The ink is a half-size mask, a cell dark when
    any of its pixels is (averaging would grey a thin table rule away, and on a page of a few
    lines the rules are what shows the turn), and each angle's rows are counted from the ink's
    coordinates turned exactly: a rotated image's interpolation blurs every angle but zero, which
    then wins on pages of little ink."""
    f = SKEW_CELL
    dark = np.asarray(image) < DARK
    h, w = max(dark.shape[0] // f, 1) * f, max(dark.shape[1] // f, 1) * f
    dark = np.pad(dark, ((0, max(h - dark.shape[0], 0)), (0, max(w - dark.shape[1], 0))))[:h, :w]
    ys, xs = np.nonzero(dark.reshape(h // f, f, w // f, f).any(axis=(1, 3)))
    if len(ys) == 0:
        return 0.0
    ys, xs = ys - ys.mean(), xs - xs.mean()

    def sharpness(degrees: float) -> float:
        t = np.radians(degrees)
        rows = np.round(ys * np.cos(t) - xs * np.sin(t)).astype(np.int64)
        counts = np.bincount(rows - rows.min()).astype(np.float64)
        return float((counts * counts).sum())

    coarse = max((k * 0.25 for k in range(-12, 13)), key=sharpness)
    return max((coarse + k * 0.05 for k in range(-5, 6)), key=sharpness)


def deskew(api, image):
    """The image turned back by the scanner's skew (`skew_degrees`), set on `api`."""
    degrees = skew_degrees(image)
    if abs(degrees) >= MIN_SKEW_DEGREES:
        from PIL import Image

        image = image.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)
    api.SetImage(image)
    return image


def _runs(dark: np.ndarray, length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of at least `length` ink pixels along each row."""
    if dark.shape[1] < length:
        return []
    sums = np.cumsum(dark, axis=1, dtype=np.int32)
    sums = np.concatenate([np.zeros((dark.shape[0], 1), np.int32), sums], axis=1)
    full = (sums[:, length:] - sums[:, :-length]) == length  # the window starting here is all ink
    rows = np.flatnonzero(full.any(axis=1))
    out = []
    for r in rows:
        edges = np.flatnonzero(np.diff(np.concatenate([[0], full[r].astype(np.int8), [0]])))
        out.extend((int(r), int(a), int(b) - 1 + length) for a, b in zip(edges[::2], edges[1::2], strict=True))
    return out


def _pieces_joined(runs: list[tuple[int, int, int]], gap: int) -> list[tuple[float, int, int]]:
    """The runs of one rule (pixel rows a few apart, each a piece of it where a slight residual
    skew or the scan's noise broke it) as one (row, start, end): pieces that touch, on rows at most
    3 apart, whichever starts first."""
    out: list[list[float]] = []
    for r, a, b in sorted(runs):
        for rule in reversed(out[-8:]):  # the rules being built near this row
            if r - rule[3] <= 3 and a <= rule[2] + gap and b >= rule[1] - gap:
                rule[1], rule[2], rule[3] = min(rule[1], a), max(rule[2], b), r
                rule[4] += r
                rule[5] += 1
                break
        else:
            out.append([r, a, b, r, r, 1])  # first row, start, end, last row, row sum, rows
    return [(rule[4] / rule[5], int(rule[1]), int(rule[2])) for rule in out]


def crop(image, box: tuple[int, int, int, int]):
    """`image` cut to `box` where the box lies on it (PIL fills the rest black: a bar Tesseract
    would read)."""
    x0, y0, x1, y1 = box
    return image.crop((max(x0, 0), max(y0, 0), min(x1, image.width), min(y1, image.height)))


def rule_runs(image, dpi: int) -> tuple[list, list]:
    """The ink runs long enough to be table rules: (row, start, end) across and (column, start,
    end) down, in pixels (`_runs`); `without_rules` and `rules` both take them."""
    dark = np.asarray(image) < DARK
    return _runs(dark, int(RULE_H_INCH * dpi)), _runs(dark.T, int(RULE_V_INCH * dpi))


def without_rules(image, runs: tuple[list, list]):
    """The image with its table rules (`rule_runs`) painted out, and the pixel next to each side
    of them (a scan's grey edge): Tesseract's page layout reads a rule as a text line and drops
    the text of a cell it takes for part of a drawing (`3. ตัวชี้วัด` beside a form's rules)."""
    from PIL import Image

    across, down = runs
    if not across and not down:
        return image
    pixels = np.asarray(image).copy()
    for r, a, b in across:
        pixels[max(r - 1, 0):r + 2, a:b + 1] = 255
    for c, a, b in down:
        pixels[a:b + 1, max(c - 1, 0):c + 2] = 255
    return Image.fromarray(pixels)


MISSED_CELL = 4          # pixels per side of the cells ink left unread is looked for in
MISSED_MIN_INCH = 0.08   # such ink at least this high (a line of small print) is text Tesseract dropped


def missed_regions(image, word_boxes: list[tuple[int, int, int, int]], dpi: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of ink no recognised word covers, one per line of it: text Tesseract's page
    layout took for a picture and left unread (a form's `3. ตัวชี้วัด` alone in its cell, which
    it reads when shown that cell alone). Specks of a scan's noise are too small to count; a
    word's box covers the ink half a typical word's height around it (its marks)."""
    from pipeline.readers.ocr_digits import _components

    f = MISSED_CELL
    dark = np.asarray(image) < DARK
    h, w = (dark.shape[0] // f) * f, (dark.shape[1] // f) * f
    ink = dark[:h, :w].reshape(h // f, f, w // f, f).sum(axis=(1, 3)) >= 3
    typical = int(statistics.median(y1 - y0 for _, y0, _, y1 in word_boxes)) if word_boxes else 0
    min_h = max(MISSED_MIN_INCH * dpi, 0.6 * typical) / f  # lower: marks of a line, not a line
    for x0, y0, x1, y1 in word_boxes:
        pad = typical // 2 if y1 - y0 <= 3 * typical else 0  # not around a "word" read off a rule
        ink[max((y0 - pad) // f, 0):(y1 + pad) // f + 1, max((x0 - pad) // f, 0):(x1 + pad) // f + 1] = False
    if not ink.any():
        return []
    gap = max(int(0.1 * dpi / f), 1)  # the letters of one line, 0.1 inch apart at most, as one shape
    joined = ink.copy()
    for k in range(1, gap + 1):
        joined[:, k:] |= ink[:, :-k]
    closed = joined.copy()
    for k in range(1, gap + 1):
        closed[:, :-k] &= joined[:, k:]
    found = [(left * f, top * f, (right + 1) * f, (bottom + 1) * f)
             for top, left, bottom, right, _ in _components(closed | ink)
             if bottom - top + 1 >= min_h and right - left + 1 >= 2 * min_h]
    found.sort(key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)
    out: list[tuple[int, int, int, int]] = []
    for b in found:  # a piece mostly inside a bigger region is read with it
        if not any(_overlap(b, o) >= 0.5 * (b[2] - b[0]) * (b[3] - b[1]) for o in out):
            out.append(b)
    return out


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    return max(min(a[2], b[2]) - max(a[0], b[0]), 0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0)


def rules(runs: tuple[list, list], dpi: int, box: tuple[float, float, float, float]) -> tuple[list, list]:
    """The page's horizontal rules (y, x0, x1) and vertical rules (x, y0, y1) in page space (points,
    y up; `box` the crop box: left, bottom, right, top), as `pdf_layout.grids_from_rules` takes them,
    from the image's `rule_runs`."""
    s = 72.0 / dpi
    left, _, _, top = box
    gap = int(0.04 * dpi)  # a rule broken for up to 3 points is one rule
    h = [(top - r * s, left + a * s, left + b * s) for r, a, b in _outermost(_pieces_joined(runs[0], gap))]
    v = [(left + c * s, top - b * s, top - a * s) for c, a, b in _outermost(_pieces_joined(runs[1], gap))]
    return h, v


def _outermost(rules: list[tuple[float, int, int]], near: float = 4.0) -> list[tuple[float, int, int]]:
    """The rules without the pieces that lie along a longer one (`near` pixels from it, within its
    extent): a scan's rule is a few pixels thick and its edge breaks off in pieces, which a grid
    would take for a second rule ending where the piece ends."""
    longest_first = sorted(rules, key=lambda r: r[1] - r[2])
    kept: list[tuple[float, int, int]] = []
    for r in longest_first:
        if not any(abs(r[0] - k[0]) <= near and k[1] <= r[1] and r[2] <= k[2] for k in kept):
            kept.append(r)
    return sorted(kept)


SURE = 90  # a Thai reading this sure is not tried with other margins
_LATIN = re.compile(r"[A-Za-z]")
_THAI_READING = re.compile(r"[ก-๛0-9.,:/()\-]+")  # Thai letters, marks and digits, and a number's signs
_THAI_LETTER = re.compile(r"[ก-ฮ๐-๙]")


_THAI_PIECE = re.compile(r"[ก-๎]+")  # letters and marks, not digits


def _plausible_thai(text: str) -> bool:
    """A Thai reading worth a Latin one's place: Thai letters, digits and a number's signs, and
    each run of letters a dictionary word or words, or an abbreviation (`ลบ.`, `พ.ศ.`); read
    alone, an English word comes out as Thai letters that are no words (`PMQA` as `ขมเอว์`)."""
    from pipeline.tokenize import tokens, words

    if not _THAI_READING.fullmatch(text) or not _THAI_LETTER.search(text):
        return False
    for m in _THAI_PIECE.finditer(text):
        if text[m.end():m.end() + 1] == "." and len(m.group()) <= 3:
            continue
        if not all(t in words() for t in tokens(m.group())):
            return False
    return True


def reread_latin(line: list[list], image) -> None:
    """Words of `line` ([text, pixel box, spaced, confidence]) that the mixed Thai+English engine
    read as Latin letters, read again with the Thai model alone: the English model claims short
    Thai words and Thai numbers (`ลบ.` read `au.`, `พ.ศ.` `WA,`, `ก.พ.` `nw.`, `๒๙` `log`, `วันที่`
    `JUN`). The Thai reading replaces the Latin one when it is Thai and Tesseract is surer of it;
    a real English word or acronym (`BUDGET`, `PMQA`, `Covid`) reads as Thai with less confidence
    and stays."""
    from pipeline.readers import ocr

    api = None
    for word in line:
        text, (x0, y0, x1, y1), conf = word[0], word[1], word[3]
        if not _LATIN.search(text):
            continue
        api = api or ocr.thai_engine()
        if api is None:
            return
        best = conf
        for pad in ((y1 - y0) // 4, (y1 - y0) // 3, (y1 - y0) // 2):
            # a short word read alone is read differently by the margin left around it: the
            # surest of three readings
            api.SetImage(crop(image, (x0 - pad, y0 - pad, x1 + pad, y1 + pad)))
            thai = api.GetUTF8Text().strip()
            if _plausible_thai(thai) and api.MeanTextConf() > best:
                word[0], best = thai, api.MeanTextConf()
                if best >= SURE:
                    break
    if api is not None:
        api.Clear()


COLUMN_GAP = 0.8   # of a line's height: a gap between two words wider than this is a column gap
MIDDLE_ABOVE_BASE = 0.3  # a line's middle, above its baseline, in the page's typical line heights
NOISE_HEIGHT = 0.4       # a line lower than this share of the page's typical line is specks,
LOW_LINE = 0.7           # and one lower than this share is the marks of the line below read as a
LOW_LINE_CONFIDENCE = 80  # line of its own (`vy ' vy`) unless Tesseract is this sure of its words


def words(api, dpi: int, box: tuple[float, float, float, float], page_text: str, image=None,
          min_confidence: float = 0.0, problems: list[str] | None = None) -> list[tuple]:
    """Tesseract's text (after `Recognize`) as `pdf_layout` glyphs in page space: (text, left,
    right, height, middle, False), one per run of a text line with no column gap in it.

    Tesseract's Thai "words" are mostly single letters and marks, in reading order (a mark's box
    over its base's); its page text (`page_text`, `GetUTF8Text`) writes them with a space only
    where it judged one real, so each word is found there in turn and a run is their texts with
    those spaces. A gap wider than a column gap starts a new run: a line Tesseract ran across two
    table cells splits there. A run takes its line's height, and a middle a fixed distance above
    its line's baseline (the page's typical line height x `MIDDLE_ABOVE_BASE`): one line's runs
    group as one line however far their marks reach, and lines are as far apart as their
    baselines, which the marks a line happens to have do not move (the middle of its box would,
    and paragraphs would not join at the page's line pitch). A "line" much lower than the page's
    typical one (`NOISE_HEIGHT`) is the scan's specks read as text, and one somewhat lower read
    with little confidence (`LOW_LINE`) the marks of the line below: both are left out. Numbers in
    Thai digits are read again from the ink of `image` (the page as recognised) by `ocr_digits`,
    words read as Latin by the Thai model (`reread_latin`), tone marks and spaces checked by
    `ocr_spelling`. Words read with less than `min_confidence` are left out. A correction that
    fails leaves its line as Tesseract read it and is named in `problems`."""
    import tesserocr

    problems = [] if problems is None else problems
    s = 72.0 / dpi
    out: list[tuple] = []  # (text, x0, x1, height, baseline in pixels)
    it = api.GetIterator() if page_text.strip() else None
    if it is None:
        return out
    dark = np.asarray(image) < DARK if image is not None else None
    word_level, line_level = tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
    line_box, line = None, []  # the words of the line being read: [text, box, spaced]
    pos = 0  # where the next word is looked for in page_text
    while True:
        if it.IsAtBeginningOf(line_level):
            _line_runs(line, line_box, image, dark, dpi, box, out, problems)
            line_box, line = it.BoundingBox(line_level), []
            base = it.Baseline(line_level)
            if line_box and base:
                line_box = (*line_box, (base[0][1] + base[1][1]) / 2)
        text, wbox = _text(it, word_level), it.BoundingBox(word_level)
        if text and wbox and line_box:
            at = page_text.find(text, pos)
            spaced = at > pos and not page_text[pos:at].strip() and " " in page_text[pos:at]
            pos = at + len(text) if at >= 0 else pos
            conf = it.Confidence(word_level)
            if conf >= min_confidence:
                line.append([text, wbox, spaced, conf])
        if not it.Next(word_level):
            break
    _line_runs(line, line_box, image, dark, dpi, box, out, problems)
    if not out:
        return out
    typical = _typical_height(out)
    _, _, _, top = box
    return [(text, x0, x1, h, top - base * s + MIDDLE_ABOVE_BASE * typical, False)
            for text, x0, x1, h, base, conf in out
            if h >= NOISE_HEIGHT * typical and (h >= LOW_LINE * typical or conf >= LOW_LINE_CONFIDENCE)]


def word_boxes(api) -> list[tuple[int, int, int, int]]:
    """The pixel boxes of every text line and word Tesseract recognised (after `Recognize`): a
    Thai line's box takes in the marks above and below its letters, which a word's box may not."""
    import tesserocr

    out = []
    for level in (tesserocr.RIL.TEXTLINE, tesserocr.RIL.WORD):
        it = api.GetIterator()
        while it is not None:
            b = it.BoundingBox(level)
            if b:
                out.append(b)
            if not it.Next(level):
                break
    return out


def _typical_height(runs: list[tuple]) -> float:
    """The height of the line the page's text is mostly in: the median of the runs' heights, each
    counted by its letters (specks and marks read as lines come in many short runs)."""
    ordered = sorted((r[3], len(r[0])) for r in runs)
    half, seen = sum(n for _, n in ordered) / 2, 0
    for height, n in ordered:
        seen += n
        if seen >= half:
            return height
    return ordered[-1][0]


def _soft(step, problems: list[str]):
    """Run one of the corrections Tesseract's reading gets; should one fail (a bug on an image
    nobody foresaw), the line keeps Tesseract's own reading and `problems` says so: a page is not
    lost for a correction."""
    try:
        return step()
    except Exception as e:  # any failure of a correction leaves the reading as it was
        problems.append(f"{type(e).__name__}: {e}")
        return None


def _line_runs(line: list[list], line_box, image, dark, dpi: int, box: tuple, out: list[tuple],
               problems: list[str]) -> None:
    """One text line's words as glyphs, one per run with no column gap in it, appended to `out`."""
    if not line or line_box is None:
        return
    from pipeline.readers import ocr_spelling

    if dark is not None:
        from pipeline.readers import ocr_digits

        for step in (lambda: reread_latin(line, image), lambda: ocr_digits.reread_line(line, line_box, dark)):
            _soft(step, problems)
    s = 72.0 / dpi
    left = box[0]
    y0, y1 = line_box[1], line_box[3]
    base = line_box[4] if len(line_box) > 4 else y1 - 0.25 * (y1 - y0)  # no baseline: above the descents
    run: list = []  # [text, x0, x1] in pixels
    confidence = statistics.fmean(w[3] for w in line)

    def flush() -> None:
        if run and run[0].strip():
            text = run[0].strip()
            corrected = _soft(lambda: ocr_spelling.correct(text), problems)
            out.append((corrected or text, left + run[1] * s, left + run[2] * s, (y1 - y0) * s, base, confidence))
        run.clear()

    for text, wbox, spaced, _ in line:
        if not text:
            continue  # a shape ocr_digits gave to the word before
        if run and wbox[0] - run[2] > COLUMN_GAP * max(y1 - y0, 1):
            flush()
        if not run:
            run.extend([text, wbox[0], wbox[2]])
        else:
            run[0] += (" " if spaced else "") + text
            run[2] = max(run[2], wbox[2])
    flush()


def _text(it, level) -> str:
    """An element's text; tesserocr raises for an element with none."""
    try:
        return (it.GetUTF8Text(level) or "").strip()
    except RuntimeError:
        return ""
