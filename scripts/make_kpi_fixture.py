"""tests/data/structure/kpi_table.pdf: a KPI table as Word users make it, rendered by LibreOffice.

    python scripts/make_kpi_fixture.py   # needs soffice (libreoffice-writer) and fonts-thai-tlwg

40 indicator rows (long names that wrap inside their cell), a header row Word repeats on each
page (tblHeader), a project cell merged down its rows, status words varied; the expected rows are
in tests/data/structure/kpi_table.json. The suite reads the committed PDF, so it needs no soffice.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "structure"
HEADER = ["โครงการ", "ตัวชี้วัดความสำเร็จ", "ค่าเป้าหมาย", "ผลการดำเนินงาน", "ผลการประเมิน"]
SUBJECTS = ["ผู้เข้ารับการอบรมที่นำความรู้ไปใช้ในการปฏิบัติงานตามมติคณะรัฐมนตรี", "หมู่บ้านที่เข้าร่วมโครงการ",
            "ครัวเรือนที่ได้รับการพัฒนาคุณภาพชีวิตตามหลักปรัชญาของเศรษฐกิจพอเพียง", "เรื่องร้องเรียนที่ได้รับการแก้ไข"]
STATUS = [("บรรลุเป้าหมาย", "achieved"), ("ไม่บรรลุเป้าหมาย", "not_achieved"),
          ("อยู่ระหว่างดำเนินการ", "in_progress"), ("ผ่านเกณฑ์", "achieved")]


def rows() -> list[dict]:
    out = []
    for i in range(40):
        subject = SUBJECTS[i % len(SUBJECTS)]
        status, outcome = STATUS[(i * 3) % len(STATUS)]
        out.append({"name": f"ร้อยละของ{subject} (ข้อ {i + 1})", "target": f"ร้อยละ {70 + i % 20}",
                    "result": f"ร้อยละ {60 + (i * 7) % 35}", "status": status, "outcome": outcome})
    return out


def make_docx(path: Path) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Laksaman", Pt(14)
    style.element.rPr.rFonts.set(qn("w:cs"), "Laksaman")
    doc.add_paragraph("รายงานผลการดำเนินงานตามตัวชี้วัด ปีงบประมาณ พ.ศ. 2567")
    data = rows()
    table = doc.add_table(rows=1 + len(data), cols=len(HEADER))
    table.style = "Table Grid"
    for i, h in enumerate(HEADER):
        table.cell(0, i).text = h
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
    for r, row in enumerate(data, 1):
        for c, key in enumerate(("name", "target", "result", "status"), 1):
            table.cell(r, c).text = row[key]
    table.cell(1, 0).text = "โครงการพัฒนาคุณภาพการให้บริการประชาชน"
    table.cell(1, 0).merge(table.cell(10, 0))
    doc.save(path)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "kpi_table.docx"
        make_docx(src)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=180)
        (OUT / "kpi_table.pdf").write_bytes((Path(tmp) / "kpi_table.pdf").read_bytes())
    (OUT / "kpi_table.json").write_text(json.dumps(rows(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
