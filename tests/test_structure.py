"""Blocks from every reader: spans into the normalised text, cells of real tables, KPI tables
read into indicators (generated variations, not only the dev files), and ruled-table speed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractors import indicators
from pipeline.model import Document
from pipeline.readers import read_document
from pipeline.readers.common import TextBuilder, finish
from pipeline.readers.pdf_layout import grids_from_rules
from pipeline.thai import normalize_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ARCHIVE = ROOT.parent / "shared" / "eval" / "dev" / "archive"
S002 = "002_1f4f99ff3787c05c"


def _rows(doc: Document, kind: str = "table") -> list[list[list[str]]]:
    return [[[doc.text[c.start:c.end] for c in row] for row in b.rows()] for b in doc.blocks if b.kind == kind]


def _check_spans(doc: Document) -> None:
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= len(doc.text)
        assert doc.text[b.start:b.end] == doc.text[b.start:b.end].strip()
        assert doc.block_at(b.start) is not None
        for c in b.cells:
            assert b.start <= c.start <= c.end <= b.end
            assert "|" not in doc.text[c.start:c.end]


def test_spans_follow_normalisation() -> None:
    """Spans recorded in the raw text land on the same words after the Thai repairs (split
    SARA AM, PUA marks, spaces) have changed the offsets."""
    out = TextBuilder()
    out.line("ผลการดํา\u0e40นินงาน   ตามแผน", "paragraph")
    raw_cells = ["ตัวชี้วัด", "สถานะ"], ["ร้อยละของผู้ผ่านการอบรม ท\uf70aี", "บรรลุเป้าหมาย"]
    spans = [out.table_row(r) for r in raw_cells]
    from pipeline.model import Block, Cell
    cells = tuple(Cell(s, e, r, c) for r, row in enumerate(spans) for c, (s, e) in enumerate(row))
    out.blocks.append(Block("table", spans[0][0][0], out.pos, cells=cells, header_rows=1))
    doc = finish("x.txt", b"x", "txt", out.text, [], blocks=out.blocks)
    assert doc.text == normalize_text(out.text)
    got = _rows(doc)[0]
    assert got == [[normalize_text(t) for t in row] for row in raw_cells]
    _check_spans(doc)


def test_sample_002_form_table_in_every_format() -> None:
    """The form table of sample 002: label and value cells, the same in DOCX, PDF and HTML
    (markup) and in the TXT dump (pipe rows); in the PDF the value `0.0000 ล้าน` / `บาท`
    broken by the page is one cell."""
    for suffix in ("docx", "pdf", "html", "txt"):
        doc = read_document(SAMPLES / f"{S002}.{suffix}")
        _check_spans(doc)
        tables = _rows(doc)
        assert tables, suffix
        rows = [[" ".join(t.split()) for t in row] for row in tables[0]]
        assert rows[0] == ["1. หน่วยงาน", "กพร.สป."], suffix
        assert rows[3][0] == "4. งบประมาณ" and rows[3][1].replace(" ", "") == "0.2330ล้านบาท", suffix
        fields = {" ".join(doc.text[slice(*b.label)].split()): doc.text[slice(*b.value)]
                  for b in doc.blocks if b.kind == "form_field"}
        assert "1. หน่วยงาน" in fields or "หน่วยงาน" in fields, suffix
        cells = [c for t in tables for row in t for c in row]
        assert any("ผลการเบิกจ่าย 0.0000 ล้านบาท" in " ".join(c.split()) or
                   "ผลการเบิกจ่าย 0.0000ล้านบาท" in c for c in cells), suffix


@pytest.mark.skipif(not ARCHIVE.is_dir(), reason="../shared/eval/dev/archive is not here")
def test_real_kpi_table_cells_and_indicators() -> None:
    """rbru (an Excel KPI table exported to PDF): rows of cells with the status column, and the
    44 indicators read from them with their outcomes; satun (Word plan): the ตัวชี้วัด column's
    bullets, one indicator each."""
    doc = read_document(ARCHIVE / "rbru_arit_action_conclusion_2554_6m.pdf")
    _check_spans(doc)
    first = next(t for t in _rows(doc) if "ตัวชี้วัด" in t[0])
    assert "ผู้ประสานงาน" in first[0]
    data = [row for row in first if "ความพึงพอใจ" in row]
    assert data and "เกินเป้า" in data[0]
    found, _ = indicators.extract(doc)
    outcomes = [m.value["outcome"] for m in found if m.extractor.startswith("structured")]
    assert len(outcomes) >= 40 and outcomes.count("achieved") >= 10 and outcomes.count("not_achieved") >= 28
    doc = read_document(ARCHIVE / "msdhs_satun_antitrafficking_plan_2556.docx")
    found, _ = indicators.extract(doc)
    assert sum(m.extractor.startswith("structured") for m in found) == 24


def _kpi_docx(header: list[str], rows: list[list[str]], merge_first: bool) -> bytes:
    from docx import Document as new_docx

    d = new_docx()
    d.add_paragraph("รายงานผลการดำเนินงานตามตัวชี้วัด")
    t = d.add_table(rows=1 + len(rows), cols=len(header))
    for i, h in enumerate(header):
        t.cell(0, i).text = h
    for r, row in enumerate(rows, 1):
        for i, v in enumerate(row):
            t.cell(r, i).text = v
    if merge_first:  # a project cell merged down the rows of its indicators
        t.cell(1, 0).merge(t.cell(len(rows), 0))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


_NAMES = ["ร้อยละของผู้เข้ารับการอบรมที่มีความรู้ความเข้าใจเพิ่มขึ้นตามมติคณะรัฐมนตรี",
          "จำนวนหมู่บ้านที่เข้าร่วมโครงการ", "ระดับความสำเร็จของการจัดทำแผน"]
_STATUS = [("บรรลุเป้า", "achieved"), ("ไม่บรรลุเป้าหมาย", "not_achieved"), ("อยู่ระหว่างดำเนินการ", "in_progress")]


@pytest.mark.parametrize("header", [
    ["โครงการ", "ตัวชี้วัด", "เป้าหมาย", "ผล", "สถานะ"],
    ["โครงการ", "ตัวชี้วัดความสำเร็จ", "ค่าเป้าหมาย", "ผลการดำเนินงาน", "ผลการประเมิน"],
    ["แผนงาน", "KPI", "ค่าเป้าหมาย (ร้อยละ)", "ผลการดำเนินงาน รอบ 6 เดือน", "สรุปสถานะ"],
])
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_generated_kpi_tables(tmp_path: Path, header: list[str], fmt: str) -> None:
    """KPI tables with varied headers, a merged project cell and an explicit status that wins
    over a result written in words (`ยังไม่ได้ดำเนินการ` under ไม่บรรลุ)."""
    rows = [["โครงการพัฒนาบุคลากร", n, "ร้อยละ 80", "ยังไม่ได้ดำเนินการ" if k == 1 else "ร้อยละ 85", s]
            for k, (n, (s, _)) in enumerate(zip(_NAMES, _STATUS, strict=True))]
    if fmt == "docx":
        path = tmp_path / "kpi.docx"
        path.write_bytes(_kpi_docx(header, rows, merge_first=True))
    else:
        body = "".join(f"<tr>{''.join(f'<td>{v}</td>' for v in r)}</tr>" for r in rows)
        head = "".join(f"<th>{h}</th>" for h in header)
        path = tmp_path / "kpi.html"
        path.write_text(f"<html><body><h1>รายงาน</h1><table><thead><tr>{head}</tr></thead>"
                        f"<tbody>{body}</tbody></table></body></html>", "utf-8")
    doc = read_document(path)
    _check_spans(doc)
    found, _ = indicators.extract(doc)
    got = [(m.value["name"], m.value["outcome"]) for m in found]
    assert got == [(n, o) for n, (_, o) in zip(_NAMES, _STATUS, strict=True)]
    assert found[0].value["target"] == "ร้อยละ 80"


def _pdf(content: str) -> bytes:
    """A one-page PDF with this content stream (Helvetica as /F1)."""
    stream = content.encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 800] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_page_of_30000_rules_reads_fast(tmp_path: Path) -> None:
    """30,000 thin rules of 30,000 different extents (hatching, a chart) and two vertical ones:
    the former grouping compared every rule with every group (60 s for this page on this
    machine); joined and grouped by union-find it reads in well under 2 s."""
    ops = ["0.2 w", "300 10 m 300 780 l S", "500 10 m 500 780 l S", "BT /F1 12 Tf 30 790 Td (rules) Tj ET"]
    for i in range(30000):
        x0, y = 30 + (i % 150) * 3.5, 20 + i * 0.025
        ops.append(f"{x0} {y:.3f} m {x0 + 25 + (i // 150) * 3.5} {y:.3f} l S")
    path = tmp_path / "rules.pdf"
    path.write_bytes(_pdf("\n".join(ops)))
    t0 = time.perf_counter()
    doc = read_document(path)
    elapsed = time.perf_counter() - t0
    assert doc.text.startswith("rules")
    assert elapsed < 2.0, elapsed


def test_ruled_table_grouping_is_near_linear() -> None:
    """A page of 30,000 thin rules (a 150 x 100 grid drawn cell by cell) groups in well under
    2 s (the former pairwise grouping took 72 s)."""
    h = [(700 - 4 * r, 10 + 5 * c, 15 + 5 * c) for r in range(151) for c in range(100)]
    v = [(10 + 5 * c, 700 - 4 * r - 4, 700 - 4 * r) for r in range(150) for c in range(101)]
    rules = len(h) + len(v)
    t0 = time.perf_counter()
    grids = grids_from_rules(h, v)
    elapsed = time.perf_counter() - t0
    assert rules >= 30000
    assert len(grids) == 1 and len(grids[0].xs) == 101 and len(grids[0].ys) == 151
    assert elapsed < 2.0, elapsed


def test_progress_form_activities_and_option_boxes(tmp_path: Path) -> None:
    """A progress form without a ตัวชี้วัด column: the numbered activities of its activity column
    are the indicators (their names end before `เช่น`, the examples), an activity continued in a
    row marked (ต่อ) is not a new one, and a status cell of untouched option boxes states nothing,
    while a ticked box does."""
    header = ["ผลการดำเนินงานกิจกรรม/โครงการ", "ความก้าวหน้าการดำเนินงาน", "ปัญหาอุปสรรค"]
    rows = [["๑. การพัฒนาระบบการให้บริการ\nเช่น การให้คำปรึกษาทางโทรศัพท์\n๒. การอบรมเจ้าหน้าที่เช่น การศึกษาดูงาน",
             "○ เป็นไปตามแผน\n○ ไม่เป็นไปตามแผน", "-"],
            ["(ต่อ) การศึกษาดูงานต่างจังหวัด", "☑ เป็นไปตามแผน\n○ ไม่เป็นไปตามแผน", "-"]]
    path = tmp_path / "form.docx"
    path.write_bytes(_kpi_docx(header, rows, merge_first=False))
    doc = read_document(path)
    found, _ = indicators.extract(doc)
    got = [(m.value["number"], m.value["name"], m.value["outcome"])
           for m in found if m.extractor.startswith("structured")]
    assert got == [("๑.", "การพัฒนาระบบการให้บริการ", None), ("๒.", "การอบรมเจ้าหน้าที่", None)]
    from extractors.structured import status_of
    assert status_of("☑ เป็นไปตามแผน\n○ ไม่เป็นไปตามแผน") == ("achieved", "เป็นไปตามแผน")
    assert status_of("○ เป็นไปตามแผน\n○ ไม่เป็นไปตามแผน") is None


def test_data_row_is_not_a_header(tmp_path: Path) -> None:
    """A table without an indicator header, whose rows hold a project and a status word, gives
    no indicators (a data row is not taken for a header)."""
    rows = [["โครงการพัฒนาห้องสมุดโรงเรียนและแหล่งเรียนรู้ในเขตภาคตะวันออก", "1 แห่ง", "ไม่บรรลุเป้า"],
            ["โครงการอบรม", "2 ครั้ง", "บรรลุเป้า"]]
    path = tmp_path / "plain.docx"
    path.write_bytes(_kpi_docx(["หัวข้อ", "จำนวน", "หมายเหตุ"], rows, merge_first=False))
    found, _ = indicators.extract(read_document(path))
    assert not [m for m in found if m.extractor.startswith("structured")]


def test_kpi_table_pdf_from_word() -> None:
    """A Word KPI table rendered by LibreOffice (scripts/make_kpi_fixture.py): 40 rows over 8
    pages, names wrapping in their cells, the header repeated on every page, rows broken by page
    ends and a project cell merged down ten rows; every row read back with name, target, result
    and outcome."""
    data = ROOT / "tests" / "data" / "structure"
    expected = json.loads((data / "kpi_table.json").read_text("utf-8"))
    doc = read_document(data / "kpi_table.pdf")
    _check_spans(doc)
    found, _ = indicators.extract(doc)
    got = [(m.value["name"], m.value["target"], m.value["result"], m.value["outcome"])
           for m in found if m.extractor.startswith("structured")]
    assert got == [(r["name"], r["target"], r["result"], r["outcome"]) for r in expected]
    assert all(doc.text[m.start:m.end] == m.text for m in found)


def test_block_at_finds_the_innermost_block() -> None:
    """A nested table and a form field inside a table are found before the table; past them the
    outer table again; between blocks nothing."""
    from pipeline.model import Block, Cell
    blocks = (Block("table", 0, 100, cells=(Cell(0, 50, 0, 0),)), Block("table", 10, 20),
              Block("form_field", 30, 40, label=(30, 33), value=(35, 40)), Block("paragraph", 120, 130))
    doc = Document("sha256:x", "x.txt", "txt", "ก" * 200, blocks=blocks)
    found = {o: doc.block_at(o) for o in (5, 15, 25, 35, 60, 110, 125, 150)}
    assert {o: (b.kind, b.start) if b else None for o, b in found.items()} == {
        5: ("table", 0), 15: ("table", 10), 25: ("table", 0), 35: ("form_field", 30),
        60: ("table", 0), 110: None, 125: ("paragraph", 120), 150: None}


@pytest.mark.skipif(not ARCHIVE.is_dir(), reason="../shared/eval/dev/archive is not here")
def test_archive_indicators_from_structure(tmp_path: Path) -> None:
    """The archive as published (Excel-made KPI PDF, Word plan and form, scans, text): indicators
    read from their tables, F1 and outcome accuracy printed (goal >= 0.9 each)."""
    files = sorted(p for p in ARCHIVE.iterdir() if p.suffix in (".pdf", ".docx", ".txt"))
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", "--quiet", *map(str, files)],
                         capture_output=True, text=True, cwd=ROOT)
    pred = tmp_path / "pred.jsonl"
    pred.write_text(out.stdout, "utf-8")
    res = json.loads(subprocess.run(
        [sys.executable, str(ARCHIVE.parent.parent / "score.py"), "--gold", str(ARCHIVE.parent / "archive-gold.jsonl"),
         "--pred", str(pred), "--json"], capture_output=True, text=True, check=True).stdout)
    f1, outcome = res["indicators"]["f1"], res["outcome_accuracy"]["accuracy"]
    print(f"\narchive indicators F1 {f1:.3f} (P {res['indicators']['precision']:.3f}, "
          f"R {res['indicators']['recall']:.3f}), outcome accuracy {outcome:.3f} (n {res['outcome_accuracy']['n']})")
    assert f1 >= 0.9 and outcome >= 0.9


def test_grid_edges_without_a_rule_across():
    """A table's part on a page: its column rules run past the last rule across to the page
    break (an open edge); a page inside one row has only column rules; two short parallel
    rules with nothing across are not a table."""
    from pipeline.readers.pdf_layout import grids_from_rules

    h = [(700.0, 50.0, 550.0), (650.0, 50.0, 550.0)]
    v = [(50.0, 100.0, 760.0), (300.0, 100.0, 760.0), (550.0, 100.0, 760.0)]
    (grid,) = grids_from_rules(h, v)
    assert [round(y) for y in grid.ys] == [760, 700, 650, 100]
    (inside,) = grids_from_rules([], [(50.0, 30.0, 760.0), (300.0, 30.0, 760.0)])
    assert inside.xs == [50.0, 300.0] and [round(y) for y in inside.ys] == [760, 30]
    assert grids_from_rules([], [(50.0, 700.0, 720.0), (300.0, 700.0, 720.0)]) == []
    assert grids_from_rules([], [(50.0, 30.0, 760.0), (300.0, 400.0, 500.0)]) == []


def test_browser_paragraphs_are_not_joined_across_their_margins():
    """On a Skia page a wrapped paragraph's lines are one line height apart; lines 1.65 line
    heights apart are two paragraphs even when the first reaches the right edge."""
    from pipeline.readers.pdf_layout import Line, join_wrapped

    size = 19.56

    def page(gap: float) -> list[Line]:
        return [Line(700.0, "ร้อยละของการเบิกจ่ายงบประมาณ ณ วันสิ้นปีงบประมาณ", 34.0, 487.0, size, False),
                Line(700.0 - gap, "ปีที่ประเมินผลการดำเนินงาน 2564", 34.0, 200.0, size, False),
                Line(700.0 - 2 * gap, "ผู้ดูแลตัวบ่งชี้ สุชาติ ศรีชื่น และคณะทำงานของสำนักงาน", 34.0, 486.0, size, False)]

    assert len(join_wrapped(page(1.65 * size))) == 2  # the page's own pitch: joined
    assert len(join_wrapped(page(1.65 * size), max_pitch=1.35)) == 3
    assert len(join_wrapped(page(1.03 * size), max_pitch=1.35)) == 2
