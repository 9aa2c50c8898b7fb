"""Indicators read from the document's structure: KPI tables and form fields.

A KPI table is found by its header row: a column named like an indicator (ตัวชี้วัด /
ตัวชี้วัดความสำเร็จ / ตัวบ่งชี้ / KPI) and at least one more named like a target (เป้าหมาย /
ค่าเป้าหมาย), a result (ผล / ผลการดำเนินงาน) or a status (สถานะ / ผลการประเมิน). Every row below
gives one indicator per item of its indicator cell (a cell may list several, one per line, as
bullets or numbered, or side by side with the same number of status lines), with the target and
result as written and the outcome from its status cell: an explicit status wins over a result
written in words, which wins over a result equal to its target.

A form's `ตัวชี้วัด : …` field (a line, or a label cell beside its value cell) is one indicator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from extractors import outcomes
from pipeline.model import Block, Cell, Document, Mention
from pipeline.thai import fold_digits

NAME = "indicators"
VERSION = "1"

_STATUS_WORDS: list[tuple[str, list[str]]] = [
    (label, words) for label, words in
    json.loads((Path(__file__).parent / "data" / "status_words.json").read_text("utf-8"))["statuses"]
]

_SPACE = re.compile(r"\s+")
# header cells, compared with their spaces removed
_KPI = re.compile(r"^(?:\d+[.)]?)?(?:ตัวชี้วัด|ตัวบ่งชี้|KPI|Indicator)", re.I)
_STATUS = re.compile(r"สถานะ|ผลการประเมิน|ผลสำเร็จ|บรรลุ|ความก้าวหน้า|Status|Progress", re.I)
# a progress form's activity column (ผลการดำเนินงานกิจกรรม/โครงการ): its numbered activities,
# each with a progress status of its own, are what the report measures
_ACTIVITY = re.compile(r"กิจกรรม|โครงการ|Activit", re.I)
_PROGRESS = re.compile(r"ความก้าวหน้า|สถานะ|Status|Progress", re.I)  # a status column's title, not a status
# option boxes printed for ticking (○ เป็นไปตามแผน / ○ ไม่เป็นไปตามแผน): none ticked in the text
_OPTION_BOX = re.compile(r"^[^\S\n]*[○◯□☐❍⚪][^\S\n]*", re.M)
_TICKED = re.compile(r"[☑☒■●✓✔√✗✘⬛]")
# "เช่น" (for example) ends an item's name: what follows illustrates it
_EXAMPLES = re.compile(r"\s*เช่น(?:\s|$)")
_TARGET = re.compile(r"^(?:ค่า)?เป้าหมาย|^Target", re.I)
_RESULT = re.compile(r"^ผล(?!ผลิต|ลัพธ์|กระทบ)|^Result|^Actual", re.I)
# an item of a cell: a bullet or a number at the start of a line
_ITEM = re.compile(r"[^\S\n]*(?:(?P<bullet>[-•●○▪*–\u2022\uf0b7])|(?P<num>\(?[0-9๐-๙]{1,2}(?:\.[0-9๐-๙]{1,2})*[.)]))"
                   r"[^\S\n]*")
_LINE = re.compile(r"[^\n]+")
_EMPTY_NAME = re.compile(r"^[\s\-–—.:/()]*$")


@dataclass
class Columns:
    name: int
    header_row: int
    target: int | None = None
    result: int | None = None
    status: int | None = None
    numbered_only: bool = False  # an activity column: only its numbered items are indicators


def _squash(s: str) -> str:
    return _SPACE.sub("", s)


def _columns(doc: Document, rows: list[list[Cell]]) -> Columns | None:
    """The header row (among the first five) and the column of each role, or None."""
    for r, row in enumerate(rows[:5]):
        roles: dict[str, int] = {}
        for c in row:
            t = _squash(doc.text[c.start:c.end])
            if not t or len(t) > 60:
                continue
            if "name" not in roles and _KPI.match(t) and not _TARGET.match(t):
                roles["name"] = c.col
            elif "status" not in roles and _STATUS.search(t):
                roles["status"] = c.col
            elif "target" not in roles and _TARGET.match(t):
                roles["target"] = c.col
            elif "activity" not in roles and _ACTIVITY.search(t):
                roles["activity"] = c.col
            elif "result" not in roles and _RESULT.match(t):
                roles["result"] = c.col
        titled = sum(1 for c in row if c.end > c.start)
        status_title = "status" in roles and any(
            c.col == roles["status"] and _PROGRESS.search(doc.text, c.start, c.end)
            and not outcomes.find(doc.text, c.start, c.end) for c in row)
        if "name" not in roles and "activity" in roles and status_title and titled >= 3 \
                and all(c.end - c.start <= 40 for c in row if c.col == roles["activity"]):
            return Columns(roles["activity"], r, roles.get("target"), roles.get("result"), roles["status"],
                           numbered_only=True)
        # a column titled only ตัวชี้วัด makes a KPI table when the row is a row of titles
        # (a plan's ตัวชี้วัด column beside ผลผลิต, ระยะเวลา…); a label beside its value is a form
        if "name" in roles and (len(roles) >= 2 or titled >= 3):
            return Columns(roles["name"], r, roles.get("target"), roles.get("result"), roles.get("status"))
    return None


def _cell_at(row: list[Cell], col: int | None) -> Cell | None:
    if col is None:
        return None
    for c in row:
        if c.col <= col < c.col + c.col_span:
            return c
    return None


def _lines(doc: Document, cell: Cell | None) -> list[tuple[int, int]]:
    if cell is None:
        return []
    out = []
    for m in _LINE.finditer(doc.text, cell.start, cell.end):
        line = m.group()
        if line.strip():
            out.append((m.start() + len(line) - len(line.lstrip()), m.end() - len(line) + len(line.rstrip())))
    return out


def _items(doc: Document, cell: Cell, parts: int) -> list[tuple[int, int, str | None]]:
    """(start, end, number) of each indicator listed in a name cell: one per bullet or number
    that starts a line (lines without one continue the item above), or one per line when the
    status cell beside it has as many lines; else the whole cell."""
    lines = _lines(doc, cell)
    if not lines:
        return []
    marked = [_ITEM.match(doc.text, s, e) for s, e in lines]
    if len(lines) > 1 and marked[0] is not None:
        items: list[list] = []
        for (_s, e), m in zip(lines, marked, strict=True):
            if m is not None and (m.end() < e):
                items.append([m.end(), e, m.group("num")])
            elif items:
                items[-1][1] = e
        return [(s, e, n) for s, e, n in items]
    if parts > 1 and len(lines) == parts:
        return [(s, e, None) for s, e in lines]
    m = marked[0]
    start = m.end() if m is not None and m.end() < lines[0][1] else lines[0][0]
    return [(start, lines[-1][1], m.group("num") if m is not None else None)]


def status_of(text: str) -> tuple[str, str] | None:
    """(outcome, the words it was read from) of a status cell, or None. A cell of option
    boxes with none ticked in the text (the tick may be a drawing) states nothing."""
    if _OPTION_BOX.match(text) and not _TICKED.search(text):
        return None
    found = outcomes.find(text)
    if found:
        s, e, label = found[0]
        return label, text[s:e]
    squashed = _squash(text)
    for label, words in _STATUS_WORDS:
        for w in words:
            if w in squashed:
                return label, w
    return None


def _numbers(s: str) -> list[str]:
    s = s.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    return [n.rstrip("0").rstrip(".") if "." in n else n for n in re.findall(r"\d+(?:\.\d+)?", s.replace(",", ""))]


def _part(doc: Document, cell: Cell | None, k: int, parts: int) -> str | None:
    """The k-th line of a cell split like its row's name cell, else the whole cell."""
    if cell is None or cell.end <= cell.start:
        return None
    lines = _lines(doc, cell)
    if parts > 1 and len(lines) == parts:
        s, e = lines[k]
        return doc.text[s:e]
    return " ".join(doc.text[cell.start:cell.end].split())


