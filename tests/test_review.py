"""`thaireport show`: one document's values in context, in the terminal and as a review page
checked in a real headless Chromium (the page's highlights are looked for in the screenshot's
pixels, and counted in the DOM Chromium built)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLES, thaireport
from PIL import Image

from pipeline import review, storage
from pipeline.run import run_document

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

REPORT = """รายงานผลการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2566 ไตรมาสที่ 2
หน่วยงาน กรมควบคุมมลพิษ
ตัวชี้วัด
1. ร้อยละของหมู่บ้านที่มีการจัดการขยะมูลฝอยอย่างถูกต้อง
ผลการดำเนินงาน : สำเร็จตามเป้าหมาย
งบประมาณ 1,250,000.50 บาท เบิกจ่าย 800,000 บาท
ประชุมเมื่อวันที่ 15 มีนาคม 2566 ณ จังหวัดเชียงใหม่
"""


def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed (.ci/run installs it): the review page test needs it")
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={tmp / 'chromium-profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def test_show_in_the_terminal_gives_each_value_in_context(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text(REPORT, encoding="utf-8")
    run = thaireport("show", str(f))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    print(out)
    assert "1 indicator, 1 outcome, 1 date, 2 budget, 2 entity" in out
    assert "งบประมาณ [1,250,000.50 บาท] เบิกจ่าย" in out and "→ budget: 1,250,000.50 baht" in out
    assert "→ disbursed: 800,000.00 baht" in out
    assert "วันที่ [15 มีนาคม 2566] ณ" in out and "→ date: 2023-03-15 (day)" in out
    assert ": [สำเร็จตามเป้าหมาย]" in out and "→ outcome: achieved (indicator 1)" in out
    assert "→ entity: LOCATION" in out


def test_show_exit_codes(tmp_path):
    missing = thaireport("show", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 2 and "usage: thaireport show" in missing.stderr
    assert "no such file" in missing.stderr
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    broken = thaireport("show", str(bad))
    assert broken.returncode == 1 and "bad.docx" in broken.stderr


def test_show_a_stored_doc_id_notes_a_changed_source(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text(REPORT, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    record = run_document(str(f))
    storage.store_records(storage.engine_for(url), [record])
    storage.dispose_engines()
    digits = record["doc_id"].removeprefix("sha256:")[:10]
    same = thaireport("show", digits, "--db", url)
    assert same.returncode == 0 and "has changed" not in same.stdout
    f.write_text(REPORT + "\nเพิ่มเติม\n", encoding="utf-8")
    changed = thaireport("show", digits, "--db", url, "--html", str(tmp_path / "r.html"))
    assert changed.returncode == 0, changed.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="warnings"' in page and "has changed since" in page
    unknown = thaireport("show", "abcdef1234", "--db", url)
    assert unknown.returncode == 2 and "no stored document" in unknown.stderr


def test_review_page_highlights_every_kind_in_chromium(tmp_path):
    """A 4-page PDF sample plus the generated report (it has a budget): every kind's highlight
    colour is on screen, Chromium's DOM holds one mark per value with its parsed value as the
    hover text, and each page is numbered."""
    pdf = SAMPLES / "000_5bb0787697d1afdd.pdf"
    txt = tmp_path / "report.txt"
    txt.write_text(REPORT, encoding="utf-8")
    for src, name in ((pdf, "pdf"), (txt, "txt")):
        out = tmp_path / f"{name}.html"
        assert thaireport("show", str(src), "--html", str(out)).returncode == 0
        doc, record, _ = review.load(str(src))
        marks, _ = review.highlights(doc, record)
        dom = chromium("--dump-dom", out.as_uri(), tmp=tmp_path).stdout
        for kind in review.KINDS:
            expected = sum(h.kind == kind for h in marks)
            assert dom.count(f'class="k-{kind}"') >= expected  # a mark crossing another is cut in two
            if expected:
                assert f'class="k-{kind}" title="' in dom
        if name == "pdf":
            assert all(f'id="page-{n}"' in dom for n in range(1, 5))
        png = tmp_path / f"{name}.png"
        shot = chromium("--window-size=1200,2600", f"--screenshot={png}", out.as_uri(), tmp=tmp_path)
        assert png.exists(), shot.stderr[-2000:]
        colours = Image.open(png).convert("RGB").getcolors(maxcolors=1 << 24)
        wanted = {hex_rgb(colour): kind for kind, (_, colour) in review.KINDS.items()}
        by_kind = {wanted[c]: n for n, c in colours if c in wanted}
        print(name, "highlight pixels by kind:", by_kind)
        for kind in review.KINDS:
            if sum(h.kind == kind for h in marks):
                # the legend swatch alone is ~1,500 pixels; a highlighted value adds more
                assert by_kind.get(kind, 0) > 2500, (kind, by_kind)
