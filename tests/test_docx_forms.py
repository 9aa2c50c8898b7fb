"""Word forms: every way Word draws a tick box comes out as ☑ / ☐ text (generated .docx files:
python-docx plus the raw XML Word writes for content controls, form fields, symbol characters,
VML and DrawingML shapes), and the ticked option's status is the outcome read."""

from __future__ import annotations

import io

import docx
import pytest
from lxml import etree

from extractors import outcomes
from pipeline.readers.docx_text import docx_blocks

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
_DECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
SIZE = '<w:rPr><w:sz w:val="32"/></w:rPr>'   # 16 pt, as Thai forms are written
ACHIEVED, NOT_ACHIEVED = "เป็นไปตามแผน", "ไม่เป็นไปตามแผน"


def runs(xml: str) -> list:
    return list(etree.fromstring(f"<root {_DECLS}>{xml}</root>"))


def text(xml: str) -> str:
    return f'<w:r>{SIZE}<w:t xml:space="preserve">{xml}</w:t></w:r>'


def sym(font: str, char: str) -> str:
    return f'<w:r>{SIZE}<w:sym w:font="{font}" w:char="{char}"/></w:r>'


def build(paragraphs: list[str], cells: list[list[str]] | None = None, widths: tuple[int, ...] = ()) -> str:
    """A .docx's body text: each paragraph from raw runs; with `cells`, one table row whose cells
    hold those paragraphs (grid widths in twips)."""
    d = docx.Document()
    for xml in paragraphs:
        d.add_paragraph()._p.extend(runs(xml))
    if cells:
        table = d.add_table(rows=1, cols=len(cells))
        for col, w in zip(table.columns, widths, strict=True):
            col.width = docx.shared.Twips(w)
        for cell, paras in zip(table.rows[0].cells, cells, strict=True):
            cell.paragraphs[0]._p.extend(runs(paras[0]))
            for xml in paras[1:]:
                cell.add_paragraph()._p.extend(runs(xml))
    buf = io.BytesIO()
    d.save(buf)
    return docx_blocks(buf.getvalue())[0]


def options(first_box: str, second_box: str) -> list[str]:
    return [first_box + text(f" {ACHIEVED}"), second_box + text(f" {NOT_ACHIEVED}")]


def stated(body: str) -> list[str]:
    return [label for _, _, label in outcomes.find(body)]


# --- check boxes that carry their state -------------------------------------------------------------
def content_control(checked: bool) -> str:
    state = "1" if checked else "0"
    shown = "☒" if checked else "☐"
    return (f'<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{state}"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
            f'<w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:hAnsi="MS Gothic"/></w:rPr>'
            f'<w:t>{shown}</w:t></w:r></w:sdtContent></w:sdt>')


def form_field(flag: str) -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/>'
            f'<w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/>{flag}</w:checkBox></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


@pytest.mark.parametrize(("ticked", "empty"), [
    (content_control(True), content_control(False)),
    (form_field('<w:default w:val="1"/>'), form_field('<w:default w:val="0"/>')),
    (form_field('<w:default w:val="0"/><w:checked/>'), form_field('<w:default w:val="1"/><w:checked w:val="0"/>')),
    (sym("Wingdings", "F0FE"), sym("Wingdings", "F0A8")),
    (sym("Wingdings 2", "F052"), sym("Wingdings 2", "F0A3")),
    ('<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>þ</w:t></w:r>',
     '<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>¨</w:t></w:r>'),
], ids=["content-control", "form-field-default", "form-field-checked", "wingdings", "wingdings-2", "wingdings-run"])
def test_boxes_that_say_their_state(ticked: str, empty: str) -> None:
    for first, second, want in ((ticked, empty, "achieved"), (empty, ticked, "not_achieved")):
        body = build(options(first, second))
        lines = body.strip().splitlines()
        for line, box in zip(lines, (first, second), strict=True):  # ☐, □: any empty box
            assert line[0] == "☑" if box == ticked else line[0] in outcomes.DATA["empty_boxes"], lines
        assert stated(body) == [want]


