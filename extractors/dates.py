"""Dates: Thai month names and abbreviations, BE/CE and two-digit years, Thai digits,
weekday prefixes, day and month ranges, numeric d/m/y and ISO dates.

Matching runs on a digit-folded copy (same length), so spans point at what the author wrote.
Not dates: times (09.30 น.), meeting numbers (ครั้งที่ 3/2566), percentages, year-only mentions.
"""

from __future__ import annotations

import datetime as dt
import re

from extractors.thaidate import MONTHS, last_day, month_number, to_ce
from pipeline.model import Document, Mention, SpanSet
from pipeline.thai import fold_digits

NAME = "dates"
VERSION = "1"


def _month_alternation() -> str:
    alts = []
    for full, a, b in MONTHS.values():
        alts.append(full)
        # ต.ค. / ตค. / ต.ค / ตค  — the abbreviation must not run into a following Thai letter
        alts.append(rf"{a}\.?\s?{b}\.?(?![ก-ฮ])")
    alts.sort(key=len, reverse=True)
    return "(?:" + "|".join(alts) + ")"


MONTH = _month_alternation()
# Patterns that open with a month name are tried only where a month (or เดือน) can start:
# without this lookahead the engine tries the whole alternation at every position.
MONTH_START = "(?=[" + "".join(sorted({full[0] for full, _, _ in MONTHS.values()}
                                      | {a[0] for _, a, _ in MONTHS.values()} | {"เ"})) + "])"
BE_PREFIX = r"(?:(?:พ\.?\s?ศ\.?|ค\.?\s?ศ\.?)\s*)?"
YEAR = rf"{BE_PREFIX}(?P<{{y}}>\d{{{{4}}}}|\d{{{{2}}}})(?![\d.,]\d|\d|\s?น\.|\s?%)"


def _year(name: str) -> str:
    return YEAR.format(y=name)


DAY = r"(?P<{d}>[0-3]?\d)(?!\d)"
SEP = r"\s*(?:-|–|—|ถึง(?:วันที่)?|ถึง)\s*"

_DAY1, _DAY2 = DAY.format(d="d1"), DAY.format(d="d2")
PATTERNS = [
    # 1 ต.ค. 65 - 31 ธ.ค. 65 ; 1 ต.ค. - 31 ธ.ค. 2565
    ("range_days", re.compile(
        rf"{_DAY1}\s*(?P<m1>{MONTH})\s*(?:{_year('y1')})?{SEP}"
        rf"(?:วันที่\s*)?{_DAY2}\s*(?P<m2>{MONTH})\s*{_year('y2')}")),
    # 1-21 มีนาคม 2565 ; ๑ – ๓๑ ม.ค. ๖๗
    ("range_same_month", re.compile(
        rf"{_DAY1}{SEP}{_DAY2}\s*(?P<m2>{MONTH})\s*{_year('y2')}")),
    # ระหว่างเดือนตุลาคม พ.ศ. ๒๕๖๑ ถึง มีนาคม พ.ศ. ๒๕๖๒ ; ตุลาคม - ธันวาคม 2565
    ("range_months", re.compile(
        rf"{MONTH_START}(?:เดือน\s*)?(?P<m1>{MONTH})\s*(?:{_year('y1')})?{SEP}(?:เดือน\s*)?(?P<m2>{MONTH})\s*{_year('y2')}")),
    # 14 ธันวาคม 2566 ; 1 ต.ค.65
    ("day", re.compile(rf"{_DAY1}\s*(?P<m1>{MONTH})\s*{_year('y1')}")),
    # เดือนพ.ค.66 ; เดือนตุลาคม 2563 ; ตุลาคม 2563
    ("month", re.compile(rf"{MONTH_START}(?:เดือน\s*)?(?P<m1>{MONTH})\s*{_year('y1')}")),
    # 30/9/2565, 1/10/65 (not ครั้งที่ 3/2566, not document numbers)
    ("numeric", re.compile(
        r"(?<![\d/.])(?P<d1>[0-3]?\d)/(?P<m1n>[01]?\d)/(?P<y1>\d{4}|\d{2})(?![\d/])")),
    ("iso", re.compile(r"(?<![\d-])(?P<y1>\d{4})-(?P<m1n>[01]\d)-(?P<d1>[0-3]\d)(?![\d-])")),
    # a day and month with no year: 14 ธ.ค. (year from context)
    ("day_no_year", re.compile(rf"{_DAY1}\s*(?P<m1>{MONTH})(?!\s*(?:พ\.?\s?ศ\.?\s*)?\d)")),
]
_NOT_BEFORE_NUMERIC = re.compile(r"(?:ครั้งที่|ที่|เลขที่|ฉบับที่|คำสั่ง|หนังสือ)\s*$")
_YEAR_CONTEXT = re.compile(r"(?:พ\.?\s?ศ\.?\s*|ปี(?:งบประมาณ)?\s*(?:พ\.?\s?ศ\.?)?\s*)(?P<y>\d{4})")


