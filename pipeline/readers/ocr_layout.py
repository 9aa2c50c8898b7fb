"""A scanned page's layout for the PDF layout code: Tesseract's words as glyphs in page space,
so a scan is read like a text layer — paragraphs joined across wraps, ruled tables (the rules
from `ocr_image`) cut into cells, rows joined across pages (`pdf_layout`) — with the corrections
of what Tesseract reads: Latin words read again in Thai here, numbers in Thai digits by
`ocr_digits`, tone marks, letters and spaces by `ocr_spelling`.
"""

from __future__ import annotations

import itertools
import re
import statistics

import numpy as np

from pipeline.readers.ocr_image import DARK, crop
from pipeline.thai import COMBINING

SPACE_GAP = 0.2  # of a line's height: a gap this wide between two runs of one line is a word space
SURE = 90  # a Thai reading this sure is not tried with other margins
_LATIN = re.compile(r"[A-Za-z]")
_THAI_READING = re.compile(r"[ก-๛0-9.,:/()\-]+")  # Thai letters, marks and digits, and a number's signs
_THAI_LETTER_OR_DIGIT = re.compile(r"[ก-ฮ๐-๙]")
_THAI_PIECE = re.compile(r"[ก-๎]+")  # letters and marks, not digits
_NUMBER = re.compile(r"[0-9๐-๙]+(?:[.,/:\-][0-9๐-๙]+)*")
_THAI_BASE = re.compile(r"[ก-ฯะาำเ-ๅ]")  # letters and the vowels written on the line, not marks


def _plausible_thai(text: str) -> bool:
    """A Thai reading worth a Latin one's place: Thai letters, digits and a number's signs, and
    each run of letters a dictionary word or words, or an abbreviation (`ลบ.`, `พ.ศ.`); read
    alone, an English word comes out as Thai letters that are no words (`PMQA` as `ขมเอว์`)."""
    from pipeline.readers.pagecheck import ood_share

    if not _THAI_READING.fullmatch(text) or not _THAI_LETTER_OR_DIGIT.search(text):
        return False
    return all(ood_share(m.group(), sample=None) == 0.0 for m in _THAI_PIECE.finditer(text)
               if not (text[m.end():m.end() + 1] == "." and len(m.group()) <= 3))


def reread_latin(line: list[list], image) -> None:
    """Words of `line` ([text, pixel box, spaced, confidence]) that the mixed Thai+English engine
    read as Latin letters, read again with the Thai model alone: the English model claims short
    Thai words and Thai numbers (`ลบ.` read `au.`, `พ.ศ.` `WA,`, `ก.พ.` `nw.`, `๒๙` `log`, `วันที่`
    `JUN`). The Thai reading replaces the Latin one when it is Thai and Tesseract is surer of it
    (or sure: `SURE`); a real English word or acronym (`BUDGET`, `PMQA`, `Covid`) reads as Thai with less confidence
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
        # the Thai model is seldom surer than SURE (`ลบ.` 90-93) where the English one may be
        # (`au.` 93-95): a Thai reading that sure is enough
        best = min(conf, SURE - 1)
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
          min_confidence: float = 0.0, problems: list[str] | None = None,
          split_marks: list | None = None) -> list[tuple]:
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
    with little confidence (`LOW_LINE`) the marks of the line below, unless it reads as words:
    both are left out. Numbers are read again from the ink of `image` (the page as recognised)
    by `ocr_digits`, words read as Latin by the Thai model (`reread_latin`); spelling waits for
    the page's runs to be joined (`join_runs`). Words read with less than `min_confidence` are
    left out. A correction that fails leaves its line as Tesseract read it and is named in
    `problems`."""
    import tesserocr

    problems = [] if problems is None else problems
    s = 72.0 / dpi
    # (text, x0, x1, height, baseline in pixels, mean word confidence, the line's pixel box)
    out: list[tuple] = []
    it = api.GetIterator() if page_text.strip() else None
    if it is None:
        return out
    dark = np.asarray(image) < DARK if image is not None else None
    word_level, line_level = tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
    line_box, line = None, []  # the words of the line being read: [text, box, spaced, confidence]
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
    # each Tesseract line, (height, baseline, confidence, pixel box), with its runs' texts
    lines: dict[tuple, list[str]] = {}
    for text, _, _, h, base, conf, line_box in out:
        lines.setdefault((h, base, conf, line_box), []).append(text)
    kept = {line for line, texts in lines.items() if line[0] >= NOISE_HEIGHT * typical and (
        line[0] >= LOW_LINE * typical or line[2] >= LOW_LINE_CONFIDENCE or _reads_as_words(texts))}
    if split_marks is not None:
        _marks_lines(list(lines), kept, typical / s, split_marks,
                     lambda base: top - base * s + MIDDLE_ABOVE_BASE * typical)
    return [(text, x0, x1, h, top - base * s + MIDDLE_ABOVE_BASE * typical, False)
            for text, x0, x1, h, base, conf, line_box in out if (h, base, conf, line_box) in kept]


def _marks_lines(lines: list[tuple], kept: set[tuple], typical_px: float, split_marks: list, middle) -> None:
    """Each line of marks left out (a low line, not `kept`) that sits right above a kept line,
    as (the two lines' pixel box, that line's middle in page space, its confidence), appended to
    `split_marks`: where a font sets its marks high (Garuda), Tesseract's layout reads them as a
    line of their own and the letters below without them (`ตัวชี้วัด` read `IIa`); read again
    as one line (`ocr._reread_split_lines`), the two come out whole. `lines`: (height, baseline,
    confidence, pixel box) of each line."""
    for line in lines:
        x0, y0, x1, y1 = line[3]
        if line in kept or y1 - y0 < NOISE_HEIGHT * typical_px:  # (specks: no marks)
            continue
        # the line below: its top under the marks' top (their boxes may overlap), not far below
        below = [k for k in lines if k in kept and y0 < k[3][1] and k[3][1] - y1 <= 0.5 * typical_px
                 and min(x1, k[3][2]) - max(x0, k[3][0]) >= 0.5 * (x1 - x0)]
        if below:
            _, kbase, kconf, b = min(below, key=lambda k: k[3][1])
            split_marks.append(((min(x0, b[0]), y0, max(x1, b[2]), b[3]), middle(kbase), kconf))