# --- shapes drawn over a box ---------------------------------------------------------------------
def vml_line(left: float, top: float, width: float = 16.85, height: float = 12.15, relative: str = "") -> str:
    """A straight connector as Word draws a hand-made tick (flip: from bottom left up to the right)."""
    rel = f";mso-position-horizontal-relative:{relative};mso-position-vertical-relative:{relative}" \
        if relative else ""
    return ('<w:r><w:pict><v:shapetype id="_x0000_t32" coordsize="21600,21600" o:spt="32" o:oned="t" '
            'path="m,l21600,21600e" filled="f"/><v:shape id="_x0000_s1026" type="#_x0000_t32" '
            f'style="position:absolute;margin-left:{left}pt;margin-top:{top}pt;width:{width}pt;'
            f'height:{height}pt;flip:y;z-index:1{rel}" o:connectortype="straight"/></w:pict></w:r>')


def vml_text_tick(left: float, top: float) -> str:
    return ('<w:r><w:pict><v:shape id="_x0000_s1030" type="#_x0000_t202" stroked="f" filled="f" '
            f'style="position:absolute;margin-left:{left}pt;margin-top:{top}pt;width:14pt;height:18pt">'
            f'<v:textbox><w:txbxContent><w:p>{text("✓")}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')


def dml_shape(x_pt: float, y_pt: float, geometry: str, w: float = 14.0, h: float = 12.0, inner: str = "",
              fill: str = "", relative_h: str = "column", relative_v: str = "paragraph") -> str:
    emu = 12700
    body = (f'<wps:txbx><w:txbxContent><w:p>{text(inner)}</w:p></w:txbxContent></wps:txbx>' if inner else "")
    return ('<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="{relative_h}"><wp:posOffset>{int(x_pt * emu)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="{relative_v}"><wp:posOffset>{int(y_pt * emu)}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{int(w * emu)}" cy="{int(h * emu)}"/><wp:wrapNone/><wp:docPr id="1" name="Shape 1"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{int(w * emu)}" '
            f'cy="{int(h * emu)}"/></a:xfrm><a:prstGeom prst="{geometry}"><a:avLst/></a:prstGeom>{fill}'
            f'<a:ln w="12700"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></wps:spPr>{body}'
            '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')


BOX = sym("Wingdings 2", "F081")   # an empty option mark (the form ticks it with a drawn line)


def _tick_lines(body: str) -> list[str]:
    return [line.strip(" |") for line in body.splitlines() if any(b in line for b in "☑○☐■")]


@pytest.mark.parametrize("second", [False, True], ids=["first-option", "second-option"])
@pytest.mark.parametrize("draw", ["vml-line", "vml-text-box", "dml-line", "dml-text-box"])
def test_tick_shape_over_a_box_in_its_own_paragraph(draw: str, second: bool) -> None:
    """The tick is anchored in the options' first paragraph; to tick the second option it is
    placed one line (16 pt × 1.2 × 1.15) further down."""
    down = 23.0 if second else 0.0
    tick = {"vml-line": vml_line(7.8, 1 + down), "vml-text-box": vml_text_tick(2.0, down - 2),
            "dml-line": dml_shape(6.0, 2 + down, "line"), "dml-text-box": dml_shape(2.0, down, "rect", inner="✓",
                                                                                    h=18.0)}[draw]
    if draw == "dml-text-box":   # a text box without an outline: only a place for its ✓
        tick = tick.replace('<a:ln w="12700"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>',
                            "<a:ln><a:noFill/></a:ln>")
    first_p, second_p = options(BOX, BOX)
    body = build([tick + first_p, second_p])
    assert _tick_lines(body) == ([f"○ {ACHIEVED}", f"☑ {NOT_ACHIEVED}"] if second
                                 else [f"☑ {ACHIEVED}", f"○ {NOT_ACHIEVED}"])
    assert "✓" not in body   # the tick's text box is the tick, not a line of text
    assert stated(body) == ["not_achieved" if second else "achieved"]


