"""Reading: every format gives the .txt's text; Thai PDF damage repaired; bad input refused."""

import io
import zipfile

import pytest
from conftest import REALPDF, SAMPLES, need_shared

from pipeline.model import ReadError
from pipeline.readers import read_document
from pipeline.textcompare import cer
from pipeline.thai import thai_damage

STEMS = sorted(p.stem for p in SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
@pytest.mark.parametrize("stem", STEMS)
def test_readers_text_matches_txt_source(stem, fmt):
    reference = read_document(SAMPLES / f"{stem}.txt").text
    doc = read_document(SAMPLES / f"{stem}.{fmt}")
    rate = cer(reference, doc.text)
    print(f"\nCER {stem}.{fmt}: {100 * rate:.2f} %")
    assert rate <= 0.005


@pytest.mark.parametrize("stem", STEMS)
def test_readers_sample_pdfs_have_no_thai_damage(stem):
    doc = read_document(SAMPLES / f"{stem}.pdf")
    damage = thai_damage(doc.text)
    assert damage["total"] == 0, damage
    assert doc.pages and doc.page_starts[0] == 0


@pytest.mark.parametrize("name", ["budget-fy2565-vol3-14.pdf", "budget-fy2565-vol3-31.pdf"])
def test_readers_realpdf_damage_repaired(name):
    import pdfplumber

    path = need_shared(REALPDF / name)
    doc = read_document(path)
    after = thai_damage(doc.text)
    with pdfplumber.open(path) as pdf:  # the baseline: pdfplumber's plain extraction, 20 pages
        before = thai_damage("\n".join(p.extract_text() or "" for p in pdf.pages[:20]))
    print(f"\n{name}: damage per 1000 Thai chars: pdfplumber {before['per_1000']:.1f} -> "
          f"thaireport {after['per_1000']:.3f} ({doc.pages} pages)")
    assert after["per_1000"] <= 1.0
    assert before["per_1000"] > 10 * max(after["per_1000"], 0.1)


def test_readers_realpdf_page_11_figures():
    doc = read_document(need_shared(REALPDF / "budget-fy2565-vol3-31.pdf"))
    # a gap between table columns reads as two spaces: compare with spaces folded
    page = " ".join(doc.text[doc.page_starts[10]:doc.page_starts[11]].split())
    for expected in ("478,966,500 บาท", "473,710,000 บาท", "5,256,500 บาท", "ประจำปีงบประมาณ"):
        assert expected in page


def test_readers_realpdf_blank_pages_recorded():
    doc = read_document(need_shared(REALPDF / "budget-fy2565-vol3-31.pdf"))
    # page 2 draws nothing at all (no text, image or path): recorded as empty, not OCR'd, not a warning
    assert doc.pages_quality[1]["verdict"] == "empty" and doc.pages_quality[1]["method"] == "none"
    assert not any("not read" in w for w in doc.warnings)


def test_readers_page_lookup_from_offset():
    doc = read_document(need_shared(REALPDF / "budget-fy2565-vol3-31.pdf"))
    start, end = doc.page_starts[10], doc.page_starts[11]
    offset = doc.text.index("478,966,500", start)
    assert doc.page_of(start) == doc.page_of(offset) == doc.page_of(end - 1) == 11
    assert doc.page_of(end) == 12


# --- bad input -------------------------------------------------------------------------

def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_readers_truncated_pdf_fails(tmp_path):
    data = (SAMPLES / f"{STEMS[0]}.pdf").read_bytes()
    with pytest.raises(ReadError, match="damaged or truncated"):
        read_document(_write(tmp_path, "t.pdf", data[: len(data) // 3]))


def test_readers_encrypted_pdf_fails(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(SAMPLES / f"{STEMS[0]}.pdf"))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(ReadError, match="encrypted"):
        read_document(_write(tmp_path, "e.pdf", buf.getvalue()))


def test_readers_empty_docx_fails(tmp_path):
    with pytest.raises(ReadError, match="empty"):
        read_document(_write(tmp_path, "empty.docx", b""))


def test_readers_docx_not_a_zip_fails(tmp_path):
    with pytest.raises(ReadError, match="not a zip"):
        read_document(_write(tmp_path, "fake.docx", b"this is plain text pretending to be Word"))


def test_readers_docx_zip_bomb_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        # 2 GB of zeros would take long to write; the declared size is what the check reads
        z.writestr("word/document.xml", b"\0" * (150 * 1024 * 1024))
    with pytest.raises(ReadError, match="zip bomb"):
        read_document(_write(tmp_path, "bomb.docx", buf.getvalue()))


def test_readers_html_without_body_fails(tmp_path):
    with pytest.raises(ReadError, match="no body"):
        read_document(_write(tmp_path, "x.html", b"<html><head><title>x</title></head></html>"))


def test_readers_binary_junk_txt_fails(tmp_path):
    import random

    junk = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(5000)
    with pytest.raises(ReadError, match=r"binary|not UTF-8"):
        read_document(_write(tmp_path, "junk.txt", junk))


def test_readers_image_only_pdf_fails(tmp_path):
    from PIL import Image

    img = Image.new("RGB", (400, 300), "white")
    buf = io.BytesIO()
    img.save(buf, "PDF")
    with pytest.raises(ReadError, match="no usable text layer"):
        read_document(_write(tmp_path, "scan.pdf", buf.getvalue()))


def test_readers_unsupported_suffix_fails(tmp_path):
    with pytest.raises(ReadError, match="unsupported"):
        read_document(_write(tmp_path, "x.xls", b"abc"))


# --- encodings ---------------------------------------------------------------------------

THAI = "ผลการดำเนินงาน สำเร็จตามเป้าหมาย ๒๕๖๖"


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                             ("utf-16", b""), ("cp874", b""), ("tis-620", b"")])
def test_readers_txt_encodings(tmp_path, encoding, prefix):
    doc = read_document(_write(tmp_path, "t.txt", prefix + THAI.encode(encoding)))
    assert doc.text == THAI
