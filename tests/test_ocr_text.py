"""The parts of OCR that need no Tesseract: the scanner's turn measured from the ink, and the tone
marks and spaces Tesseract gets wrong put right by word frequencies (`ocr_spelling`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.readers import ocr_image, ocr_spelling
from pipeline.textcompare import cer
from pipeline.thai import normalize_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "eval" / "dev" / "real"


def _page(rows: int, seed: int) -> Image.Image:
    """A 200 dpi page with a small ruled table of `rows` rows and blobs for words in its cells."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    top, height = 300, 70
    for r in range(rows + 1):
        draw.line((200, top + r * height, 1400, top + r * height), fill=0, width=3)
    for x in (200, 700, 1400):
        draw.line((x, top, x, top + rows * height), fill=0, width=3)
    for r in range(rows):
        x = 220
        while x < 1350:
            w = int(rng.integers(20, 60))
            if not 680 < x + w < 720:
                draw.rectangle((x, top + r * height + 25, x + w, top + r * height + 45), fill=0)
            x += w + int(rng.integers(8, 20))
    return image


@pytest.mark.parametrize(("rows", "degrees"), [(2, -1.1), (2, 0.45), (6, 0.3), (6, -0.8), (12, 1.0)])
def test_skew_of_a_page_with_little_ink(rows, degrees):
    """A page of a few lines (a table row carried over) is turned back as well as a full one: the
    angle is measured from the ink's coordinates, not from rotated images (whose blur made zero
    win on sparse pages: 21 of 55 scanned pages were off by more than 0.1 degree)."""
    turned = _page(rows, seed=rows).rotate(-degrees, resample=Image.Resampling.BILINEAR, fillcolor=255)
    found = ocr_image.skew_degrees(turned)
    assert abs(found - degrees) <= 0.1, (found, degrees)


def test_blank_page_has_no_skew():
    assert ocr_image.skew_degrees(Image.new("L", (400, 500), 255)) == 0.0


@pytest.mark.parametrize(("read", "meant"), [
    ("ไตรมาสที 4", "ไตรมาสที่ 4"),          # a tone mark over an upper vowel, at a run's end
    ("หน่วยงาน ตัวชีวัด", "หน่วยงาน ตัวชี้วัด"),
    ("ในพื้นทินำร่อง", "ในพื้นที่นำร่อง"),      # ิ read for ี่
    ("ประจำปีึงบประมาณ", "ประจำปีงบประมาณ"),  # two upper vowels on one letter
    ("ด้านการเกษตร “เก ษตรแม่นยำ”", "ด้านการเกษตร “เกษตรแม่นยำ”"),  # a space inside a word
    ("วันที่ 24 ก.ุพ. 2564", "วันที่ 24 ก.พ. 2564"),  # a mark on no letter
    ("มีจำนวน 5 ตัวขี้วัด", "มีจำนวน 5 ตัวชี้วัด"),  # a look-alike letter that makes one word of pieces
    ("เมื่อวันที่ 1 จันวาคม", "เมื่อวันที่ 1 ธันวาคม"),
    ("เด็กอายุ 0-5 ปี ทังหมด", "เด็กอายุ 0-5 ปี ทั้งหมด"),  # a tone mark over mai han-akat
    ("ทังนี กพร.สส.", "ทั้งนี้ กพร.สส."),
    ("ตังแต่วันที่ 1", "ตั้งแต่วันที่ 1"),
    ("ผังการใช้ประโยชน์ น์ที่ดิน", "ผังการใช้ประโยชน์ที่ดิน"),  # a word's end read again after a space
])
def test_ocr_spelling_corrects(read, meant):
    assert ocr_spelling.correct(read) == meant


@pytest.mark.parametrize("right", [
    "ปี", "มี", "ทีม", "ตี", "ขาย", "สวัสดี", "ประเทศไทย ผ่าน", "BUDGET BUREAU", "ลบ.", "๒๕๖๖", "ตัวชี้วัดที่ 1",
    "การประชุมคณะทำงาน", "ผลการดำเนินงาน ไตรมาสที่ 2", "กัน", "ดังนั้น", "คัดเลือก", "สั้น", "วันที่",
    "มา มา", "ที่ ที่",  # a word the writer repeated
])
def test_ocr_spelling_leaves_right_text(right):
    assert ocr_spelling.correct(right) == right


@pytest.mark.skipif(not REAL.exists(), reason="../shared/eval/dev/real missing")
def test_ocr_spelling_on_clean_reports_changes_little():
    """Run over the 20 real reports as text (no OCR errors in them), the corrections change a
    fraction of a percent, most of it words the source's own PDF extraction had cut."""
    edits = chars = 0.0
    for path in sorted(REAL.glob("*.txt")):
        text = normalize_text(path.read_text())  # as the correction sees it (ํา as ำ)
        fixed = "\n".join(ocr_spelling.correct(line) for line in text.split("\n"))
        edits += cer(text, fixed) * len(text)
        chars += len(text)
    print(f"\nchanged {100 * edits / chars:.3f} % of {int(chars)} characters")
    assert edits / chars < 0.002  # 0.073 % when written


