"""Tone marks and spaces Tesseract gets wrong in Thai, put right by the likelier reading.

Tesseract's Thai model drops a tone mark stacked over an upper vowel (`ที่` read `ที`, `ตัวชี้วัด`
`ตัวชีวัด`), or reads `ี่` as the one vowel `ิ` (`ที่ดิน` as `ทิดิน`), and cuts words with spaces
(`เก ษตร`). A noisy-channel correction: each such edit is tried on a run of Thai, and kept when
the run's words become likelier, under the word frequencies of the Thai National Corpus
(PyThaiNLP's bundled `tnc_freq.txt`) and newmm's segmentation, by more than the edit's own
unlikelihood (`EDIT_COST`). `ที` alone becomes `ที่` (100 times as frequent); `ทีม`, `ปี` and
`มี` stay, since no edit makes them likelier. Only OCR'd text is corrected: on the 20 real
reports and the samples as published (text), the same edits would change 0.016 % of characters.
"""

from __future__ import annotations

import functools
import math
import re

from pipeline.thai import COMBINING

EDIT_COST = math.log(0.05)  # an edit is taken when it makes the run 20 times as likely or more
MAX_EDITS = 4               # per run of Thai
_UPPER = "ิีึื"
_TONES = "่้"
_ORPHAN_MARKS = re.compile(f"(?:^|(?<=[^\u0e01-\u0e2e\u0e30-\u0e4e]))[{COMBINING}]+", re.M)
_THAI_RUN = re.compile(r"[ก-๛]+(?: {1,2}[ก-๛]+)*")


@functools.cache
def _frequencies() -> tuple[dict[str, int], float]:
    from pythainlp.corpus import tnc

    freq = dict(tnc.word_freqs())
    return freq, float(sum(freq.values()))


@functools.cache
def _word_logp(word: str) -> float:
    from pipeline.tokenize import words

    freq, total = _frequencies()
    f = freq.get(word)
    if f:
        return math.log(f / total)
    if word in words():
        return math.log(0.5 / total)
    return math.log(0.5 / total) - 3.0 * len(word)  # not a word: the longer, the less likely


def _logp(text: str) -> float:
    from pipeline.tokenize import tokens

    return sum(_word_logp(t) for t in tokens(text) if t != " ")


def _edits(text: str) -> list[str]:
    """Every reading one edit away: a tone mark added over an upper vowel, `ิ` read as `ี` with a
    tone mark, a space taken out between two Thai letters."""
    out = []
    for i, ch in enumerate(text):
        after = text[i + 1:i + 2]
        if ch in _UPPER and after not in "่้๊๋":
            out += [text[:i + 1] + t + text[i + 1:] for t in _TONES]
            if ch == "ิ":
                out += [text[:i] + "ี" + t + text[i + 1:] for t in _TONES]
        elif ch == " ":
            out.append(text[:i] + text[i + 1:])
    return out


@functools.lru_cache(maxsize=65536)
def _correct_run(text: str) -> str:
    best = _logp(text)
    for _ in range(MAX_EDITS):
        scored = [(_logp(c) + EDIT_COST, c) for c in _edits(text)]
        if not scored:
            break
        score, cand = max(scored)
        if score <= best:
            break
        text, best = cand, score
    return text


def correct(text: str) -> str:
    """`text` (a line or a run of one, as OCR read it) with the likelier tone marks and spaces,
    and without marks that sit on no letter (Tesseract reads a speck under a full stop as `ุ`:
    `ก.ุพ.`)."""
    return _THAI_RUN.sub(lambda m: _correct_run(m.group(0)), _ORPHAN_MARKS.sub("", text))
