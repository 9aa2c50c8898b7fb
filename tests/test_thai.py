"""Thai repair functions, each with the damage it undoes."""

import pytest

from pipeline.thai import fold_digits, normalize, normalize_text, thai_damage

CASES = [
    ("ดําเนินงาน", "ดำเนินงาน"),          # SARA AM split as NIKHAHIT + SARA AA
    ("จาํแนก", "จำแนก"),                  # reversed halves
    ("ดำาเนิน", "ดำเนิน"),                # doubled
    ("ท่ ี", "ที่"),                       # space before a mark, tone before the vowel
    ("ท\uf70aาน", "ท่าน"),               # Private-Use glyph code
    ("ร ะ ด ับ ค ว า ม ส ํา เ ร ็จ", "ระดับความสำเร็จ"),  # letter-spaced line
    ("กํ่า", "ก่ำ"),
]


@pytest.mark.parametrize("damaged,repaired", CASES)
def test_thai_normalize_repairs(damaged, repaired):
    text, offsets = normalize(damaged)
    assert text == repaired
    assert len(offsets) == len(text)
    assert normalize_text(damaged) == text  # the readers' map-free fast path agrees


def test_thai_normalize_keeps_thai_digits():
    assert normalize("ปี ๒๕๖๖ และ 1๔")[0] == "ปี ๒๕๖๖ และ 1๔"


def test_thai_fold_digits_keeps_length():
    s = "1๔ ธันวาคม ๒๕๖๖"
    assert fold_digits(s) == "14 ธันวาคม 2566" and len(fold_digits(s)) == len(s)


def test_thai_damage_counts():
    assert thai_damage("ตัวชี้วัด")["total"] == 0
    assert thai_damage("ดําเนิน (cid:12) \uf70a")["total"] == 3
