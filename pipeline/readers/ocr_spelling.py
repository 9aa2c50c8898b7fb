"""Tone marks, letters and spaces Tesseract gets wrong in Thai, put right by the likelier reading.

Tesseract's Thai model drops a tone mark stacked over an upper vowel (`ที่` read `ที`, `ตัวชี้วัด`
`ตัวชีวัด`), reads `ี่` as the one vowel `ิ` (`ที่ดิน` as `ทิดิน`), cuts words with spaces
(`เก ษตร`) and takes one letter or tone mark for a look-alike (`ตัวชี้วัด` read `ตัวขี้วัด`, `ตัวชี่วัด`). A noisy-channel
correction: each such edit is tried on a run of Thai, and kept when the run's words become
likelier, under the word frequencies of the Thai National Corpus (PyThaiNLP's bundled
`tnc_freq.txt`; a dictionary compound the corpus counted as its pieces, `ตัวชี้วัด`, is taken as
a tenth as frequent as its rarest piece) and newmm's segmentation, by more than the edit's own
unlikelihood (`EDIT_COST`);
a swapped letter only where it makes one word of pieces. `ที` alone becomes `ที่` (100 times as
frequent); `ทีม`, `ปี`, `มี`, `ตี` stay, since no edit makes them likelier. Only OCR'd text is
corrected: run over the 20 real reports as text, the same edits change 0.07 % of characters,
most of them words the source's own PDF extraction had damaged (`สาธารณ สุข`, `ทีมี`), a few
wrong (`ทีมนำ` to `ที่มนำ`; tests/test_ocr_text.py).
"""

from __future__ import annotations

import functools
import math
import re

from pipeline.thai import COMBINING, normalize_text

EDIT_COST = math.log(0.05)  # an edit is taken when it makes the run 20 times as likely or more
MAX_EDITS = 4               # per run of Thai
_UPPER = "ิีึื"
_TAKES_TONE = _UPPER + "ั"  # a tone mark stacks over these, and Tesseract drops it there
_TONES = "่้"  # the tone marks an edit adds (the two a report's words mostly carry)
_ANY_TONE = "่้๊๋"
# a mark after a full stop, a digit or a Latin letter: a speck (after a space it may be a
# letter-spaced word's, `ต ัว`, which the source wrote so)
_ORPHAN_MARKS = re.compile(f"(?<=[.,:;)0-9๐-๙A-Za-z])[{COMBINING}]+")
# letters and tone marks Tesseract's Thai model reads for one another (seen on the scans: ช as ข,
# ธ as จ, ้ as ่)
_LOOK_ALIKE = {a: b for group in ("ขชซ", "บป", "ดต", "ผฝ", "พฟ", "ถภ", "ฎฏ", "ธจ", "่้")
               for a in group for b in [group.replace(a, "")]}
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
        # a compound the corpus counted as its pieces (`ตัวชี้วัด` as ตัว|ชี้|วัด): as frequent as a
        # tenth of its rarest piece, not as a word never seen (which made `ตัวซีวัด`, three
        # frequent pieces, likelier than the report's commonest word)
        pieces = _corpus_pieces(word)
        rarest = min((freq.get(p, 0) for p in pieces), default=0) if len(pieces) > 1 else 0
        return math.log(max(COMPOUND_SHARE * rarest, 0.5) / total)
    return math.log(0.5 / total) - 3.0 * len(word)  # not a word: the longer, the less likely


COMPOUND_SHARE = 0.1


@functools.cache
def _corpus_trie():
    from pythainlp.util import Trie

    return Trie(_frequencies()[0])


def _corpus_pieces(word: str) -> list[str]:
    """`word` cut by newmm into the corpus's own words."""
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(word, custom_dict=_corpus_trie(), engine="newmm", keep_whitespace=False)


def _score(text: str) -> tuple[float, int]:
    """(log-likelihood of the run's words, how many words newmm cuts it into): one segmentation."""
    from pipeline.tokenize import tokens

    pieces = [t for t in tokens(text) if t.strip()]
    return sum(_word_logp(t) for t in pieces), len(pieces)


def _edits(text: str) -> list[str]:
    """Every reading one edit away: a tone mark added over an upper vowel or mai han-akat
    (`ทังหมด` for `ทั้งหมด`), `ิ` read as `ี` with a tone mark, one of two upper vowels on one
    letter dropped (`ปีึงบประมาณ`), a space taken out between two Thai letters, a cluster read
    on both sides of a space kept once."""
    out = []
    for i, ch in enumerate(text):
        after = text[i + 1:i + 2]
        if ch in _UPPER and after and after in _UPPER:  # two upper vowels on one letter: one is a speck
            out += [text[:i] + text[i + 1:], text[:i + 1] + text[i + 2:]]
        elif ch in _TAKES_TONE and (not after or after not in _ANY_TONE):  # ("" is in every string)
            out += [text[:i + 1] + t + text[i + 1:] for t in _TONES]
            if ch == "ิ":
                out += [text[:i] + "ี" + t + text[i + 1:] for t in _TONES]
        elif ch == " ":
            out.append(text[:i] + text[i + 1:])
            for k in (2, 3):
                # the end of a word read again after a space (`ประโยชน์ น์ที่ดิน`), a mark in it: once
                # (a whole word repeated is the writer's)
                piece = text[i - k:i]
                if i > k and text[i - k - 1] != " " and piece == text[i + 1:i + 1 + k] \
                        and any(c in COMBINING for c in piece):
                    out.append(text[:i] + text[i + 1 + k:])
    return out


def _swaps(text: str) -> list[tuple[str, int]]:
    """Every reading with one letter swapped for one Tesseract takes it for (`ตัวขี้วัด`), as
    (reading, edits): where the swapped letter carries an upper vowel with no tone mark, also with
    the tone mark added, since the two are misread together (`ตัวซีวัด` for `ตัวชี้วัด`)."""
    out = []
    for i, ch in enumerate(text):
        for other in _LOOK_ALIKE.get(ch, ""):
            swapped = text[:i] + other + text[i + 1:]
            out.append((swapped, 1))
            vowel, after = text[i + 1:i + 2], text[i + 2:i + 3]
            if vowel and vowel in _TAKES_TONE and (not after or after not in _ANY_TONE):
                out += [(swapped[:i + 2] + t + swapped[i + 2:], 2) for t in _TONES]
    return out


@functools.lru_cache(maxsize=65536)
def _correct_run(text: str) -> str:
    best, pieces = _score(text)
    for _ in range(MAX_EDITS):
        scored = [(_score(c), 1, c) for c in _edits(text)]
        # a swapped letter only where it makes a word of pieces: alone, a frequent word would
        # replace a rarer right one (`ตี` by `ดี`)
        scored += [(sc, k, c) for sc, k, c in ((_score(c), k, c) for c, k in _swaps(text)) if sc[1] < pieces]
        if not scored:
            break
        (score, n), edits, cand = max(scored, key=lambda x: (x[0][0] + x[1] * EDIT_COST, x[2]))
        if score + edits * EDIT_COST <= best:
            break
        text, best, pieces = cand, score, n
    return text


def correct(text: str) -> str:
    """`text` (a line or a run of one, as OCR read it) with the likelier tone marks and spaces,
    and without marks that sit on no letter (Tesseract reads a speck under a full stop as `ุ`:
    `ก.ุพ.`)."""
    text = normalize_text(text)  # Tesseract writes ำ as ํ + า, which no word list knows
    return _THAI_RUN.sub(lambda m: _correct_run(m.group(0)), _ORPHAN_MARKS.sub("", text))
