"""Tables without rules in PDFs (pipeline/readers/pdf_columns.py).

The PDFs under tests/data/columns are Word documents rendered by LibreOffice
(scripts/make_unruled_fixtures.py): borderless tables of several shapes, each with its cells in
<name>.json, and pages whose wide gaps are not a table (their .json is [])."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import indicators
from pipeline.model import Document
from pipeline.readers import read_document
from pipeline.readers.pdf_columns import _cells, _column_gaps, unruled_tables
from pipeline.readers.pdf_layout import Glyph, Line, PageItem, TableCell, _lines, join_pages, page_lines
from pipeline.thai import COMBINING

DATA = Path(__file__).resolve().parent / "data" / "columns"
FIXTURES = sorted(p.stem for p in DATA.glob("*.pdf"))


def _tables(stem: str) -> list[list[list[str]]]:
    """Each table's rows of cell texts; a table's part on the next page (a table block right
    after one, on the next page) goes on the same table, as the extractors read it."""
    doc = read_document(DATA / f"{stem}.pdf")
    out = []
    previous = None
    for b in doc.blocks:
        if b.kind == "table":
            rows = [[" ".join(doc.text[c.start:c.end].split()) for c in row] for row in b.rows()]
            if (previous is not None and previous.kind == "table"
                    and doc.page_of(b.start) == doc.page_of(previous.start) + 1):
                out[-1] += rows
            else:
                out.append(rows)
        previous = b
    return out


@pytest.mark.parametrize("stem", FIXTURES)
def test_unruled_tables_read_cell_by_cell(stem: str) -> None:
    """Every borderless table comes back with its rows and cells as written (wrapped cell lines
    joined, an empty cell kept empty, a list number kept in its cell); the pages of paragraphs,
    two newspaper columns, a right-tab list and a table of contents give no table."""
    expected = json.loads((DATA / f"{stem}.json").read_text("utf-8"))
    assert _tables(stem) == expected


def test_paragraphs_around_a_table_stay_whole() -> None:
    """The paragraphs before and after a table are joined as before (the page's right margin is
    still known when the table's lines are taken out)."""
    doc = read_document(DATA / "kpi_unruled.pdf")
    paragraphs = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs[0].startswith("สำนักงานได้ดำเนินการ") and paragraphs[0].endswith("ติดตามและประเมินผล")
    assert paragraphs[-1].startswith("ทั้งนี้") and paragraphs[-1].endswith("ยุทธศาสตร์ของหน่วยงาน")


def test_kpi_indicators_from_an_unruled_table() -> None:
    """The structured extractor reads a borderless KPI table as it reads a ruled one: name,
    target, result and outcome of each row."""
    doc = read_document(DATA / "kpi_unruled.pdf")
    found, _ = indicators.extract(doc)
    got = [(m.value["name"], m.value["target"], m.value["result"], m.value["outcome"])
           for m in found if m.extractor.startswith("structured")]
    rows = json.loads((DATA / "kpi_unruled.json").read_text("utf-8"))[0][1:]
    outcomes = {"บรรลุเป้าหมาย": "achieved", "ไม่บรรลุเป้าหมาย": "not_achieved",
                "อยู่ระหว่างดำเนินการ": "in_progress", "ผ่านเกณฑ์": "achieved"}
    assert got == [(r[0], r[2], r[3], outcomes[r[4]]) for r in rows]


def test_kpi_table_over_two_pages_in_the_government_font() -> None:
    """A borderless KPI table in Laksaman 14 pt (TH Sarabun's clone) running over a page break
    inside a row: LibreOffice gives its `า` and full stops boxes of their ink only (they stayed
    on lines of their own: `เป้าหม ยต ม`), the last row's name fills its column (its white to
    the next column is a cell's margins, 12.8 pt: the row was read as a line), and the broken
    row's two halves are one row. Every indicator is read with its target, result and outcome."""
    doc = read_document(DATA / "kpi_two_pages.pdf")
    assert "เป้าหมายตามยุทธศาสตร์ของหน่วยงาน" in doc.text and "เป้าหม ย" not in doc.text
    found, _ = indicators.extract(doc)
    got = [(m.value["name"], m.value["target"], m.value["result"], m.value["outcome"]) for m in found]
    rows = json.loads((DATA / "kpi_two_pages.json").read_text("utf-8"))[0][1:]
    outcomes = {"บรรลุเป้าหมาย": "achieved", "ไม่บรรลุเป้าหมาย": "not_achieved", "อยู่ระหว่างดำเนินการ": "in_progress"}
    assert got == [(r[0], r[1], r[2], outcomes[r[3]]) for r in rows]


def _glyphs(rows: list[tuple[float, list[tuple[float, str]]]], size: float = 10.0) -> list[Glyph]:
    """Glyphs of texts set at (x, text) on lines at y: each letter 5 wide, a Thai mark over the
    letter before it, a space glyph between the words of one text."""
    out: list[Glyph] = []
    for y, words in rows:
        for x, text in words:
            for ch in text:
                if ch in COMBINING:
                    out.append((ch, x - 5.0, x, size, y + 2.0, False))
                    continue
                out.append((ch, x, x + 5.0, size, y, ch == " "))
                x += 5.0
    return out


def test_two_line_table_needs_titles() -> None:
    """Two rows of three cells are a table when the first is a row of titles; two rows of figures
    alone are not (a line that merely lines up with the next)."""
    titled = _glyphs([(700.0, [(50, "ชื่อ"), (150, "เป้า"), (250, "ผล")]),
                      (680.0, [(50, "ก ข"), (150, "70"), (250, "65")])])
    tables, rest = unruled_tables(titled, _lines(titled))
    assert [t.rows[1][2].text for t in tables] == ["65"] and rest == []
    figures = _glyphs([(700.0, [(50, "1"), (150, "70"), (250, "65")]),
                       (680.0, [(50, "2"), (150, "71"), (250, "66")])])
    lines = _lines(figures)
    assert unruled_tables(figures, lines) == ([], lines)


def test_a_line_across_the_bands_ends_the_table() -> None:
    """A paragraph line right under a table inks its column bands: it stays a paragraph."""
    glyphs = _glyphs([(700.0, [(50, "ชื่อ"), (150, "เป้า"), (250, "ผล")]),
                      (680.0, [(50, "กขค"), (150, "70"), (250, "65")]),
                      (660.0, [(50, "งจฉ"), (150, "80"), (250, "75")]),
                      (640.0, [(50, "ข้อความยาวต่อเนื่องข้ามคอลัมน์ทั้งหมดของตารางนี้ไปจนสุดบรรทัด")])])
    items = page_lines(glyphs)
    assert [i.kind for i in items] == ["table", "paragraph"]
    assert len(items[0].rows) == 3


def test_list_number_is_not_a_column() -> None:
    """"1.<tab>name" is one cell: the gap after a list number does not count as a column gap."""
    glyphs = _glyphs([(700.0, [(50, "1."), (80, "กขค"), (200, "70")])])
    assert len(_cells(glyphs, 10.0)) == 2
    assert _column_gaps("1.  กขค  70") == 1
    assert _column_gaps("กขค  70  65") == 2


def test_page_without_wide_gaps_is_untouched() -> None:
    """A page of running text costs one look at its lines and comes back as it was."""
    lines = [Line(700.0 - 20 * i, "ข้อความ ธรรมดา", 50.0, 400.0, 10.0, False) for i in range(30)]
    assert unruled_tables([], lines) == ([], lines)


def _column_dump(rows: list[str], pages_at: tuple[int, ...] = ()) -> Document:
    """A PDF's reading of a report whose KPI rows a writer aligned with runs of spaces: cells two
    spaces apart, a page break (a blank line) before the line index in `pages_at`."""
    parts, starts, pos = [], [0], 0
    for k, row in enumerate(rows):
        if k in pages_at:
            parts.append("")
            pos += 1
            starts.append(pos)
        parts.append(row)
        pos += len(row) + 1
    return Document("sha256:x", "x.pdf", "pdf", "\n".join(parts), page_starts=tuple(starts))


def _names(doc: Document) -> list[str]:
    return [m.value["name"] for m in indicators.extract(doc)[0]]


@pytest.mark.parametrize("subject", ["ผู้สูงอายุที่ได้รับการดูแล", "ครัวเรือนที่เข้าร่วมโครงการ"])
def test_wrapped_name_goes_on_over_a_page_break(subject: str) -> None:
    """A name wrapped in its column goes on on the next page: the blank line pages are joined
    with is no gap (a blank line inside a page still ends it, unless the row goes on)."""
    rows = [f"1)  จำนวน{subject[:8]}  4,000 คน  5,719 คน", f"{subject[8:]}ตามเกณฑ์  (สูงกว่าเป้าหมาย)",
            "(ร้อยละ 100)", "2)  ร้อยละของหน่วยงานที่ผ่านการประเมิน  80  85"]
    whole = f"จำนวน{subject}ตามเกณฑ์ (ร้อยละ 100)"
    assert whole in _names(_column_dump(rows, pages_at=(2,)))
    assert whole not in _names(_column_dump([*rows[:2], "", *rows[2:]]))


@pytest.mark.parametrize("heading", ["เป้าประสงค์ที่ 7 ประชาชนมีสุขภาวะ", "ยุทธศาสตร์ที่ 2 การพัฒนาคน",
                                     "กลยุทธ์ฯ ที่ 3 ส่งเสริมการมีส่วนร่วม"])
def test_enumerated_heading_ends_a_wrapped_name(heading: str) -> None:
    """An enumerated section heading right under a wrapped name (the PDF shows no blank line
    between them) is not the rest of the name."""
    rows = ["15)  จำนวนเยาวชนที่เข้า  4,000 คน  5,719 คน", "ร่วมกิจกรรมการเรียนรู้  (สูงกว่าเป้าหมาย)", heading,
            "16)  ร้อยละของสถานบริการที่ผ่านการรับรอง  87.5%  77.50%"]
    assert "จำนวนเยาวชนที่เข้าร่วมกิจกรรมการเรียนรู้" in _names(_column_dump(rows))


def test_unit_column_stays_with_its_amounts() -> None:
    """`99,700,000 | บาท` is one cell: a column repeating a unit beside figures is no column of
    its own (the budgets extractor needs the unit after the figure). Here that leaves two
    columns: no table, the lines read as before."""
    glyphs = _glyphs([(700.0, [(50, "วงเงินทั้งสิ้น"), (200, "99,700,000"), (280, "บาท")]),
                      (680.0, [(50, "ปี 2563 ตั้งงบประมาณ"), (200, "20,000,000"), (280, "บาท")]),
                      (660.0, [(50, "ปี 2564 ตั้งงบประมาณ"), (200, "41,015,000"), (280, "บาท")])])
    lines = _lines(glyphs)
    assert unruled_tables(glyphs, lines) == ([], lines)
    with_note = _glyphs([(700.0, [(50, "ชื่อ"), (200, "วงเงิน"), (280, "หน่วย"), (340, "หมายเหตุ")]),
                         (680.0, [(50, "กขค"), (200, "99,700"), (280, "บาท"), (340, "ผูกพัน")]),
                         (660.0, [(50, "งจฉ"), (200, "20,000"), (280, "บาท"), (340, "ปีเดียว")])])
    tables, _ = unruled_tables(with_note, _lines(with_note))
    assert [" ".join(c.text.split()) for c in tables[0].rows[1]] == ["กขค", "99,700 บาท", "ผูกพัน"]


def _part(rows: list[list[str]], xs: list[float], ruled: bool) -> PageItem:
    item = PageItem.table([[TableCell(t, c) for c, t in enumerate(row)] for row in rows], xs)
    item.ruled = ruled
    return item


def test_unruled_table_joined_across_pages() -> None:
    """An unruled table's columns are where its words leave white, so its part on the next page
    has edges of its own: it goes on (in the first part's columns) when each column lies mostly
    over the same column, and a row the page broke is joined; a ruled table keeps wanting the
    same rules."""
    head_rows = [["ตัวชี้วัด", "ค่าเป้าหมาย", "ผลงาน"], ["ร้อยละของหมู่บ้านที่เข้าร่วม", "ร้อยละ 80", "85.00"],
                 ["ร้อยละของครัวเรือนที่ได้รับการ", "ร้อยละ 70", "72.50"]]
    tail_rows = [["พัฒนาคุณภาพชีวิต", "", ""], ["ร้อยละของผู้สูงอายุที่ได้รับการดูแล", "ร้อยละ 90", "91.00"]]
    head_xs, tail_xs = [72.0, 290.0, 390.0, 520.0], [72.0, 305.0, 382.0, 520.0]
    after = PageItem.text_item("ทั้งนี้ ผลการดำเนินงานดังกล่าวจะนำไปใช้ในการปรับปรุงแผน")
    pages = join_pages([[PageItem.text_item("ผลการดำเนินงานตามตัวชี้วัด"), _part(head_rows, head_xs, False)],
                        [_part(tail_rows, tail_xs, False), after]])
    table, going_on = pages[0][-1], pages[1][0]
    assert [[c.text for c in row] for row in table.rows] == [
        head_rows[0], head_rows[1], ["ร้อยละของครัวเรือนที่ได้รับการพัฒนาคุณภาพชีวิต", "ร้อยละ 70", "72.50"]]
    assert [[c.text for c in row] for row in going_on.rows] == [tail_rows[1]]
    assert going_on.xs == head_xs and not going_on.ruled and pages[1][1:] == [after]
    # a ruled table's rules must meet (3 pt); another number of columns is another table
    ruled = join_pages([[_part(head_rows, head_xs, True)], [_part(tail_rows, tail_xs, True)]])
    assert len(ruled[0][-1].rows) == 3 and len(ruled[1][0].rows) == 2
    other = join_pages([[_part(head_rows, head_xs, False)], [_part([["ก", "ข"]], [72.0, 300.0, 520.0], False)]])
    assert len(other[0][-1].rows) == 3 and other[1][0].rows[0][0].text == "ก"
