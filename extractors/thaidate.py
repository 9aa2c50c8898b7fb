"""Thai calendar facts shared by the date, period and fiscal-year rules.

Buddhist Era (BE) = CE + 543. A four-digit year >= 2400 is BE; a two-digit year is a BE
short form (65 → 2565). Thai fiscal year BE Y runs 1 Oct (Y−544 CE) to 30 Sep (Y−543 CE).
Month names, abbreviations and the misspellings typists use are data (data/dates.json).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from pathlib import Path

from pipeline.thai import is_combining

DATA = json.loads((Path(__file__).parent / "data" / "dates.json").read_text("utf-8"))
# full name, abbreviation letters (ต.ค. = "ต","ค") — the first full name and abbreviation of each month
MONTHS: dict[int, tuple[str, ...]] = {
    int(k): (v["full"][0], *v["abbr"][0].rstrip(".").split("."))
    for k, v in DATA["months"].items()
}


def _bare(token: str) -> str:
    """A month token without spaces, dots and combining marks: what every spelling of it shares
    (broken PDFs drop marks: กุมภาพนธ; typists drop or add dots and spaces: ต.ค / ตค. / ต. ค.)."""
    return "".join(ch for ch in token if not (ch.isspace() or ch == "." or is_combining(ch))).replace("ำ", "า")


def _abbreviation_key(token: str) -> str:
    # abbreviations keep their marks: มี.ค. and ม.ค. differ only by one
    return re.sub(r"[\s.]", "", token)


_ABBREVIATIONS: dict[str, int] = {}
_NAMES: dict[str, int] = {}
for _num, _forms in DATA["months"].items():
    for _form in _forms["abbr"] + [f for f in _forms["misspelt"] if "." in f]:
        _ABBREVIATIONS[_abbreviation_key(_form)] = int(_num)
    for _form in _forms["full"] + [f for f in _forms["misspelt"] if "." not in f]:
        _NAMES[_bare(_form)] = int(_num)


def month_number(token: str) -> int | None:
    """'ต.ค.', 'ตค.', 'ต. ค', 'ตุลาคม', 'ตุลา', 'กรกฏาคม' (misspelt) → its month; None if not a month."""
    key = _abbreviation_key(token)
    if key in _ABBREVIATIONS:
        return _ABBREVIATIONS[key]
    return _NAMES.get(_bare(token))


def to_ce(year: int) -> int | None:
    """A written year to CE: 2565 → 2022, 65 → 2022, 2016 → 2016; None if implausible."""
    if year < 100:
        return year + 2500 - 543
    if year >= 2400:
        return year - 543 if year < 2700 else None
    if 1900 <= year <= 2100:
        return year
    return None


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def fiscal_year_range(fy_be: int) -> tuple[dt.date, dt.date]:
    """FY 2566 → 1 Oct 2022 .. 30 Sep 2023."""
    return dt.date(fy_be - 544, 10, 1), dt.date(fy_be - 543, 9, 30)


def fiscal_year_of(day: dt.date) -> int:
    """The BE fiscal year a day falls in: 1 Oct 2022 → 2566."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


def quarter_range(fy_be: int, quarter: int) -> tuple[dt.date, dt.date]:
    """Quarter 1 is Oct–Dec of the year before the fiscal year ends."""
    start_fy, _ = fiscal_year_range(fy_be)
    m0 = 10 + 3 * (quarter - 1)
    y, m = start_fy.year + (m0 - 1) // 12, (m0 - 1) % 12 + 1
    m_end = m + 2
    return dt.date(y, m, 1), dt.date(y, m_end, last_day(y, m_end))


def months_range(fy_be: int, months: int) -> tuple[dt.date, dt.date]:
    """'รอบ 6 เดือน' of FY 2565 → 1 Oct 2021 .. 31 Mar 2022."""
    start, _ = fiscal_year_range(fy_be)
    m_end = (10 - 1 + months - 1) % 12 + 1
    y_end = start.year + (10 - 1 + months - 1) // 12
    return start, dt.date(y_end, m_end, last_day(y_end, m_end))
