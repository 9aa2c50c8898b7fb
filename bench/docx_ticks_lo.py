"""Tick shapes placed as a real layout engine sets the boxes: does docx_ticks find the same box?

    .venv/bin/python bench/docx_ticks_lo.py [--out DIR]   # needs soffice and fonts-thai-tlwg

Forms are generated (python-docx + raw XML) in fonts Thai reports use (TH SarabunPSK, Angsana New,
Cordia New, and none: the template's), sizes 14-18 pt and line spacings single / 1.15 / 1.5, their
options (2 or 3, Wingdings boxes) in a column, in a table's status cell beside the indicator's cell
or side by side on one line. LibreOffice renders each form once without ticks (pass 1: where every
box is, from pdfium's character boxes, and where the anchor paragraph's top is, from a shape drawn
there away from the boxes); each form is then written again with one tick shape (a
VML connector) per target box, offset from its anchor paragraph by what pass 1 measured: the tick
lies where an author using that layout would have drawn it. Pass 2 renders those to check the
tick covers its box there too, and docx_ticks reads them: the result is how often it finds the
box the author ticked, against the generic 1.2 em line and 0.52 em letter it used before.
"""

from __future__ import annotations

import argparse
import io
import itertools
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as raw
from docx.shared import Twips
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline.readers import docx_ticks
from pipeline.readers.docx_text import docx_blocks

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DECLS = (f'xmlns:w="{W}" xmlns:v="urn:schemas-microsoft-com:vml" '
         'xmlns:o="urn:schemas-microsoft-com:office:office"')
OPTIONS = ["บรรลุค่าเป้าหมาย", "ไม่บรรลุค่าเป้าหมาย", "อยู่ระหว่างดำเนินการ"]
LEFT_MARGIN_PT = 90.0   # python-docx's template: 1.25 in


def run_props(font: str | None, size: int) -> str:
    fonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"/>' if font else ""
    return f'<w:rPr>{fonts}<w:sz w:val="{2 * size}"/><w:szCs w:val="{2 * size}"/></w:rPr>'


def runs(xml: str) -> list:
    return list(etree.fromstring(f"<root {DECLS}>{xml}</root>"))


def tick(left: float, top: float) -> str:
    return ('<w:r><w:pict><v:shapetype id="_x0000_t32" coordsize="21600,21600" o:spt="32" o:oned="t" '
            'path="m,l21600,21600e" filled="f"/><v:shape id="_x0000_s1026" type="#_x0000_t32" '
            'o:connectortype="straight" style="position:absolute;'
            f'margin-left:{left:.2f}pt;margin-top:{top:.2f}pt;width:12pt;height:10pt;flip:y;z-index:1"/></w:pict></w:r>')


# pass 1 draws a shape at the anchor paragraph's top, away from the boxes: where LibreOffice puts
# the top of a paragraph (its line spacing shares out the space in its own way)
PROBE_X = {"column": 300.0, "line": 400.0, "cell": 150.0}


def form(v: dict, ticks: dict[int, tuple[float, float]]) -> bytes:
    """One form: `v` its variation; `ticks` paragraph index → tick offset (left, top) from it
    (the anchor paragraph is 0: the first option's, the label's line, the indicator's cell)."""
    props = run_props(v["font"], v["size"])
    box = f'<w:r>{props}<w:sym w:font="Wingdings" w:char="F0A8"/></w:r>'
    def text(s: str) -> str:
        return f'<w:r>{props}<w:t xml:space="preserve">{s}</w:t></w:r>'
    spacing = f'<w:pPr><w:spacing w:after="0" w:line="{v["line"]}" w:lineRule="auto"/></w:pPr>'
    d = docx.Document()
    d.add_paragraph("แบบรายงานผลการดำเนินงาน")
    options = OPTIONS[:v["n"]]
    if v["layout"] == "line":
        xml = "".join(box + text(f" {o}     ") for o in options)
        p = d.add_paragraph()._p
        p.extend(runs(spacing + (tick(*ticks[0]) if 0 in ticks else "") + text("ผลการดำเนินงาน  ") + xml))
    elif v["layout"] == "column":
        for k, o in enumerate(options):
            d.add_paragraph()._p.extend(runs(spacing + (tick(*ticks[k]) if k in ticks else "") + box + text(f" {o}")))
    else:  # the indicator's cell, then the status cell of options
        table = d.add_table(rows=1, cols=2)
        for col, w in zip(table.columns, (4410, 2831), strict=True):
            col.width = Twips(w)
        name, status = table.rows[0].cells
        name.paragraphs[0]._p.extend(runs(spacing + (tick(*ticks[0]) if 0 in ticks else "")
                                          + text("๑. ร้อยละของผู้เข้ารับการอบรมที่มีความรู้เพิ่มขึ้น")))
        for k, o in enumerate(options):
            p = status.paragraphs[0]._p if k == 0 else status.add_paragraph()._p
            p.extend(runs(spacing + box + text(f" {o}")))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render(docs: dict[str, bytes], out: Path) -> dict[str, pdfium.PdfPage]:
    for name, data in docs.items():
        (out / f"{name}.docx").write_bytes(data)
    names = list(docs)
    for k in range(0, len(names), 60):   # (one soffice run stopped converting after some 250 files)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to",
                        "pdf", "--outdir", str(out), *(str(out / f"{n}.docx") for n in names[k:k + 60])],
                       check=True, capture_output=True, timeout=900)
    return {name: pdfium.PdfDocument(str(out / f"{name}.pdf"))[0] for name in docs}