def test_tick_shape_anchored_in_the_cell_to_the_left() -> None:
    """A form's table: the indicator in the first cell, its options in the second; the tick is
    anchored in the indicator's paragraph and placed across the cell border (as the MSDHS forms do)."""
    widths = (4410, 2831)   # twips: 220.5 pt and 141.55 pt; cell margins 5.4 pt each side
    over_first = 220.5 - 5.4 + 5.4 + 7.8   # from the first cell's text to the second's, then into it
    for top, want in ((0.15, "achieved"), (23.2, "not_achieved")):
        body = build([], cells=[[vml_line(over_first, top, relative="text") + text("๑. ตัวชี้วัดความสำเร็จของโครงการ")],
                                options(BOX, BOX)], widths=widths)
        assert stated(body) == [want], body
        assert body.count("☑") == 1


def test_tick_from_an_empty_paragraph_above() -> None:
    """Anchored in the empty paragraph above the options, one line down: it ticks the first option,
    not the empty line and not the second option."""
    body = build([vml_line(7.8, 20.3), *options(BOX, BOX)])
    assert _tick_lines(body) == [f"☑ {ACHIEVED}", f"○ {NOT_ACHIEVED}"]


def test_shapes_that_are_not_ticks_decide_nothing() -> None:
    """A long rule, a big drawing, and a tick placed from the page (no page layout here) leave the
    boxes as they are, so the options state nothing."""
    for shape in (vml_line(0, 2, width=300, height=0.5), vml_line(0, 2, width=200, height=150),
                  vml_line(7.8, 1, relative="page"), dml_shape(6, 2, "line", relative_v="page"),
                  dml_shape(6, 2, "ellipse", w=120, h=80)):
        body = build([shape + options(BOX, BOX)[0], options(BOX, BOX)[1]])
        assert "☑" not in body
        assert stated(body) == ["achieved", "not_achieved"]   # both phrases, neither chosen


@pytest.mark.parametrize(("inner", "fill", "want"), [
    ("", "", "☐"), ("✓", "", "☑"), ("", '<a:solidFill><a:srgbClr val="000000"/></a:solidFill>', "■"),
], ids=["empty", "with-tick", "filled"])
def test_boxes_drawn_as_shapes(inner: str, fill: str, want: str) -> None:
    drawn = dml_shape(0, 2, "rect", w=12, h=12, inner=inner, fill=fill)
    body = build([drawn + text(f"   {ACHIEVED}")])
    assert body.strip().startswith(want)
    vml = ('<w:r><w:pict><v:rect style="position:absolute;margin-left:0;margin-top:2pt;width:12pt;height:12pt"'
           + (' fillcolor="black"' if fill else "") + (f'><v:textbox><w:txbxContent><w:p>{text(inner)}</w:p>'
                                                        '</w:txbxContent></v:textbox></v:rect>' if inner else "/>")
           + "</w:pict></w:r>")
    assert build([vml + text(f"   {ACHIEVED}")]).strip().startswith(want)


def test_drawn_box_ticked_by_a_line() -> None:
    """Both the box and its tick are shapes: the box comes out ticked."""
    box = dml_shape(0, 3, "rect", w=12, h=12)
    other = dml_shape(0, 3, "rect", w=12, h=12)
    tick = vml_line(2, 4, width=12, height=10)
    body = build([box + tick + text(f"   {ACHIEVED}"), other + text(f"   {NOT_ACHIEVED}")])
    assert _tick_lines(body) == [f"☑ {ACHIEVED}", f"☐ {NOT_ACHIEVED}"]
    assert stated(body) == ["achieved"]