def _is_header_like(doc: Document, row: list[Cell], cols: Columns) -> bool:
    name = _cell_at(row, cols.name)
    return name is not None and bool(_KPI.match(_squash(doc.text[name.start:name.end])))


def _width(table: Block) -> int:
    return max((c.col + c.col_span for c in table.cells), default=0)


def table_indicators(doc: Document, table: Block, before: tuple[Columns, int] | None = None) -> list[Mention]:
    """Indicators of one KPI table (none when the table has no indicator header). `before` is
    the header of the KPI table just before it and its width: a table of the same width with
    no header of its own continues it (the part on the next page, its header not repeated)."""
    rows = table.rows()
    cols = _columns(doc, rows)
    if cols is None:
        if before is None or before[1] != _width(table):
            return []
        cols = Columns(before[0].name, -1, before[0].target, before[0].result, before[0].status,
                       before[0].numbered_only)
    found: list[Mention] = []
    for row in rows[cols.header_row + 1:]:
        name_cell = _cell_at(row, cols.name)
        if name_cell is None or _is_header_like(doc, row, cols) or sum(c.end > c.start for c in row) < 2:
            # no indicator in this row (its name cell merged from above), a header repeated, or
            # one cell across the table (a section title, a note)
            continue
        status_cell = _cell_at(row, cols.status)
        parts = len(_lines(doc, status_cell)) if status_cell is not None else 0
        items = _items(doc, name_cell, parts)
        if cols.numbered_only:
            items = [i for i in items if i[2] is not None]
        for k, (s, e, number) in enumerate(items):
            cut = _EXAMPLES.search(doc.text, s, e)
            if cut is not None and cut.start() > s:
                e = cut.start()
            name = " ".join(doc.text[s:e].split())
            if _EMPTY_NAME.match(name) or len(name) < 3:
                continue
            n = len(items)
            target = _part(doc, _cell_at(row, cols.target), k, n)
            result = _part(doc, _cell_at(row, cols.result), k, n)
            status = _part(doc, status_cell, k, n)
            outcome = status_of(status) if status else None
            if outcome is None and result:
                outcome = status_of(result)
            if outcome is None and target and result and _numbers(target) and _numbers(target) == _numbers(result):
                outcome = ("achieved", None)
            found.append(Mention(NAME, s, e, doc.text[s:e], {
                "number": number, "name": name,
                "outcome": outcome[0] if outcome else None,
                "outcome_text": outcome[1] if outcome else None,
                "target": target, "result": result}, f"structured/{VERSION}"))
    return found