class BadDate(ValueError):
    pass


def _date(y: int | None, m: int, d: int) -> dt.date:
    if y is None:
        raise BadDate("no year")
    try:
        return dt.date(y, m, d)
    except ValueError as e:
        raise BadDate(str(e)) from e


def _ce(raw: str | None) -> int | None:
    if raw is None:
        return None
    ce = to_ce(int(raw))
    if ce is None:
        raise BadDate(f"implausible year {raw}")
    return ce


def _parse(kind: str, m: re.Match[str], context_year: int | None) -> tuple[dt.date, dt.date, str, bool]:
    g = m.groupdict()
    if kind == "range_days":
        y2 = _ce(g["y2"])
        y1 = _ce(g["y1"]) if g["y1"] else None
        m1, m2 = month_number(g["m1"]), month_number(g["m2"])
        if y1 is None:
            y1 = y2 if m1 <= m2 else y2 - 1
        return _date(y1, m1, int(g["d1"])), _date(y2, m2, int(g["d2"])), "day", False
    if kind == "range_same_month":
        y2, m2 = _ce(g["y2"]), month_number(g["m2"])
        start, end = _date(y2, m2, int(g["d1"])), _date(y2, m2, int(g["d2"]))
        if start > end:
            raise BadDate("range ends before it starts")
        return start, end, "day", False
    if kind == "range_months":
        y2 = _ce(g["y2"])
        y1 = _ce(g["y1"]) if g["y1"] else None
        m1, m2 = month_number(g["m1"]), month_number(g["m2"])
        if y1 is None:
            y1 = y2 if m1 <= m2 else y2 - 1
        return _date(y1, m1, 1), _date(y2, m2, last_day(y2, m2)), "month", False
    if kind == "day":
        d = _date(_ce(g["y1"]), month_number(g["m1"]), int(g["d1"]))
        return d, d, "day", False
    if kind == "month":
        y, mo = _ce(g["y1"]), month_number(g["m1"])
        return _date(y, mo, 1), _date(y, mo, last_day(y, mo)), "month", False
    if kind in ("numeric", "iso"):
        d = _date(_ce(g["y1"]), int(g["m1n"]), int(g["d1"]))
        return d, d, "day", False
    if kind == "day_no_year":
        d = _date(context_year, month_number(g["m1"]), int(g["d1"]))
        return d, d, "day", True
    raise AssertionError(kind)


def _context_year(folded: str, pos: int) -> int | None:
    """The nearest BE year written before `pos` (else the first one after), as CE."""
    best = None
    for m in _YEAR_CONTEXT.finditer(folded):
        if m.start() > pos and best is not None:
            break
        ce = to_ce(int(m.group("y")))
        if ce is not None:
            best = ce
            if m.start() > pos:
                break
    return best


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    folded = fold_digits(doc.text)
    taken = SpanSet()
    found: list[Mention] = []
    warnings: list[str] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(folded):
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            if kind == "numeric" and _NOT_BEFORE_NUMERIC.search(folded, max(0, s - 12), s):
                continue
            text = doc.text[s:e].rstrip()
            e = s + len(text)
            try:
                year = _context_year(folded, s) if kind == "day_no_year" else None
                start, end, gran, inferred = _parse(kind, m, year)
            except BadDate as err:
                if str(err) != "no year":
                    warnings.append(f"date '{text}' skipped: {err}")
                taken.add(s, e)
                continue
            if end < start:
                warnings.append(f"date range '{text}' ends before it starts; skipped")
                taken.add(s, e)
                continue
            taken.add(s, e)
            found.append(Mention(NAME, s, e, text, {
                "start": start.isoformat(), "end": end.isoformat(),
                "granularity": gran, "year_inferred": inferred}, f"{NAME}/{VERSION}"))
    found.sort(key=lambda x: x.start)
    return found, warnings
