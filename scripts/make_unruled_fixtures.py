"""tests/data/columns/: small Word documents rendered by LibreOffice, for unruled-table reading.

    python scripts/make_unruled_fixtures.py   # needs soffice (libreoffice-writer) and fonts-thai-tlwg

Tables without rules (Word's "Normal Table" style, no borders) in several shapes, and pages that
must stay paragraphs although their text leaves wide gaps. The expected cells are written next
to each PDF (<name>.json: the rows of each table, or [] when there is none). The suite reads
the committed PDFs, so it needs no soffice.

- kpi_unruled: a KPI table (5 columns, names wrapping in their cells) between paragraphs;
- budget_unruled: 4 columns, right-aligned amounts, one empty cell, a list number in a cell;
- wide_unruled: 6 columns in a smaller font, Loma;
- two_columns: a page set in two newspaper columns (a one-gap layout, not a table);
- tab_paragraph: paragraphs with a wide tab gap in one line, a signature line;
- right_numbers: a list whose amounts a right tab stop aligns (one gap per line);
- toc: a table of contents with dot leaders.
- kpi_two_pages: a KPI table in Laksaman 14 pt (TH Sarabun's clone) running over a page break
  inside a row, its last row's name filling its column.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_samples

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "columns"
INTRO = ("สำนักงานได้ดำเนินการตามแผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567 โดยมีผลการดำเนินงาน"
         "ตามตัวชี้วัดที่สำคัญดังต่อไปนี้ ซึ่งหน่วยงานได้รวบรวมข้อมูลจากระบบติดตามและประเมินผล")
OUTRO = ("ทั้งนี้ ผลการดำเนินงานดังกล่าวจะนำไปใช้ในการปรับปรุงแผนการดำเนินงานในปีงบประมาณถัดไป "
         "เพื่อให้บรรลุเป้าหมายตามยุทธศาสตร์ของหน่วยงาน")


def _document(font: str = "Garuda", size: int = 14) -> Document:
    """A document set in one Thai font, as scripts/make_samples.py sets it (every script's font
    and the complex-script size: LibreOffice sets Thai by those)."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(size)
    make_samples.FONT = font
    make_samples._set_font(style.element.get_or_add_rPr())
    cs = OxmlElement("w:szCs")
    cs.set(qn("w:val"), str(2 * size))
    style.element.get_or_add_rPr().append(cs)
    return doc


def _table(doc: Document, rows: list[list[str]], right: tuple[int, ...] = ()) -> None:
    """A table with no rules: python-docx's default style is Word's borderless Normal Table."""
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            if c in right:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def kpi_unruled() -> tuple[Document, list[list[list[str]]]]:
    doc = _document("Sawasdee", 12)
    doc.add_paragraph(INTRO)
    rows = [["ตัวชี้วัด", "หน่วยนับ", "ค่าเป้าหมาย", "ผลงาน", "ผลการประเมิน"]]
    subjects = ["ผู้เข้ารับการอบรมที่นำความรู้ไปใช้ในการปฏิบัติงาน", "หมู่บ้านที่เข้าร่วมโครงการ",
                "ครัวเรือนที่ได้รับการพัฒนาคุณภาพชีวิต", "เรื่องร้องเรียนที่ได้รับการแก้ไขภายในเวลาที่กำหนด",
                "ผู้สูงอายุที่ได้รับการดูแล"]
    status = ["บรรลุเป้าหมาย", "ไม่บรรลุเป้าหมาย", "อยู่ระหว่างดำเนินการ", "บรรลุเป้าหมาย", "ผ่านเกณฑ์"]
    for i, (subject, st) in enumerate(zip(subjects, status, strict=True)):
        rows.append([f"ร้อยละของ{subject}", "ร้อยละ", str(70 + 5 * i), f"{62.5 + 7 * i:.2f}", st])
    _table(doc, rows)
    doc.add_paragraph(OUTRO)
    return doc, [rows]


def budget_unruled() -> tuple[Document, list[list[list[str]]]]:
    doc = _document("Laksaman", 14)
    doc.add_paragraph("ผลการเบิกจ่ายงบประมาณ แยกตามงบรายจ่าย")
    rows = [["งบรายจ่าย", "งบประมาณที่ได้รับ", "เบิกจ่าย", "ร้อยละ"],
            ["1. งบบุคลากร", "12,450,000", "11,980,500", "96.23"],
            ["2. งบดำเนินงาน", "8,200,000", "6,150,000", "75.00"],
            ["3. งบลงทุน ค่าครุภัณฑ์ที่ดินและสิ่งก่อสร้าง", "25,000,000", "9,870,000", "39.48"],
            ["4. งบเงินอุดหนุน", "3,500,000", "", ""],
            ["รวมทั้งสิ้น", "49,150,000", "28,000,500", "56.97"]]
    _table(doc, rows, right=(1, 2, 3))
    doc.add_paragraph(OUTRO)
    return doc, [rows]


def wide_unruled() -> tuple[Document, list[list[list[str]]]]:
    doc = _document("Sawasdee", 11)
    doc.add_paragraph("ตารางที่ 2 สรุปผลการดำเนินงานรายไตรมาส")
    rows = [["โครงการ", "ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4", "หมายเหตุ"],
            ["โครงการพัฒนาระบบน้ำประปาหมู่บ้าน", "15", "20", "18", "22", "ดำเนินการแล้วเสร็จ"],
            ["โครงการส่งเสริมอาชีพเกษตรกร", "40", "35", "", "50", "งดกิจกรรมไตรมาส 3 เนื่องจากอุทกภัย"],
            ["โครงการอบรมอาสาสมัครสาธารณสุข", "120", "80", "95", "110", "-"]]
    _table(doc, rows)
    return doc, [rows]