# Options side by side on one line, as TH SarabunPSK sets them at 16 pt (Laksaman has its metrics):
# the label, two spaces, box 1 at 120.2 pt, บรรลุค่าเป้าหมาย, five spaces, box 2 at 276.9 pt.
_ONE_LINE = ("ผลการดำเนินงาน  ", " บรรลุค่าเป้าหมาย     ", " ไม่บรรลุค่าเป้าหมาย")
_BOX_X = (120.2, 276.9)


@pytest.mark.parametrize("which", [0, 1])
def test_tick_over_one_of_two_boxes_on_a_line(which: int) -> None:
    label, first, second = _ONE_LINE
    box = sym("Wingdings", "F0A8")
    tick = vml_line(_BOX_X[which] + 2, 1, width=14, height=12)
    body = build([tick + text(label) + box + text(first) + box + text(second)])
    assert stated(body) == ["not_achieved" if which else "achieved"], body
    assert body.count("☑") == 1


@pytest.mark.parametrize("which", [0, 1])
def test_drawn_boxes_side_by_side(which: int) -> None:
    """Two boxes drawn as shapes, both anchored at the paragraph's start, stand before the option
    at their place; the one with a ✓ inside is the ticked one."""
    label, first, second = _ONE_LINE
    boxes = "".join(dml_shape(x, 3, "rect", w=13, h=13, inner="✓" if k == which else "")
                    for k, x in enumerate(_BOX_X))
    body = build([boxes + text(label + "   " + first.strip() + "          " + second.strip())])
    words = body.split()
    assert words[words.index("บรรลุค่าเป้าหมาย") - 1] == ("☑" if which == 0 else "☐"), body
    assert words[words.index("ไม่บรรลุค่าเป้าหมาย") - 1] == ("☑" if which == 1 else "☐"), body
    assert stated(body) == ["not_achieved" if which else "achieved"]


def test_shape_with_a_vml_fallback_is_read_once() -> None:
    """Word 2010 and later write a shape twice: DrawingML in mc:Choice, VML in mc:Fallback."""
    dml = dml_shape(6.0, 2, "line")
    inner = dml[len("<w:r>"):-len("</w:r>")]
    both = (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{inner}</mc:Choice><mc:Fallback>'
            f'{vml_line(7.8, 24)[len("<w:r>"):-len("</w:r>")]}</mc:Fallback></mc:AlternateContent></w:r>')
    first_p, second_p = options(BOX, BOX)
    body = build([both + first_p, second_p])
    assert _tick_lines(body) == [f"☑ {ACHIEVED}", f"○ {NOT_ACHIEVED}"]   # the Choice's place, not the Fallback's


# --- form fields read from the blocks ----------------------------------------------------------------
_FORM = [("1. หน่วยงานสนับสนุน", ["กระทรวงแรงงาน กระทรวงมหาดไทย"]),
         ("2. หน่วยงานที่รับผิดชอบ", ["สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดสตูล"]),
         ("3. ตัวชี้วัด", ["ร้อยละของผู้เข้ารับการอบรมที่มีความรู้", "ความเข้าใจเรื่องการป้องกันการค้ามนุษย์เพิ่มขึ้น"]),
         ("4. ค่าเป้าหมาย", ["ร้อยละ 80"]),
         ("5. ผลการดำเนินงาน", ["ร้อยละ 85"]),
         ("6. สถานะ", ["☑ บรรลุค่าเป้าหมาย  ☐ ไม่บรรลุค่าเป้าหมาย"]),
         ("7. ห้วงการรายงาน", ["ไตรมาสที่ 2", "(1 มกราคม 2567 - 31 มีนาคม 2567)"])]
_NAME = "ร้อยละของผู้เข้ารับการอบรมที่มีความรู้ ความเข้าใจเรื่องการป้องกันการค้ามนุษย์เพิ่มขึ้น"


