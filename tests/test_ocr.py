"""OCR of pages with no usable text layer: a scan, a Latin junk OCR layer over a Thai page image,
glyphs without Unicode mapping. Real Tesseract (tesserocr + Debian's tesseract-ocr-tha); inputs
are made here from a committed LibreOffice PDF, one page each (OCR costs ~2 s a page)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.model import ReadError
from pipeline.readers import read_document
from pipeline.run import run_document
from pipeline.textcompare import cer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
SOURCE = ROOT / "tests" / "data" / "producers" / "lo-sawasdee-003.pdf"
ARCHIVE = ROOT.parent / "shared" / "eval" / "dev" / "archive"


def _first_page(tmp_path: Path) -> Path:
    src = pdfium.PdfDocument(str(SOURCE))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [0])
    out = tmp_path / "page1.pdf"
    one.save(str(out))
    return out


def _page_text(pdf: Path) -> str:
    """What the text layer of the original page says: the reference for the scan."""
    return read_document(pdf).text


@pytest.fixture
def scan(tmp_path) -> tuple[Path, str]:
    from make_pdf_variants import scans

    page = _first_page(tmp_path)
    scans([page], tmp_path / "scan")
    return tmp_path / "scan" / page.name, _page_text(page)


def test_ocr_scanned_page(scan):
    path, reference = scan
    rec = run_document(path, with_text=True)
    c = cer(reference, rec["text"])
    q = rec["pages_quality"][0]
    print(f"\nscan: CER {100 * c:.2f} %, confidence {q['ocr_confidence']}, {rec['warnings']}")
    assert q["method"] == "ocr" and q["verdict"] in ("good", "doubtful")
    assert c <= 0.05
    assert rec["status"] == "partial"
    assert any("page(s) 1 read by OCR" in w and "confidence" in w for w in rec["warnings"])


def test_no_ocr_flag_reports_the_scan(scan, monkeypatch):
    monkeypatch.setenv("THAIREPORT_OCR", "0")
    with pytest.raises(ReadError, match=r"OCR is off \(--no-ocr\)"):
        read_document(scan[0])


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="the junk layer is made by the tesseract CLI")
def test_junk_latin_layer_rejected(tmp_path):
    """A scanner's OCR read the Thai page with a Latin model: its invisible layer is rejected."""
    from make_pdf_variants import junk_layers

    page = _first_page(tmp_path)
    junk_layers([page], tmp_path / "junk")
    path = tmp_path / "junk" / page.name
    layer = pdfium.PdfDocument(str(path))[0].get_textpage().get_text_range()
    assert sum(ch.isascii() and ch.isalpha() for ch in layer) > 100  # the junk is there
    doc = read_document(path)
    q = doc.pages_quality[0]
    c = cer(_page_text(page), doc.text)
    print(f"\njunk layer: {layer[:60]!r}... -> OCR CER {100 * c:.2f} %, {q}")
    assert q["invisible_text"] and q["method"] == "ocr"
    assert c <= 0.05


def test_unmapped_glyphs_read_by_ocr():
    path = ARCHIVE / "poknoi_budget_statement_2561.pdf"
    if not path.exists():
        pytest.skip("../shared/eval/dev/archive missing")
    rec = run_document(path, with_text=True)
    q = rec["pages_quality"][0]
    assert q["method"] == "ocr" and q["unmapped_share"] is not None
    assert "งบประมาณรายจ่ายประจำปีงบประมาณ" in rec["text"]
    assert rec["status"] == "partial" and any("read by OCR" in w for w in rec["warnings"])