def two_columns() -> tuple[Document, list]:
    doc = _document("Sawasdee", 14)
    doc.add_paragraph("รายงานสรุปผลการดำเนินงาน")
    section = doc.add_section(WD_SECTION.CONTINUOUS)
    cols = section._sectPr.xpath("./w:cols")
    cols = cols[0] if cols else OxmlElement("w:cols")
    cols.set(qn("w:num"), "2")
    cols.set(qn("w:space"), "720")
    section._sectPr.append(cols)
    for k in range(6):
        doc.add_paragraph(f"{k + 1}. " + INTRO[: 60 + 10 * k])
        doc.add_paragraph(OUTRO)
    return doc, []


def tab_paragraph() -> tuple[Document, list]:
    doc = _document("Sawasdee", 14)
    doc.add_paragraph(INTRO)
    doc.add_paragraph("เรื่อง รายงานผลการดำเนินงาน\tวันที่ 30 กันยายน 2567")
    doc.add_paragraph(OUTRO)
    doc.add_paragraph("ลงชื่อ\tผู้รายงาน\tลงชื่อ\tผู้ตรวจสอบ")
    doc.add_paragraph("(นายสมชาย ใจดี)\t\t(นางสาวสมหญิง รักดี)")
    return doc, []


def _tab_list(doc: Document, items: list[tuple[str, str]], leader: WD_TAB_LEADER | None) -> None:
    for label, value in items:
        p = doc.add_paragraph(f"{label}\t{value}")
        stop = p.paragraph_format.tab_stops.add_tab_stop(Cm(15), WD_TAB_ALIGNMENT.RIGHT)
        if leader is not None:
            stop._tab.set(qn("w:leader"), "dot")


def right_numbers() -> tuple[Document, list]:
    doc = _document()
    doc.add_paragraph("ค่าใช้จ่ายในการดำเนินโครงการ")
    _tab_list(doc, [("1. ค่าตอบแทนวิทยากร", "12,000 บาท"), ("2. ค่าอาหารและอาหารว่าง", "35,500 บาท"),
                    ("3. ค่าวัสดุและอุปกรณ์", "8,250 บาท"), ("4. ค่าเช่าสถานที่", "20,000 บาท")], None)
    return doc, []


def toc() -> tuple[Document, list]:
    doc = _document()
    doc.add_paragraph("สารบัญ")
    _tab_list(doc, [("บทที่ 1 บทนำ", "1"), ("บทที่ 2 ผลการดำเนินงานตามตัวชี้วัด", "5"),
                    ("บทที่ 3 ปัญหาและอุปสรรค", "12"), ("บทที่ 4 ข้อเสนอแนะ", "15")], WD_TAB_LEADER.DOTS)
    return doc, []


def kpi_two_pages() -> tuple[Document, list[list[list[str]]]]:
    doc = _document("Laksaman", 14)
    for _ in range(5):
        doc.add_paragraph(INTRO + " " + OUTRO)
    rows = [["ตัวชี้วัด", "ค่าเป้าหมาย", "ผลงาน", "ผลการประเมิน"]]
    subjects = ["ผู้เข้ารับการอบรมที่นำความรู้ไปใช้", "หมู่บ้านที่เข้าร่วมโครงการ", "ครัวเรือนที่ได้รับการพัฒนา",
                "เรื่องร้องเรียนที่ได้รับการแก้ไข", "ผู้สูงอายุที่ได้รับการดูแล", "โรงเรียนที่ผ่านการประเมิน",
                "เกษตรกรที่ได้รับการส่งเสริมอาชีพ", "ชุมชนที่มีแผนพัฒนาชุมชน", "อาสาสมัครที่ผ่านการอบรม",
                "ผู้ประกอบการที่ได้รับการรับรอง", "แหล่งน้ำที่ได้รับการฟื้นฟู", "ถนนที่ได้รับการซ่อมแซม"]
    status = ["บรรลุเป้าหมาย", "ไม่บรรลุเป้าหมาย", "อยู่ระหว่างดำเนินการ"]
    for i, subject in enumerate(subjects):
        rows.append([f"ร้อยละของ{subject}", f"ร้อยละ {70 + 2 * i}", f"{60.5 + 3 * i:.2f}", status[i % 3]])
    _table(doc, rows)
    doc.add_paragraph(OUTRO)
    return doc, [rows]


FIXTURES = (kpi_unruled, budget_unruled, wide_unruled, two_columns, tab_paragraph, right_numbers, toc, kpi_two_pages)


def main() -> int:
    """All fixtures, or those named on the command line."""
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(sys.argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        srcs = []
        for make in FIXTURES:
            if wanted and make.__name__ not in wanted:
                continue
            doc, tables = make()
            src = Path(tmp) / f"{make.__name__}.docx"
            doc.save(str(src))
            srcs.append(str(src))
            (OUT / f"{make.__name__}.json").write_text(json.dumps(tables, ensure_ascii=False) + "\n", "utf-8")
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "pdf", "--outdir", str(OUT), *srcs],
                       check=True, capture_output=True, timeout=300)
    return 0


if __name__ == "__main__":
    sys.exit(main())
