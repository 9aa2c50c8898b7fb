"""PDFs of the same reports from other producers read like the reports as text (small committed
subset of bench/variants, made by scripts/make_pdf_variants.py; the full table: bench/pdf_producers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.readers import read_document
from pipeline.readers.pagecheck import ood_share
from pipeline.textcompare import cer
from pipeline.thai import thai_damage

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "producers"
REAL = ROOT.parent / "shared" / "eval" / "dev" / "real"


def _reference(stem: str) -> str:
    sample = ROOT / "samples" / f"{stem}.txt"
    path = sample if sample.exists() else REAL / f"{stem}.txt"
    if not path.exists():
        pytest.skip(f"{path} missing (../shared not laid out)")
    return read_document(path).text


@pytest.mark.parametrize("pdf", sorted(DATA.glob("*.pdf")), ids=lambda p: p.stem)
def test_producer_pdf_reads_like_text(pdf):
    stem = pdf.stem.split("-", 2)[-1] if pdf.stem.startswith("lo-") else pdf.stem.split("-", 1)[1]
    doc = read_document(pdf)
    ref = _reference(stem)
    c, dmg, ood = cer(ref, doc.text), thai_damage(doc.text)["per_1000"], ood_share(doc.text)
    print(f"\n{pdf.name}: CER {100 * c:.2f} %, damage {dmg:.2f}/1000, OOD {100 * ood:.1f} %, "
          f"methods {sorted({q['method'] for q in doc.pages_quality})}")
    assert c <= 0.01
    assert dmg <= 1.0
    assert ood <= 0.03


def test_chromium_clusters_read_whole():
    """Skia's /ActualText spans: `ตั วชี วั้ ด` before; the page self-check picks the span reading."""
    doc = read_document(DATA / "chromium-000_5bb0787697d1afdd.pdf")
    assert "ตัวชี้วัด" in doc.text and "ตั วชี" not in doc.text and "วั้ ด" not in doc.text
    assert {q["method"] for q in doc.pages_quality} == {"clusters"}
    assert all(q["verdict"] == "good" for q in doc.pages_quality)


def test_garuda_full_stops_stay_in_line():
    """Garuda's boxes run from the baseline to each glyph's top: `ป.ป.ช.` not `ปปช....`."""
    doc = read_document(DATA / "lo-garuda-021.pdf")
    assert "ป.ป.ช." in doc.text and "...." not in doc.text


def test_chromium_span_ends_at_its_advance():
    """A Skia span's box is its first glyph's (`สำ` over `ส`): the cluster runs on to the next
    glyph unless its characters' own advances leave a word space. `กำ หนด` before; spaces stay."""
    doc = read_document(DATA / "chromium-003_9c2777eec267e8c4.pdf")
    ref = _reference("003_9c2777eec267e8c4")
    assert "ที่กำหนด" in doc.text and "กำ หนด" not in doc.text and "ดำ เนิน" not in doc.text
    assert doc.text.count(" ") >= 0.9 * ref.count(" ")
    assert {q["method"] for q in doc.pages_quality} == {"clusters"}


@pytest.mark.parametrize(("name", "right", "wrong"), [
    ("gs-045.pdf", "อายุ", "อาย่"),
    ("gs-002_1f4f99ff3787c05c.pdf", "ล้านบาท", "ลูาน"),
])
def test_ghostscript_marks_relabelled_by_where_they_are_drawn(name, right, wrong):
    """Ghostscript's rebuilt ToUnicode map labels some mark variants as other marks (`ลูาน`,
    `อาย่`); their ink sits on the other side of the line, and the words say which mark they are."""
    doc = read_document(DATA / name)
    assert right in doc.text and wrong not in doc.text
    assert any("relabelled" in w for w in doc.warnings)


def test_marks_drawn_where_their_labels_belong_are_left_alone():
    for pdf in sorted(DATA.glob("*.pdf")):
        if not pdf.name.startswith("gs-"):
            assert not any("relabelled" in w for w in read_document(pdf).warnings), pdf.name


def test_chromium_table_row_broken_over_pages():
    """Chromium draws a row broken by a page with its column rules running to the margin and no
    rule across; a page wholly inside the row has column rules only. The row is one cell."""
    doc = read_document(DATA / "chromium-002_1f4f99ff3787c05c.pdf")
    assert "3. ร้อยละของประชาชนกลุ่มเป้าหมาย" in doc.text
    assert "พ.ศ. 2567 5. ระดับความสำเร็จ" in doc.text  # two numbers, no space glyph between them
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert any("ร้อยละของประชาชนกลุ่มเป้าหมาย" in doc.text[b.start:b.end] for b in tables)