LOW_LINE_LETTERS = 4  # Thai letters a low line needs, all in words, to be kept as text


def _reads_as_words(runs: list[str]) -> bool:
    """Whether a low line read with little confidence is text after all: a line with no mark
    above or below it (`20 เมษายน 2565 21`) is as low as the marks of a line read on their own,
    but it reads as words and numbers, where the marks read as scraps (`๑7`, `9/`, `vy`, `ใบซี ๑`)."""
    tokens = " ".join(runs).split()
    letters = sum(len(_THAI_BASE.findall(t)) for t in tokens)
    return letters >= LOW_LINE_LETTERS and all(_NUMBER.fullmatch(t) or _plausible_thai(t) for t in tokens)


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
            out.append((run[0].strip(), left + run[1] * s, left + run[2] * s, (y1 - y0) * s, base, confidence,
                        line_box[:4]))
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


def join_runs(glyphs: list[tuple], v_rules: list[tuple[float, float, float]], problems: list[str]) -> list[tuple]:
    """The page's runs (`words`' glyphs) with the runs of one line joined where no column gap and
    no table rule (`v_rules`: x, y0, y1 in page space) lies between them, each then spelled by
    `ocr_spelling`: Tesseract's layout cuts a justified line into blocks, even inside a word
    (`( 3-5 ตัวชี` | `วัด) ผลการ…`), and a word is corrected whole or not at all."""
    from pipeline.readers import ocr_spelling

    rows: list[list[tuple]] = []
    for g in sorted(glyphs, key=lambda g: -g[4]):  # from the top
        if rows and abs(g[4] - rows[-1][0][4]) <= 0.2 * min(g[3], rows[-1][0][3]):
            rows[-1].append(g)
        else:
            rows.append([g])
    out: list[tuple] = []
    rows_joined: list[list[list]] = []
    for row in rows:
        row.sort(key=lambda g: g[1])
        joined = [list(row[0])]
        for g in row[1:]:
            last = joined[-1]
            height = max(g[3], last[3])
            gap = g[1] - last[2]
            ruled = any(last[2] <= x <= g[1] and y0 <= g[4] <= y1 for x, y0, y1 in v_rules)
            if 0 <= gap <= COLUMN_GAP * height and not ruled:
                last[0] += (" " if gap >= SPACE_GAP * height else "") + g[0]
                last[2], last[3] = g[2], height
            else:
                joined.append(list(g))
        rows_joined.append(joined)
    for upper, lower in itertools.pairwise(rows_joined):
        # lines of a paragraph (a list item's number before the first): not a table's rows
        if (_paragraph_line(upper) and _paragraph_line(lower)
                and 0 < upper[-1][4] - lower[0][4] <= LINE_PITCH * upper[-1][3]):
            _soft(lambda a=upper[-1], b=lower[0]: _spell_across(a, b), problems)
    for joined in rows_joined:
        for g in joined:
            text = g[0]
            g[0] = _soft(lambda text=text: ocr_spelling.correct(text), problems) or text
            out.append(tuple(g))
    return out


LINE_PITCH = 2.0  # of a line's height: a line this near below another goes on with its text
_LIST_NUMBER = re.compile(r"[(]?[0-9๐-๙]+(?:\.[0-9๐-๙]+)*[.)]?")


def _paragraph_line(runs: list[list]) -> bool:
    """A line of one run of text, or of a list item's number and its text."""
    return len(runs) == 1 or (len(runs) == 2 and bool(_LIST_NUMBER.fullmatch(runs[0][0])))


_TAIL = re.compile(r"[ก-๎]+$")
_HEAD = re.compile(r"^[ก-๎]+")


def _spell_across(upper: list, lower: list) -> None:
    """The word a paragraph's line ends with and the next line's first, corrected as one where
    the two are one word's pieces: a justified Thai line breaks inside a compound
    (`ตัวชี้` / `วัด`), and each piece alone is no word to correct to."""
    from pipeline.readers import ocr_spelling

    tail, head = _TAIL.search(upper[0]), _HEAD.match(lower[0])
    if not tail or not head:
        return
    word = tail.group() + head.group()
    fixed = ocr_spelling.correct(word)
    if fixed == word or " " in fixed:
        return
    before, after = upper[0][:tail.start()], lower[0][head.end():]
    upper[0], lower[0] = _split_as_before(word, fixed, len(tail.group()), before, after)


def _split_as_before(word: str, fixed: str, cut: int, before: str, after: str) -> tuple[str, str]:
    """`before` + `fixed` + `after` cut again where `word` was cut (at `cut`) before it became
    `fixed`: a mark added at the cut goes with the letter before it, the line above."""
    from difflib import SequenceMatcher

    ops = SequenceMatcher(None, word, fixed, autojunk=False).get_opcodes()
    at = len(fixed)
    for op, i1, i2, j1, j2 in ops:
        if op == "insert" and i1 == cut:
            at = j2 if all(ch in COMBINING for ch in fixed[j1:j2]) else j1
            break
        if i1 <= cut < i2:
            at = j1 + min(cut - i1, j2 - j1)
            break
    return before + fixed[:at], fixed[at:] + after