def indicators(doc: Document) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Indicators from the KPI tables, and the spans of those tables (the flat-text rules leave
    what lies inside them to this reading)."""
    found: list[Mention] = []
    spans: list[tuple[int, int]] = []
    before: tuple[Columns, int] | None = None
    for b in doc.blocks:
        if b.kind != "table":
            continue
        rows = table_indicators(doc, b, before)
        cols = _columns(doc, b.rows())
        if cols is not None or rows:
            # a KPI table is read here even when its rows list none (a plan's "-" cells)
            spans.append((b.start, b.end))
        if cols is not None or not rows:
            before = (cols, _width(b)) if cols is not None else None
        found.extend(rows)
    return found, spans


_FIELD_NUMBER = r"^(?:[0-9๐-๙]+(?:\.[0-9๐-๙]+)*[.)]?)?"
AGENCY_LABEL = re.compile(_FIELD_NUMBER + r"(?:หน่วยงาน|ส่วนราชการ)(?:ที่รับผิดชอบ|รับผิดชอบ|เจ้าของเรื่อง)?$")
PERIOD_LABEL = re.compile(_FIELD_NUMBER + r"(?:ห้วง|ระยะเวลา|รอบ|ช่วง(?:เวลา)?)(?:การ)?รายงาน(?:ผล)?$")
# a form's own indicator and the fields that follow it (target, result, status), labels squashed
_FORM_ROLES = {
    "indicator": re.compile(_FIELD_NUMBER + r"(?:ตัวชี้วัด|ตัวบ่งชี้|KPI)(?:ความสำเร็จ|หลัก|ที่[0-9๐-๙]+)?"
                            r"(?:เชิง(?:ปริมาณ|คุณภาพ|เวลา|ต้นทุน))?$", re.I),
    "target": re.compile(_FIELD_NUMBER + r"(?:ค่า)?เป้าหมาย(?:การดำเนินงาน|ตัวชี้วัด)?$|^Target$", re.I),
    "result": re.compile(_FIELD_NUMBER + r"ผล(?:การดำเนินงาน|การปฏิบัติงาน|การดำเนินการ)?(?:ตามตัวชี้วัด)?$"
                         r"|^(?:Result|Actual)$", re.I),
    "status": re.compile(_FIELD_NUMBER + r"(?:สถานะ|ผลการประเมิน|สรุปผล)(?:การดำเนินงาน)?$|^Status$", re.I),
}


def _fields(doc: Document) -> list[tuple[str, Block]]:
    return [(_squash(doc.text[slice(*b.label)]), b) for b in doc.blocks
            if b.kind == "form_field" and b.label and b.value]


def field_block(doc: Document, label: re.Pattern[str]) -> Block | None:
    """The first form field whose label (spaces removed) matches `label`."""
    return next((b for name, b in _fields(doc) if label.match(name)), None)


def field(doc: Document, label: re.Pattern[str]) -> str | None:
    """The value of the first form field whose label (spaces removed) matches `label`, its
    lines joined (a value may wrap inside its cell)."""
    b = field_block(doc, label)
    return " ".join(doc.text[slice(*b.value)].split()) or None if b is not None and b.value else None


def _form_name(doc: Document, start: int, end: int) -> tuple[int, int]:
    """Where a form field's indicator name ends: on its first line where the flat rules end a name
    (a unit, a second field, a figure), else across the lines of its value cell (a name wrapped in
    its cell) up to a line that is an item or a field of its own, or holds an end."""
    from extractors.indicators import _clean_end, _cut  # (indicators imports this module)

    text = fold_digits(doc.text)
    lines = _lines(doc, Cell(start, end, 0, 0))
    name_end = start
    for k, (s, e) in enumerate(lines):
        if k and (_ITEM.match(text, s, e) is not None or re.search(r"[:：]", text[s:e])):
            break
        cut = _cut(text, s, e)
        name_end = _clean_end(text, s, cut) if cut > s else name_end
        if cut < e:
            break
    if (ex := _EXAMPLES.search(doc.text, start, name_end)) is not None and ex.start() > start:
        name_end = ex.start()
    return start, name_end


def form_indicators(doc: Document) -> list[Mention]:
    """A form's indicator fields (`ตัวชี้วัด : …`, a `ตัวชี้วัด` label cell beside its value cell),
    each with the target, result and status fields written after it (before the next indicator)."""
    fields = [(next((r for r, p in _FORM_ROLES.items() if p.match(name)), None), b) for name, b in _fields(doc)]
    found: list[Mention] = []
    for i, (role, b) in enumerate(fields):
        if role != "indicator" or b.value is None:
            continue
        s, e = _form_name(doc, *b.value)
        name = " ".join(doc.text[s:e].split())
        if len(name) < 8 or _KPI.match(_squash(name)):
            continue
        values: dict[str, str] = {}
        for other_role, other in fields[i + 1:]:
            if other_role == "indicator":
                break
            if other_role and other_role not in values and other.value:
                values[other_role] = " ".join(doc.text[slice(*other.value)].split())
        target, result = values.get("target"), values.get("result")
        outcome = next((o for v in (values.get("status"), result) if v and (o := status_of(v))), None)
        if outcome is None and target and result and _numbers(target) and _numbers(target) == _numbers(result):
            outcome = ("achieved", None)
        found.append(Mention(NAME, s, e, doc.text[s:e], {
            "number": None, "name": name, "outcome": outcome[0] if outcome else None,
            "outcome_text": outcome[1] if outcome else None, "target": target, "result": result},
            f"structured/{VERSION}"))
    return found


def merge(doc: Document, flat: list[Mention]) -> list[Mention]:
    """The flat-text rules' indicators outside the KPI tables and form fields, the tables' own
    rows and the forms' indicator fields. A form's indicator keeps what the flat rules paired
    with it from elsewhere in the form (a `เป้าหมาย (…) - ผลการดำเนินงาน (…)` line) where its
    own fields say nothing."""
    if not doc.blocks:
        return flat
    from_tables, spans = indicators(doc)
    from_forms = [f for f in form_indicators(doc) if not any(s <= f.start < e for s, e in spans)]
    if not spans and not from_forms:
        return flat
    outside = [m for m in flat if not any(s <= m.start < e for s, e in spans)]
    for f in from_forms:
        same = [m for m in outside if f.start <= m.start < max(f.end, f.start + 1)]
        for m in same:
            for key in ("target", "result", "outcome", "outcome_text"):
                if f.value[key] is None and m.value.get(key) is not None:
                    f.value[key] = m.value[key]
            f.value["number"] = f.value["number"] or m.value.get("number")
        outside = [m for m in outside if m not in same]
    return sorted(outside + from_tables + from_forms, key=lambda m: m.start)