def _form_docx(path) -> None:
    """A label cell | value cell form; the status is a row of content-control check boxes."""
    d = docx.Document()
    d.add_paragraph("แบบรายงานผลการดำเนินงานตามตัวชี้วัด")
    table = d.add_table(rows=len(_FORM), cols=2)
    for row, (label, lines) in zip(table.rows, _FORM, strict=True):
        row.cells[0].text = label
        value = row.cells[1]
        if label.startswith("6."):
            value.paragraphs[0]._p.extend(runs(content_control(True) + text(" บรรลุค่าเป้าหมาย  ")
                                               + content_control(False) + text(" ไม่บรรลุค่าเป้าหมาย")))
            continue
        value.text = lines[0]
        for line in lines[1:]:
            value.add_paragraph(line)
    d.save(path)


def _form_html(path) -> None:
    rows = "".join(f"<tr><td>{label}</td><td>{'<br>'.join(lines)}</td></tr>" for label, lines in _FORM)
    path.write_text(f"<html><body><p>แบบรายงานผลการดำเนินงานตามตัวชี้วัด</p><table>{rows}</table></body></html>",
                    encoding="utf-8")


@pytest.mark.parametrize("make", [_form_docx, _form_html], ids=["docx", "html"])
def test_form_fields_give_agency_indicator_and_period(tmp_path, make) -> None:
    """The agency is the responsible agency's field (not หน่วยงานสนับสนุน, the supporting ones,
    which a line rule took for it); the indicator's name is its whole value cell (wrapped over two
    lines) with the target, result and status of the fields below it; the period's range is on the
    second line of its value cell."""
    from pipeline.readers import read_document
    from pipeline.run import build_record

    path = tmp_path / f"form.{make.__name__[-4:]}"
    make(path)
    record = build_record(read_document(path))
    assert record["agency"] == "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดสตูล"
    kpis = [(i["name"], i["target"], i["result"], i["outcome"]) for i in record["indicators"]]
    assert kpis == [(_NAME, "ร้อยละ 80", "ร้อยละ 85", "achieved")]
    period = record["period"]
    assert (period["label"], period["start"], period["end"]) == ("ไตรมาสที่ 2", "2024-01-01", "2024-03-31")
    assert record["fiscal_year"] == 2567


def test_supporting_agencies_field_is_not_the_agency(tmp_path) -> None:
    """A plan's `หน่วยงานสนับสนุน :` field lists the supporting agencies; with no responsible
    agency's field, the line rule once read `สนับสนุน : กระทรวง…` as the agency."""
    from pipeline.readers import read_document
    from pipeline.run import build_record

    path = tmp_path / "plan.docx"
    d = docx.Document()
    d.add_paragraph("แผนปฏิบัติการป้องกันและปราบปรามการค้ามนุษย์ จังหวัดสตูล")
    d.add_paragraph("เจ้าภาพหลัก : กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์")
    d.add_paragraph("หน่วยงานสนับสนุน : กระทรวงการต่างประเทศ กระทรวงแรงงาน")
    d.save(path)
    record = build_record(read_document(path))
    assert record["agency"] is None or "สนับสนุน" not in record["agency"]


def test_tick_drawn_as_a_group_of_two_strokes() -> None:
    """A ✓ drawn with two lines grouped: the group's place and size count (its lines' coordinates
    are in the group's own units)."""
    group = ('<w:r><w:pict><v:group style="position:absolute;margin-left:2pt;margin-top:24pt;width:14pt;'
             'height:12pt;z-index:1" coordorigin="0,0" coordsize="1400,1200">'
             '<v:line from="0,600" to="500,1200"/><v:line from="500,1200" to="1400,0"/></v:group></w:pict></w:r>')
    first_p, second_p = options(BOX, BOX)
    body = build([group + first_p, second_p])
    assert _tick_lines(body) == [f"○ {ACHIEVED}", f"☑ {NOT_ACHIEVED}"]