def boxes_of(page) -> list[tuple[int, tuple[float, float, float, float]]]:
    """The Wingdings boxes: (character index, ink box (left, bottom, right, top)), in reading order."""
    tp = page.get_textpage()
    return [(i, tp.get_charbox(i)) for i in range(tp.count_chars()) if ord(tp.get_text_range(i, 1)[0]) >= 0xF000]


def covered(page, target: int) -> bool:
    tk = [o.get_bounds() for o in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH])]
    tk = [b for b in tk if 2 < b[2] - b[0] < 30 and 2 < b[3] - b[1] < 30]
    bx = [b for _, b in boxes_of(page)]
    def area(a, b):
        dx, dy = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
        return dx * dy if dx > 0 and dy > 0 else 0.0
    return bool(tk and bx) and max(range(len(bx)), key=lambda k: area(tk[0], bx[k])) == target \
        and area(tk[0], bx[target]) > 0


def read_choice(data: bytes) -> int | None:
    text = docx_blocks(data)[0]
    for k, o in enumerate(OPTIONS):
        if f"☑ {o}" in text:
            return k
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="ticks_lo_"))
    out.mkdir(parents=True, exist_ok=True)
    variations = [dict(font=f, size=s, line=ln, n=n, layout=lay) for f, s, ln, n, lay in itertools.product(
        ["TH SarabunPSK", "Angsana New", "Cordia New", None], [14, 16, 18], [240, 276, 360], [2, 3],
        ["column", "cell", "line"]) if not (lay == "line" and n == 3)]
    plain = render({f"v{i}": form(v, {0: (PROBE_X[v["layout"]], 0.0)}) for i, v in enumerate(variations)}, out)
    ticked: dict[str, bytes] = {}
    targets: dict[str, tuple[dict, int]] = {}
    for i, v in enumerate(variations):
        page = plain[f"v{i}"]
        bx = boxes_of(page)
        if len(bx) != v["n"]:
            continue
        probe = [o.get_bounds() for o in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH])]
        probe = [b for b in probe if 2 < b[2] - b[0] < 30 and 2 < b[3] - b[1] < 30]
        if len(probe) != 1:
            continue
        anchor_top = probe[0][3]
        for target in range(v["n"]):
            b = bx[target][1]
            # from the anchor's column left (the page margin; a cell's text starts there too) and its
            # line top, 2 pt above the box's ink: the tick covers the box as drawn
            offset = (b[0] - LEFT_MARGIN_PT + 1, anchor_top - b[3] - 2)
            name = f"v{i}t{target}"
            ticked[name] = form(v, {0: offset})
            targets[name] = (v, target)
    pages = render(ticked, out)
    placed = [n for n in ticked if covered(pages[n], targets[n][1])]
    found = sum(read_choice(ticked[n]) == targets[n][1] for n in placed)
    with mock.patch.object(docx_ticks, "_metrics", lambda font: (1.2, 0.52)):
        generic = sum(read_choice(ticked[n]) == targets[n][1] for n in placed)
    by_layout: dict[str, list[int]] = {}
    for n in placed:
        by_layout.setdefault(targets[n][0]["layout"], []).append(read_choice(ticked[n]) == targets[n][1])
    print(f"{len(variations)} forms, {len(ticked)} ticked, {len(placed)} with the tick on its box in LibreOffice")
    print(f"docx_ticks finds the ticked box: {found}/{len(placed)} (font metrics); {generic}/{len(placed)} "
          "(generic 1.2 em line, 0.52 em letter)")
    for lay, hits in sorted(by_layout.items()):
        print(f"  {lay:7s} {sum(hits)}/{len(hits)}")
    misses = [n for n in placed if read_choice(ticked[n]) != targets[n][1]]
    for n in misses[:10]:
        print("  miss", n, targets[n][0], "target", targets[n][1], "read", read_choice(ticked[n]))


if __name__ == "__main__":
    main()
