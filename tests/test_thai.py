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


def test_pdf_tight_box_detection():
    """pdfium's "loose" boxes are font-high for every glyph; when they are ink boxes instead (a
    full stop a fifth of a digit's height), the reader places glyphs by their baselines."""
    import numpy as np

    from pipeline.readers.pdf_layout import _ink_box_height as ink_box_height

    def glyph(ch, size):
        return (ch, 0.0, 1.0, size, 10.0, False)

    def _ink_box_height(glyphs):  # the glyphs as the columns read_glyphs passes
        return ink_box_height(np.array([g[3] for g in glyphs]), np.array([g[4] for g in glyphs]),
                              np.array([g[0] in ".," for g in glyphs]), np.array([g[0].isalnum() for g in glyphs]))

    loose = [glyph(c, 11.0) for c in "694.5 ลบ."]
    tight = [glyph("6", 11.2), glyph("9", 11.2), glyph("4", 11.2), glyph(".", 2.3), glyph("5", 11.0),
             glyph("ล", 7.4), glyph("บ", 7.4), glyph(".", 2.3)]
    assert _ink_box_height(loose) is None
    assert _ink_box_height(tight) is not None
    assert _ink_box_height([glyph(c, 11.0) for c in "ไม่มีจุด"]) is None  # nothing to tell by


def test_glyph_with_only_its_ink_box_stays_on_its_line():
    """Some glyphs of a page have pdfium "loose" boxes that are only their ink (LibreOffice's `า`
    in Laksaman set by python-docx, full stops and commas): such a box, lower than its line's
    middle by more than a share of its own small height, is still inside the line's first glyph's
    box, so it is that line's and not a line of its own (`เป้าหม ยต ม` over `า  า`)."""
    from pipeline.readers.pdf_layout import _lines

    def loose(ch, x, mid):
        return (ch, x, x + 8.0, 17.0, mid, False)

    def ink(ch, x, mid, size):
        return (ch, x, x + 5.0, size, mid, False)

    glyphs = [loose("ห", 90, 599.0), loose("ม", 98, 599.0), ink("า", 106, 594.8, 8.4), loose("ย", 111, 599.0),
              ink(".", 119, 591.3, 1.2), loose("ต", 90, 582.0), ink("า", 98, 577.8, 8.4), loose("ม", 103, 582.0)]
    assert [line.text for line in _lines(glyphs)] == ["หมาย.", "ตาม"]


def test_normalize_text_fast_paths_agree_with_the_offset_map():
    """`normalize_text` skips repairs whose damage a substring or pair search says is absent and
    mends plain split SARA AM with one replace; it must give what `normalize` (every repair as a
    regex, with the offset map) gives, on text made of the characters the repairs look at."""
    import random
    import re

    from pipeline.thai import _SPACE_BEFORE_MARK, COMBINING, normalize, normalize_text

    # the pattern as first written (lookbehind first): the one in use is written space first
    lookbehind_first = re.compile(f"(?<=[\u0e01-\u0e2f\u0e30-\u0e4e]) +(?=[{COMBINING}])")
    alphabet = "กขคท่้๊๋ัิีึืฺุู็์ํ๎าำ \n\t\ufffd\uf70a\u200bab1๑"
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert normalize_text(text) == normalize(text)[0], repr(text)
        assert [m.span() for m in _SPACE_BEFORE_MARK.finditer(text)] == \
            [m.span() for m in lookbehind_first.finditer(text)], repr(text)
