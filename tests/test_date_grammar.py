"""Property tests over the date grammar (hypothesis): any date form × digits × era × lead ×
month spelling, written inside a sentence, is found once with its exact span and value; and no
input, however malformed, makes an extractor raise."""

import sys

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(ROOT / "tests" / "variations"))
import generate

from extractors import EXTRACTORS, dates, docfields, outcomes
from pipeline.model import Document

PREFIXES = ["", "กิจกรรม ", "- จัดประชุมคณะทำงาน ", "ลงพื้นที่ติดตามผล", "(", "| "]
SUFFIXES = ["", " ณ ห้องประชุม", ")", " |", "\nผู้เข้าร่วม 45 คน", " และติดตามผลต่อไป"]


def _doc(text: str) -> Document:
    return Document("sha256:" + "0" * 64, "t.txt", "txt", text)


@st.composite
def written_dates(draw):
    import random

    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(generate.DATE_KINDS))
    how = draw(st.sampled_from(generate.DIGITS))
    era = draw(st.sampled_from(generate.ERAS))
    lead = draw(st.sampled_from(generate.DAY_LEADS))
    spelling = draw(st.sampled_from(generate.SPELLINGS))
    before, written, start, end = generate.DateMaker(rng).make(kind, how, era, lead, spelling)
    prefix, suffix = draw(st.sampled_from(PREFIXES)), draw(st.sampled_from(SUFFIXES))
    return prefix + before, written, suffix, start, end


@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_dates())
def test_every_date_form_exact_span_and_value(case):
    head, written, tail, start, end = case
    text = head + written + tail
    found, warnings = dates.extract(_doc(text))
    got = [((m.start, m.end), m.value["start"], m.value["end"], m.value["year_inferred"]) for m in found]
    assert got == [((len(head), len(head) + len(written)), start.isoformat(), end.isoformat(), False)], \
        (text, warnings)


# Malformed input: broken table letters, impossible dates, huge and odd amounts, stray boxes and pipes.
ALPHABET = [*"0123456789๐๑๒๓๔๕๖๗๘๙กคตพมยสธเใไำ่้็ั์ิี.,/-–|:()☑☐■□ \n",
            "บาท", "ล้านบาท", "ลบ.", "ม.ค.", "มิ.ย.", "ก.ค.ศ.", "พ.ศ.", "วันที่", "ถึง", "ตัวชี้วัด", "ไม่", "บรรลุ", "เป้าหมาย",
    "อยู่ระหว่างดำเนินการ", "ไตรมาสที่", "ปีงบประมาณ", "ครั้งที่", "งบประมาณ", "เบิกจ่าย", "ห้าหมื่น", "\uf0fe"]


@settings(max_examples=1_500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join))
def test_no_extractor_raises_on_malformed_text(text):
    doc = _doc(text)
    found = {}
    for module in EXTRACTORS:
        mentions, _ = module.extract(doc)
        for m in mentions:
            assert doc.text[m.start:m.end] == m.text
        found[module.NAME] = mentions
    docfields.fields(doc, found["dates"], [m for m in found["entities"] if m.value["label"] == "ORG"])
    outcomes.classify(text)


MALFORMED = [
    "8\nก\nค", "ตาราง\n8\nก\nค\n2566", "31 มิ.ย. 66", "32 ม.ค. 2566", "0 ม.ค. 2566", "29 ก.พ. 2566",
    "99/99/9999", "1/13/2566", "31/4/2566 - 1/1/2566", "ม.ค.", "ต.ค. -", "- 31 ธ.ค.", "ถึง 5 มี.ค.",
    "ตุลาคม 9999", "ตุลาคม 2800", "1 - 0 มีนาคม 2566", "5 ถึง 1 มีนาคม 2566", "วันที่ / / ",
    "1,2,3,4 บาท", ",000 บาท", "1..5 ล้านบาท", "9" * 400 + " บาท", "0.0000ล้านบาท", "ห้าหมื่นล้านล้านบาท",
    "| | |\n| ตัวชี้วัด | |\n|", "ตัวชี้วัด |", "ตัวชี้วัด | ผล |\n| 5 บาท | 7 |\n| | |", "☑☐■□☑",
    "ผลการดำเนินงาน ☑", "☐ ☐ ☐", "ไตรมาสที่ 5 ปีงบประมาณ 9999", "ห้วงการรายงาน 31 มิ.ย. 66 - 1 ก.ค. 66",
]


def test_no_extractor_raises_on_known_malformed_inputs():
    for text in MALFORMED:
        test_no_extractor_raises_on_malformed_text.hypothesis.inner_test(text)
