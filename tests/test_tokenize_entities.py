"""Tokenisation (nlpo3 with the report dictionary, checked against PyThaiNLP's newmm) and the
spaCy entity rules."""

import re

import pytest
from conftest import SAMPLES, SHARED, need_shared

from extractors import entities
from pipeline.model import Document
from pipeline.tokenize import newmm_tokens, token_spans, tokens

THAI = re.compile("[\u0e01-\u0e4e]")


def _doc(text: str) -> Document:
    return Document("sha256:" + "0" * 64, "t.txt", "txt", text)


def test_tokenize_keeps_report_vocabulary_whole():
    toks = tokens("ตัวชี้วัดที่ 1 ผลการดำเนินงานสำเร็จตามเป้าหมาย กพร.สป. และ สป.มท. ร่วมกับสำนักงาน ก.พ.ร.")
    for word in ("ตัวชี้วัด", "ผลการดำเนินงาน", "สำเร็จตามเป้าหมาย", "กพร.สป.", "สป.มท.", "ก.พ.ร."):
        assert word in toks


def _thai_boundaries(toks: list[str], text: str) -> set[int]:
    out, pos = set(), 0
    for t in toks:
        pos += len(t)
        if 0 < pos < len(text) and THAI.match(text[pos - 1]) and THAI.match(text[pos]):
            out.add(pos)
    return out


def test_tokenize_nlpo3_matches_newmm_inside_thai():
    """nlpo3 is used because it is faster; it must cut Thai where PyThaiNLP's newmm cuts
    (the two differ only in how they group punctuation and Latin runs)."""
    files = sorted(SAMPLES.glob("*.txt")) + sorted(need_shared(SHARED / "eval" / "dev" / "real").glob("*.txt"))
    agree = total = 0
    for f in files:
        text = f.read_text("utf-8")
        a, b = _thai_boundaries(tokens(text), text), _thai_boundaries(newmm_tokens(text), text)
        agree += len(a & b)
        total += len(a | b)
    print(f"\nThai word boundaries: nlpo3 and newmm agree on {agree} of {total}")
    assert agree / total >= 0.999


def test_tokenize_spans_cover_the_text():
    text = "วันที่ 1๔ ธันวาคม ๒๕๖๖\n\nสำนักงาน ก.พ.ร."
    spans = token_spans(text)
    assert "".join(text[s:e] for s, e in spans) == text


ENTITY_CASES = [
    ("นายสมชาย ใจดี ผู้ว่าราชการจังหวัดขอนแก่น เป็นประธาน", [("PERSON", "นายสมชาย ใจดี"), ("LOCATION", "ขอนแก่น")]),
    ("นางสาวอรทัย ศรีสุข รายงานผล", [("PERSON", "นางสาวอรทัย ศรีสุข")]),
    ("ดร.วิชัย ทองดี กล่าว", [("PERSON", "ดร.วิชัย ทองดี")]),
    ("สำนักงานพัฒนาชุมชนจังหวัดเชียงใหม่ได้จัดประชุม", [("ORG", "สำนักงานพัฒนาชุมชนจังหวัดเชียงใหม่")]),
    ("ณ อำเภอองครักษ์ จังหวัดนครนายก", [("LOCATION", "อำเภอองครักษ์"), ("LOCATION", "จังหวัดนครนายก")]),
    ("กรมการพัฒนาชุมชน ร่วมกับ กรมควบคุมมลพิษ", [("ORG", "กรมการพัฒนาชุมชน"), ("ORG", "กรมควบคุมมลพิษ")]),
    ("สำนักงาน ก.พ.ร. และ สป.มท.", [("ORG", "สำนักงาน ก.พ.ร."), ("ORG", "สป.มท.")]),
    ("นายกรัฐมนตรี เป็นประธาน", []),   # a title word inside another word is not a title
    ("นายอำเภอเมือง", []),
]


@pytest.mark.parametrize("text,want", ENTITY_CASES, ids=[c[0][:30] for c in ENTITY_CASES])
def test_entities_examples(text, want):
    found, _ = entities.extract(_doc(text))
    assert [(m.value["label"], m.text) for m in found] == want
    for m in found:
        assert text[m.start:m.end] == m.text
