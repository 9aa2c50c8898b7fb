"""A scanned page as an image: the scanner's turn measured and turned back, the table rules found
(for the grid) and painted out (for Tesseract), ink no recognised word covers found, and an
image's connected shapes.

Scanners turn the page a little; the image is turned back before anything is read, so rules are
horizontal and vertical again (Tesseract's own estimate, `AnalyseLayout`, left 0.2-0.3 degrees:
rules then break into steps).
"""

from __future__ import annotations

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
    # painted the paper's own grey, not white: on a grey, noisy scan white strokes draw the
    # table again, and Tesseract's layout took a page of two cells for a picture (read as `2`)
    paper = int(np.median(pixels[::8, ::8]))
    for r, a, b in across:
        pixels[max(r - 1, 0):r + 2, a:b + 1] = paper
    for c, a, b in down:
        pixels[a:b + 1, max(c - 1, 0):c + 2] = paper
    return Image.fromarray(pixels)


PAPER_SPREADS = 4  # grey within this many of the paper's spreads (median - lower quartile) is paper


def flat_paper(image):
    """The image with its paper white: a scan's grey, speckled paper level. Tesseract binarises
    a page by one Otsu threshold, and on a page with little ink (a table's last row carried
    over) that threshold falls inside the paper's own noise, which then reads as a picture (the
    page came out `2`; Sauvola's local threshold instead cost 0.007 on the 25 scanned reports)."""
    from PIL import Image

    pixels = np.asarray(image)
    sample = pixels[::8, ::8]
    paper = float(np.median(sample))
    spread = paper - float(np.percentile(sample, 25))
    if spread <= 0 or paper < 1.5 * DARK:  # clean paper already, or no light paper to speak of
        return image
    out = pixels.copy()
    out[out >= paper - PAPER_SPREADS * spread] = 255
    return Image.fromarray(out)


MISSED_CELL = 4          # pixels per side of the cells ink left unread is looked for in
MISSED_MIN_INCH = 0.08   # such ink at least this high (a line of small print) is text Tesseract dropped


def missed_regions(image, word_boxes: list[tuple[int, int, int, int]], dpi: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of ink no recognised word covers, one per line of it: text Tesseract's page
    layout took for a picture and left unread (a form's `3. ตัวชี้วัด` alone in its cell, which
    it reads when shown that cell alone). Specks of a scan's noise are too small to count; a
    word's box covers the ink half a typical word's height around it (its marks)."""
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
             for top, left, bottom, right, _ in components(closed | ink)
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


def components(dark: np.ndarray) -> list[tuple[int, int, int, int, np.ndarray]]:
    """(top, left, bottom, right, mask) of each 8-connected ink shape of a small crop."""
    h, w = dark.shape
    seen = np.zeros_like(dark)
    out = []
    for y0, x0 in zip(*np.nonzero(dark), strict=True):
        if seen[y0, x0]:
            continue
        stack, pixels = [(y0, x0)], []
        seen[y0, x0] = True
        while stack:
            y, x = stack.pop()
            pixels.append((y, x))
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < h and 0 <= nx < w and dark[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        ys, xs = zip(*pixels, strict=True)
        top, left, bottom, right = min(ys), min(xs), max(ys), max(xs)
        mask = np.zeros((bottom - top + 1, right - left + 1), bool)
        mask[np.array(ys) - top, np.array(xs) - left] = True
        out.append((top, left, bottom, right, mask))
    return out
