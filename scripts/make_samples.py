"""Make samples/ from the seed reports: each as .txt, .docx, .pdf and .html.

    python scripts/make_samples.py [--seeds ../shared/seeds] [--out samples]

- .docx: python-docx, Laksaman (Debian's TH Sarabun New clone) for Thai; "field | value" rows
  as a real Word table; numbered lines ("1.", "4.1", "1)") as Word automatic numbering, so
  the number lives in numbering.xml, not in the paragraph text, as in agencies' files.
- .pdf: that .docx converted by LibreOffice headless, as agencies do (needs `soffice`).
- .html: the article inside a page with site chrome (title, navigation, font-size widget,
  language switch, footer), which the HTML reader must leave out.
The test suite uses the committed files; it does not need LibreOffice.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

FONT = "Laksaman"
NUMBERED = re.compile(r"^(?P<num>\d+(?:\.\d+)*)(?P<suffix>[.)]?)\s+(?P<text>\S.*)$")
CHROME_LINES = {"Loading...", "ขนาดอักษร", "เปลี่ยนการแสดงผล C C C", "TH EN", "แกลเลอรี่", "ข่าวสารหน่วยงาน"}


def _set_font(run_or_style_rpr) -> None:
    rfonts = run_or_style_rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        run_or_style_rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)


class NumberingBuilder:
    """Word list definitions: one abstract list per numbering shape, one list instance per item
    (with start overrides), so "4.1" and "1)" come out exactly as the report wrote them."""

    def __init__(self, doc) -> None:
        self.root = doc.part.numbering_part.element
        self.abstract_ids: dict[tuple[int, str], int] = {}
        self.next_abstract = 100
        self.next_num = 100

    def _abstract(self, ilvl: int, lvl_text: str) -> int:
        key = (ilvl, lvl_text)
        if key in self.abstract_ids:
            return self.abstract_ids[key]
        aid = self.next_abstract
        self.next_abstract += 1
        an = OxmlElement("w:abstractNum")
        an.set(qn("w:abstractNumId"), str(aid))
        for lv in range(ilvl + 1):
            lvl = OxmlElement("w:lvl")
            lvl.set(qn("w:ilvl"), str(lv))
            for tag, val in (("w:start", "1"), ("w:numFmt", "decimal"),
                             ("w:lvlText", lvl_text if lv == ilvl else "%1."), ("w:lvlJc", "left")):
                e = OxmlElement(tag)
                e.set(qn("w:val"), val)
                lvl.append(e)
            an.append(lvl)
        # abstractNum elements must precede num elements
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(an)
        else:
            self.root.append(an)
        self.abstract_ids[key] = aid
        return aid

    def number(self, label: str, suffix: str) -> tuple[int, int]:
        # "4.1": one level whose text carries the parent number ("4.%1"), because LibreOffice
        # ignores a start override on a level above the one in use (it would print "1.1")
        *parents, last = label.split(".")
        parts = [int(last)]
        ilvl = 0
        lvl_text = "".join(f"{p}." for p in parents) + "%1" + suffix
        aid = self._abstract(ilvl, lvl_text)
        num_id = self.next_num
        self.next_num += 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(num_id))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), str(aid))
        num.append(ref)
        for lv, value in enumerate(parts):
            ov = OxmlElement("w:lvlOverride")
            ov.set(qn("w:ilvl"), str(lv))
            so = OxmlElement("w:startOverride")
            so.set(qn("w:val"), str(value))
            ov.append(so)
            num.append(ov)
        self.root.append(num)
        return num_id, ilvl


def _numbered_paragraph(doc, numbering: NumberingBuilder, m: re.Match[str]) -> None:
    p = doc.add_paragraph(m.group("text"))
    num_id, ilvl = numbering.number(m.group("num"), m.group("suffix"))
    ppr = p._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    for tag, val in (("w:ilvl", ilvl), ("w:numId", num_id)):
        e = OxmlElement(tag)
        e.set(qn("w:val"), str(val))
        numpr.append(e)
    ppr.append(numpr)


def make_docx(lines: list[str], out: Path) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(14)
    _set_font(style.element.get_or_add_rPr())
    cs = OxmlElement("w:szCs")
    cs.set(qn("w:val"), "28")
    style.element.get_or_add_rPr().append(cs)
    numbering = NumberingBuilder(doc)
    table = None
    for line in lines:
        if " | " in line or line.rstrip().endswith("|"):
            cells = [c.strip() for c in line.rstrip().rstrip("|").split(" | ")]
            if table is None:
                table = doc.add_table(rows=0, cols=2)
                table.style = "Table Grid"
            row = table.add_row().cells
            row[0].text = cells[0]
            row[1].text = "\n".join(cells[1:])
            continue
        table = None
        if not line.strip():
            continue
        m = NUMBERED.match(line.strip())
        if m:
            _numbered_paragraph(doc, numbering, m)
        else:
            doc.add_paragraph(line.strip())
    doc.save(out)


def make_html(lines: list[str], title: str) -> str:
    chrome = [ln for ln in lines if ln.strip() in CHROME_LINES]
    body_lines = [ln for ln in lines if ln.strip() not in CHROME_LINES]
    parts, in_table = [], False
    for line in body_lines:
        if " | " in line or line.rstrip().endswith("|"):
            if not in_table:
                parts.append("<table class=\"report\">")
                in_table = True
            cells = [c.strip() for c in line.rstrip().rstrip("|").split(" | ")]
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            parts.append("</table>")
            in_table = False
        if line.strip():
            parts.append(f"<p>{html.escape(line.strip())}</p>")
    if in_table:
        parts.append("</table>")
    widgets = "".join(f"<span>{html.escape(c)}</span>" for c in chrome) or "<span>ขนาดอักษร</span>"
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body {{ font-family: "TH Sarabun New", Laksaman, sans-serif; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head><body>
<div id="loader">Loading...</div>
<header class="site-header"><div class="toolbar">{widgets}<a href="#">TH</a> <a href="#">EN</a></div>
<nav class="main-menu"><ul><li><a href="/">หน้าแรก</a></li><li><a href="/news">ข่าวสาร</a></li>
<li><a href="/gallery">แกลเลอรี่</a></li></ul></nav></header>
<main><article class="content">
{chr(10).join(parts)}
</article></main>
<aside class="sidebar"><h3>ข่าวล่าสุด</h3><ul><li>ประกาศรับสมัครงาน</li></ul></aside>
<footer class="site-footer">© สงวนลิขสิทธิ์ ติดต่อเรา โทร. 02-000-0000</footer>
</body></html>
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="../shared/seeds")
    ap.add_argument("--out", default="samples")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    for seed in sorted(Path(a.seeds).glob("*.txt")):
        text = seed.read_text("utf-8")
        lines = text.splitlines()
        (out / seed.name).write_text(text, "utf-8")
        docx_path = out / f"{seed.stem}.docx"
        make_docx(lines, docx_path)
        title = next((ln.strip() for ln in lines if ln.strip() and ln.strip() not in CHROME_LINES), seed.stem)
        (out / f"{seed.stem}.html").write_text(make_html(lines, title), "utf-8")
        if soffice:
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                                "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
                               check=True, capture_output=True, timeout=300)
                shutil.move(Path(tmp) / f"{seed.stem}.pdf", out / f"{seed.stem}.pdf")
        print(f"made {seed.stem}: txt docx html{' pdf' if soffice else ''}")


if __name__ == "__main__":
    main()
