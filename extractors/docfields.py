"""Document fields: title, agency, fiscal year and reporting period.

Period: an explicit range in a `ห้วงการรายงาน` field wins; else `ไตรมาสที่ n` or
`รอบ 6/9/12 เดือน` with the fiscal year, by Thai fiscal-year arithmetic
(FY 2566 = 1 Oct 2022 – 30 Sep 2023; quarter 1 = Oct–Dec).
"""

from __future__ import annotations

import datetime as dt
import re

from extractors import structured
from extractors.thaidate import fiscal_year_of, fiscal_year_range, months_range, quarter_range, to_ce
from pipeline.model import Document, Mention
from pipeline.thai import fold_digits

NAME = "docfields"
VERSION = "1"

FISCAL_YEAR = re.compile(r"ปี\s*งบ\s*ประมาณ\s*(?:(?:พ\.?\s?ศ\.?|พุทธศักราช)\s*)?(?P<y>\d{4})(?!\d)")
QUARTER = re.compile(r"ไตรมาส(?:ที่)?\s*(?P<q>[1-4])(?!\d)")
ROUND = re.compile(r"รอบ\s*(?P<m>6|9|12)\s*เดือน")
AGENCY_FIELD = re.compile(r"^[^\S\n]*(?:\d+\.\s*)?(?:หน่วยงาน|ส่วนราชการ)(?:ที่รับผิดชอบ)?[^\S\n]*[|:]?[^\S\n]*"
                          r"(?P<v>[^|\n]{2,80})", re.M)
PERIOD_FIELD = re.compile(r"ห้วง(?:การ)?รายงาน|ระยะเวลา(?:การ)?รายงาน|รอบการรายงาน")


def _period(doc: Document, folded: str, fy: int | None, dates: list[Mention]) -> tuple[dict | None, int | None]:
    """(period, fiscal year implied by the period). The reporting-period field is a form's
    field block (its value cell, however it wraps) where the reader saw one, else a line."""
    block = structured.field_block(doc, structured.PERIOD_LABEL)
    field: tuple[int, int, int] | None = None   # label start, value start, value end
    if block is not None and block.value:
        field = (block.start, block.value[0], block.value[1])
    elif m := PERIOD_FIELD.search(folded):
        line_end = folded.find("\n", m.end())
        field = (m.start(), m.end(), len(folded) if line_end < 0 else line_end)
    label_match = None
    for pattern in (QUARTER, ROUND):
        m = pattern.search(folded, field[0] if field else 0)
        if m and (label_match is None or m.start() < label_match.start()):
            label_match = m
    if field:
        _, value_start, line_end = field
        ranges = [d for d in dates if value_start <= d.start < line_end and d.value["start"] != d.value["end"]]
        if ranges:
            d = ranges[0]
            label = doc.text[label_match.start():label_match.end()] if label_match and \
                label_match.start() < line_end else d.text
            start = dt.date.fromisoformat(d.value["start"])
            return {"label": label, "start": d.value["start"], "end": d.value["end"]}, fiscal_year_of(start)
    if label_match is None:
        return None, None
    label = doc.text[label_match.start():label_match.end()]
    if fy is None:
        # the fiscal year from the dates written next to the label (e.g. 1 เม.ย. 66 - 31 มิ.ย. 66)
        line_end = folded.find("\n", label_match.end())
        near = folded[label_match.end(): line_end if line_end > 0 else None]
        # (a day may be impossible, "31 มิ.ย.", and was dropped as a date: the month still counts)
        m = re.search(r"(\d{1,2})\s*([ก-ฮเแโใไ]{1,3}\.?\s?[ก-ฮ]\.?)\s*(\d{2}|\d{4})(?!\d)", near)
        if m:
            from extractors.thaidate import month_number
            month, year = month_number(m.group(2)), to_ce(int(m.group(3)))
            if month and year:
                fy = fiscal_year_of(dt.date(year, month, 1))
    if fy is None:
        return {"label": label, "start": None, "end": None}, None
    if label_match.re is QUARTER:
        start, end = quarter_range(fy, int(label_match.group("q")))
    else:
        start, end = months_range(fy, int(label_match.group("m")))
    return {"label": label, "start": start.isoformat(), "end": end.isoformat()}, fy


def _title(doc: Document) -> str | None:
    for line in doc.text.split("\n"):
        line = " ".join(line.split())
        if len(line) >= 8 and not re.fullmatch(r"[\d\s./|:-]+", line):
            return line[:300]
    return None


def fields(doc: Document, dates: list[Mention], orgs: list[Mention]) -> dict:
    folded = fold_digits(doc.text)
    fy = None
    m = FISCAL_YEAR.search(folded)
    if m:
        y = int(m.group("y"))
        fy = y if y >= 2400 else (y + 543 if to_ce(y) else None)
    period, period_fy = _period(doc, folded, fy, dates)
    if fy is None:
        fy = period_fy
    if period and fy and period.get("start") is None:
        start, end = fiscal_year_range(fy)
        period = {**period, "start": start.isoformat(), "end": end.isoformat()}
    agency = structured.field(doc, structured.AGENCY_LABEL)  # a form's หน่วยงาน field, from its blocks
    # the flat rule reads only text the blocks have not read: in a form field or a table, a label
    # that is not the agency's (หน่วยงานสนับสนุน, the supporting agencies) is not it
    read = [(b.start, b.end) for b in doc.blocks if b.kind in ("form_field", "table")]
    am = next((m for m in AGENCY_FIELD.finditer(folded) if not any(s <= m.start("v") < e for s, e in read)), None)
    if agency is None and am:
        agency = " ".join(doc.text[am.start("v"):am.end("v")].split()) or None
    elif agency is None and orgs:
        agency = orgs[0].text
    return {"title": _title(doc), "agency": agency, "fiscal_year": fy, "period": period}
