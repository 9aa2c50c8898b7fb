"""The page self-check's fast counts agree with the patterns they stand for."""

from __future__ import annotations

import random
import re

from pipeline.readers.pagecheck import _FAULTS, faults, measure

# bases, following and leading vowels, marks, space, newline, digits, Latin and a `(cid:N)`
_ALPHABET = ["ก", "ข", "ร", "อ", "ฯ", "ะ", "า", "ำ", "ๅ", "เ", "แ", "ไ", "\u0e31", "\u0e34", "\u0e38",
             "\u0e48", "\u0e49", "\u0e4c", "\u0e4d", " ", "\n", "1", "๒", "a", "(cid:12)", "(cid:"]


def test_faults_counts_what_the_fault_pattern_matches() -> None:
    rng = random.Random(11)
    texts = ["", "ที่", " ี่", "ี่ที่", "กำ ำ", "เ", "เก", "เ\nก", "a(cid:3)ก", "ะ", "\nา", "ไ1", "ก\u0e4d"]
    texts += ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    for text in texts:
        assert faults(text) == len(_FAULTS.findall(text)), repr(text)


def test_measure_counts_thai_letters_and_faults() -> None:
    text = "ตัวชี้วัด ร้อยละ 80\n่ผลการดำเนินงาน abc"  # a tone mark opening a line
    q = measure(text, 1)
    assert q.thai == len(re.findall("[\u0e01-\u0e2e\u0e30-\u0e4e]", text))
    assert q.damage_per_1000 == 1000 * 1 / q.thai