def test_inline_shapes_and_pictures_tick_nothing() -> None:
    """An inline shape stands beside the text and a picture is no tick: a small inline line and a
    floating picture over the first box leave it empty."""
    inline_line = ('<w:r><w:pict><v:line style="z-index:1" from="0,0" to="12pt,10pt"/></w:pict></w:r>')
    picture = ('<w:r><w:pict><v:shape type="#_x0000_t75" style="position:absolute;margin-left:0;margin-top:1pt;'
               'width:16pt;height:16pt"><v:imagedata r:id="rId99" o:title=""/></v:shape></w:pict></w:r>')
    for shape in (inline_line, picture):
        first_p, second_p = options(BOX, BOX)
        body = build([shape.replace("r:id", 'xmlns:r="urn:r" r:id') + first_p, second_p])
        assert "☑" not in body, body


def test_radio_circles_drawn_as_shapes() -> None:
    """Small circles drawn beside the options (radio buttons), one filled: the filled one is chosen."""
    empty = ('<w:r><w:pict><v:oval style="position:absolute;margin-left:0;margin-top:3pt;width:11pt;'
             'height:11pt"/></w:pict></w:r>')
    filled = empty.replace("<v:oval ", '<v:oval fillcolor="black" ')
    body = build([empty + text(f"   {ACHIEVED}"), filled + text(f"   {NOT_ACHIEVED}")])
    assert _tick_lines(body) == [f"☐ {ACHIEVED}", f"■ {NOT_ACHIEVED}"]
    assert stated(body) == ["not_achieved"]


@pytest.mark.parametrize("ticked", [0, 1])
def test_html_check_boxes(tmp_path, ticked: int) -> None:
    """An HTML form's check boxes (`<input type=checkbox checked>`) read as ☑ / ☐ too."""
    from pipeline.readers import read_document

    boxes = ['<input type="checkbox"' + (" checked" if k == ticked else "") + ">" for k in (0, 1)]
    path = tmp_path / "form.html"
    path.write_text(f"<html><body><table><tr><td>ผลการดำเนินงาน</td><td>{boxes[0]} {ACHIEVED}<br>"
                    f"{boxes[1]} {NOT_ACHIEVED}</td></tr></table></body></html>", encoding="utf-8")
    doc = read_document(path)
    assert stated(doc.text) == ["not_achieved" if ticked else "achieved"], doc.text


@pytest.mark.parametrize(("target", "top"), [(0, 8.33), (1, 39.93), (2, 71.43)])
def test_thai_font_line_heights(target: int, top: float) -> None:
    """Three options in TH SarabunPSK 16 pt at 1.15 lines, each tick where LibreOffice sets its box
    (bench/docx_ticks_lo.py measured these offsets: 31.6 pt a line). A Thai font's line is ~1.65 em,
    not 1.2: at 1.2 em the third tick fell below the third option."""
    font = ('<w:rPr><w:rFonts w:ascii="TH SarabunPSK" w:hAnsi="TH SarabunPSK" w:cs="TH SarabunPSK"/>'
            '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>')
    spacing = '<w:pPr><w:spacing w:after="0" w:line="276" w:lineRule="auto"/></w:pPr>'
    words = ["บรรลุค่าเป้าหมาย", "ไม่บรรลุค่าเป้าหมาย", "อยู่ระหว่างดำเนินการ"]
    box = f'<w:r>{font}<w:sym w:font="Wingdings" w:char="F0A8"/></w:r>'
    paragraphs = [spacing + (vml_line(2.44, top, width=12, height=10) if k == 0 else "") + box
                  + f'<w:r>{font}<w:t xml:space="preserve"> {w}</w:t></w:r>' for k, w in enumerate(words)]
    body = build(paragraphs)
    assert [line[0] for line in body.strip().splitlines()] == ["☑" if k == target else "☐" for k in range(3)]