@pytest.mark.parametrize(("words", "reread"), [
    (["๒๕๖๖"], True),
    (["1/2565"], True),            # Arabic digits and signs alone: Tesseract's reading is checked
    (["1,117.6"], True),
    (["1", "๔"], True),
    (["53%"], False),              # `%` rings match `0`: Tesseract's reading stays
    (["ลบ."], False),
    (["..."], False),
])
def test_numbers_read_again_by_shape(words, reread):
    from pipeline.readers import ocr_digits

    assert ocr_digits._worth_reading([[w, (0, 0, 1, 1), False] for w in words]) is reread


@pytest.mark.parametrize(("read", "meant"), [
    ("25,66", "2566"), ("๒๕,๖๖", "๒๕๖๖"), ("1,2345", "12345"),  # a speck read as a comma
    ("1,117.6", "1,117.6"), ("15,090", "15,090"), ("๑๕,๘๕๗,๐๐๐", "๑๕,๘๕๗,๐๐๐"), ("9,", "9,"),
])
def test_a_comma_in_a_number_separates_thousands(read, meant):
    from pipeline.readers import ocr_digits

    assert ocr_digits._STRAY_COMMA.sub("", read) == meant


@pytest.mark.parametrize(("runs", "text"), [
    (["20", "เมษายน 2565", "21"], True),   # a line with no mark above or below it
    (["๑7 สมัครงาน"], True),
    (["๑7", "จัด", "wad"], False),       # the marks of a line read on their own
    (["ใบซี", "๑"], False),
    (["๑/ aw", "1"], False),
    (["อ", "๕", "๕"], False),
])
def test_low_line_kept_when_it_reads_as_words(runs, text):
    from pipeline.readers import ocr_layout

    assert ocr_layout._reads_as_words(runs) is text


def test_runs_of_one_line_joined_then_spelled():
    """Tesseract's layout cuts a justified line into blocks, even inside a word: the pieces of one
    line are joined (with a space where the gap is a word space) and the word corrected whole;
    a table rule or a column gap between two runs keeps them apart."""
    from pipeline.readers import ocr_layout

    h = 15.0  # runs: (text, x0, x1, height, middle, False) in points
    cut = [("ร้อยละ 70 ( 3-5 ตัวชี", 100.0, 300.0, h, 400.0, False), ("วัด) ผลการดำเนินงาน", 301.0, 420.0, h, 400.4, False)]
    assert [g[0] for g in ocr_layout.join_runs(cut, [], [])] == ["ร้อยละ 70 ( 3-5 ตัวชี้วัด) ผลการดำเนินงาน"]
    spaced = [("วันที่", 100.0, 150.0, h, 400.0, False), ("24 มกราคม", 155.0, 220.0, h, 400.0, False)]
    assert [g[0] for g in ocr_layout.join_runs(spaced, [], [])] == ["วันที่ 24 มกราคม"]
    rule = [(300.5, 380.0, 420.0)]  # x, y0, y1
    assert len(ocr_layout.join_runs(cut, rule, [])) == 2
    apart = [cut[0], ("วัด) ผลการดำเนินงาน", 340.0, 460.0, h, 400.0, False)]
    assert [g[0] for g in ocr_layout.join_runs(apart, [], [])] == ["ร้อยละ 70 ( 3-5 ตัวชี", "วัด) ผลการดำเนินงาน"]
    below = [cut[0], ("ผลการดำเนินงาน", 100.0, 200.0, h, 380.0, False)]
    assert len(ocr_layout.join_runs(below, [], [])) == 2


@pytest.mark.parametrize(("upper", "lower", "meant"), [
    ("ร้อยละ 30 ( 1 ตัวซี", "วัด) ประกอบด้วย", ("ร้อยละ 30 ( 1 ตัวชี้", "วัด) ประกอบด้วย")),  # a mark goes up
    ("การดำเนินงานตามตัว", "ชีวัด", ("การดำเนินงานตามตัว", "ชี้วัด")),
    ("เป็นไปตามเป้าหมาย", "ที่กำหนด", ("เป็นไปตามเป้าหมาย", "ที่กำหนด")),
])
def test_word_broken_over_two_lines_corrected_whole(upper, lower, meant):
    """A justified Thai line breaks inside a compound (`ตัวชี้` / `วัด`): the two pieces are
    corrected as one word and cut again where the line broke."""
    from pipeline.readers import ocr_layout

    a, b = [upper, 100.0, 500.0, 15.0, 400.0, False], [lower, 72.0, 500.0, 15.0, 382.0, False]
    ocr_layout._spell_across(a, b)
    assert (a[0], b[0]) == meant


def test_compound_the_corpus_split_is_a_likely_word():
    """TNC counted `ตัวชี้วัด` as ตัว|ชี้|วัด, so it has no frequency of its own; scored as a word
    never seen, three frequent pieces (`ตัวซีวัด`) were likelier than the reports' commonest word."""
    assert ocr_spelling._word_logp("ตัวชี้วัด") > ocr_spelling._score("ตัวซีวัด")[0] - 2 * ocr_spelling.EDIT_COST
    assert ocr_spelling.correct("จำนวน 3 ตัวซีวัด") == "จำนวน 3 ตัวชี้วัด"
