"""Dates as one grammar of parts (data/dates.json holds the words):

    [weekday] [lead] day [เดือน] month [era] year        a day:    วันที่ ๙ เดือนกรกฎาคม พ.ศ. ๒๕๖๖
    [เดือน] month [era] year                             a month:  เดือน ต.ค. 65
    d/m/y, d-m-y, d.m.y, yyyy-mm-dd                      a day:    17/03/2566
    date connector date                                  a range:  1 ต.ค. 65 - 31 ธ.ค. 65, ตุลาคม – ธันวาคม 2565
    day connector date                                   a range:  1-21 มีนาคม 2565, 10 ถึง 12 มิ.ย. 66

Month: full names (marks optional: broken PDFs drop them), abbreviations with or without dots
and spaces (ต.ค. ตค. ต. ค. ต.ค), colloquial short forms (ตุลา) and common misspellings (ม.ย.,
กรกฏาคม). Era: พ.ศ. / พ.ศ / พศ. / พุทธศักราช / ค.ศ. / ปี. Year: four digits (BE from 2400, else CE) or two
(BE short form). Connector: - – — ถึง จนถึง (ระหว่าง … ถึง …, ตั้งแต่ … จนถึง … are leads around a
range). The half of a range without a year takes the other half's.

What is not a date is decided by its own context, never by dropping a class of dates: a number
after ครั้งที่ / ข้อ / ที่ (not วันที่) is not a day (ครั้งที่ ๑ ม.ค.๕๖ is the month of meeting 1);
a d/m/y shape after ที่ / เลขที่ / คำสั่ง is a document number; times (09.30 น.) have no month.
Matching runs on a digit-folded copy (same length), so spans point at what the author wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.thaidate import DATA, last_day, month_number, to_ce
from pipeline.model import Document, Mention
from pipeline.thai import fold_digits, is_combining

NAME = "dates"
VERSION = "2"

_THAI_LETTER = "\u0e01-\u0e4e"  # consonants, vowels and marks: what may not touch an abbreviation


def _loose(name: str) -> str:
    """A full month name with its marks optional and SARA AM in any of its spellings."""
    out = []
    for ch in name:
        if is_combining(ch):
            out.append(re.escape(ch) + "?")
        elif ch == "ำ":
            out.append("(?:ำ|ํา|า)")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _abbreviation(form: str) -> str:
    """ต.ค. → ต.ค. / ตค. / ต. ค. / ต.ค / ตค (a space only after a dot: 'ก ค' is two letters of a table)."""
    first, second = form.rstrip(".").split(".")
    return rf"{re.escape(first)}(?:\.[^\S\n]?)?{re.escape(second)}\.?"


def _month_alternation() -> tuple[str, str]:
    """(full names, short forms): short forms must not run into a Thai letter (ก.ค.ศ., ตุลาการ)."""
    full, short = [], []
    for forms in DATA["months"].values():
        for f in forms["full"]:
            full.append((len(f), _loose(f)))
        for f in forms["abbr"] + forms["misspelt"]:
            if "." in f:
                short.append((len(f), _abbreviation(f)))
            elif len(f) >= 6:  # a misspelt full name (กรกฏาคม)
                full.append((len(f), _loose(f)))
            else:  # a colloquial short form (ตุลา)
                short.append((len(f), re.escape(f)))
    by_length = lambda xs: "|".join(p for _, p in sorted(xs, key=lambda x: -x[0]))  # noqa: E731
    return by_length(full), by_length(short)


_FULL, _SHORT = _month_alternation()
_FIRSTS = sorted({f[0] for forms in DATA["months"].values() for k in ("full", "abbr", "misspelt")
                  for f in forms[k]} | {"เ"})
ERA = r"(?:ปี[^\S\n]*)?(?:[พค]\.?[^\S\n]?ศ\.?|พุทธศักราช|คริสต์ศักราช)|ปี"
# a year is not followed by more digits, a decimal part, a time's น. or a percent sign
YEAR = r"(?P<year>\d{4}|\d{2})(?!\d|[.,]\d|[^\S\n]?(?:น\.|%))"
MONTH_MENTION = re.compile(
    rf"(?=[{''.join(_FIRSTS)}])(?P<pre>เดือน[^\S\n]*)?"
    rf"(?:(?P<full>{_FULL})|(?P<short>{_SHORT})(?!(?!ปี|[พค]\.?\s?ศ|พุทธ|คริสต์)[{_THAI_LETTER}]))"
    rf"(?:\s*(?P<era>{ERA})?\s*{YEAR})?")
# (a dash right after it may join a second date: 4/7/2566-4/5/2567; checked in _numeric_atoms)
NUMERIC = re.compile(
    r"(?<![\d/.])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
    r"(?!\d|[/.]\d|-(?!\d{1,2}(?P<sep2>[/.\-])\d{1,2}(?P=sep2)\d{2,4})\d|[^\S\n]?น\.)")
_DATE_AND_DASH = re.compile(r"\d{1,2}([/.\-])\d{1,2}\1\d{2,4}-$")
ISO = re.compile(r"(?<![\d/.\-])(?P<year>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d\-])")
DAY_BEFORE = re.compile(r"(?<![\d.,/])(?P<day>\d{1,2})[^\S\n]*$")
CONNECTOR = r"(?:[^\S\n]*[-–—][^\S\n]*|\s*(?:จน)?ถึง\s*)(?:วันที่[^\S\n]*)?"
RANGE_JOIN = re.compile(CONNECTOR + r"$")
BARE_DAY_BEFORE = re.compile(rf"(?<![\d.,/])(?P<day>\d{{1,2}}){CONNECTOR}$")
_WEEKDAYS = "|".join(DATA["weekdays"])
DAY_LEAD = re.compile(rf"วัน(?:{_WEEKDAYS})?[^\S\n]*ที่[^\S\n]*$")
NOT_DAY_BEFORE = re.compile("(?:" + "|".join(sorted(DATA["not_day_before"], key=len, reverse=True))
                            + r")[^\S\n]*$")
NOT_NUMERIC_BEFORE = re.compile("(?:" + "|".join(sorted(DATA["not_numeric_before"], key=len, reverse=True))
                                + r")[^\S\n:]*(?:[ก-ฮ.]+[^\S\n]*)?$")
_YEAR_CONTEXT = re.compile(r"(?:พ\.?\s?ศ\.?\s*|พุทธศักราช\s*|ปี(?:งบประมาณ)?\s*(?:พ\.?\s?ศ\.?|พุทธศักราช)?\s*)(?P<y>\d{4})")


@dataclass
class Atom:
    """One date as written: a day (day set) or a month; the year may be missing."""

    start: int
    end: int
    month: int
    day: int | None
    year: int | None  # CE
    day_start: int  # where the day is written (== start), or the month when there is none
    weak: bool = False  # only the first half of a range (a bare abbreviation glued to a word)


class BadDate(ValueError):
    pass


def _ce(raw: str | None, era: str | None) -> int | None:
    if raw is None:
        return None
    year = int(raw)
    if era and era.replace(" ", "").removeprefix("ปี").startswith("ค") and year < 100:
        year += 2000  # ค.ศ. 22
    ce = to_ce(year)
    if ce is None:
        raise BadDate(f"implausible year {raw}")
    return ce


def _is_day(folded: str, day_start: int) -> bool:
    """A number before a month is its day unless the words before it make it an item number."""
    lo = max(0, day_start - 24)
    return not NOT_DAY_BEFORE.search(folded, lo, day_start) or bool(DAY_LEAD.search(folded, lo, day_start))


def _month_atoms(folded: str, warnings: list[str]) -> list[Atom]:
    atoms = []
    for m in MONTH_MENTION.finditer(folded):
        s = m.start()
        glued = bool(m.group("short") and not m.group("pre") and s > 0 and not folded.endswith("ถึง", 0, s)
                     and re.match(f"[{_THAI_LETTER}.]", folded[s - 1]))
        if glued and folded[s - 1] == ".":
            continue  # อ.ก.พ.: letters of a longer abbreviation, not a month
        # a month abbreviation glued to the word before it counts with a year of its own
        # (ติดตามผลต.ค. 59) or as the first half of a range (ติดตามผลมิ.ย. - ส.ค. 58)
        weak = glued and not m.group("year")
        month = month_number(m.group("full") or m.group("short"))
        if month is None:
            continue
        try:
            year = _ce(m.group("year"), m.group("era"))
        except BadDate as err:
            warnings.append(f"date '{folded[s:m.end()]}' skipped: {err}")
            continue
        end = m.end() if m.group("year") else m.end("full" if m.group("full") else "short")
        day = None
        d = DAY_BEFORE.search(folded, max(0, s - 6), s)
        if d and _is_day(folded, d.start()):
            day, s = int(d.group("day")), d.start()
        atoms.append(Atom(s, end, month, day, year, s, weak and day is None))
    return atoms


def _numeric_atoms(folded: str, warnings: list[str]) -> list[Atom]:
    atoms = []
    for pattern in (NUMERIC, ISO):
        for m in pattern.finditer(folded):
            s = m.start()
            if s > 0 and folded[s - 1] == "-" and not _DATE_AND_DASH.search(folded, max(0, s - 12), s):
                continue  # 12-3-4-2566: a code, not a date after a range's dash
            day, month = int(m.group("d")), int(m.group("m"))
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            lo = max(0, s - 24)
            lead = bool(DAY_LEAD.search(folded, lo, s)) or bool(re.search(r"(?:เมื่อ|ณ)[^\S\n]*$", folded[lo:s]))
            if NOT_NUMERIC_BEFORE.search(folded, lo, s) and not lead:
                continue  # ที่ มท 0211/2565, คำสั่งที่ 12/3/2565: a document's number
            # 1.2.65 or 4-1-12 may be a section or a code: a dot or dash date needs a full year,
            # two-digit day and month (17.03.66) or a date's lead word before it
            if pattern is NUMERIC and m.group("sep") != "/" and not (
                    len(m.group("year")) == 4 or (len(m.group("d")) == 2 and len(m.group("m")) == 2) or lead):
                continue
            try:
                year = _ce(m.group("year"), None)
            except BadDate as err:
                warnings.append(f"date '{m.group()}' skipped: {err}")
                continue
            atoms.append(Atom(s, m.end(), month, day, year, s))
    return atoms


def _date(y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError as e:
        raise BadDate(str(e)) from e


def _range(a: Atom, b: Atom, context_year: int | None) -> tuple[dt.date, dt.date, str, bool]:
    inferred = a.year is None and b.year is None
    ya, yb = a.year, b.year
    if inferred:
        if context_year is None:
            raise BadDate("no year")
        yb = context_year
    key_a, key_b = (a.month, a.day or 1), (b.month, b.day or 1)
    if ya is None:
        ya = yb if key_a <= key_b else yb - 1
    if yb is None:
        yb = ya if key_b >= key_a else ya + 1
    start = _date(ya, a.month, a.day or 1)
    end = _date(yb, b.month, b.day or last_day(yb, b.month))
    if end < start:
        raise BadDate("range ends before it starts")
    return start, end, "day" if a.day or b.day else "month", inferred


def _single(a: Atom, context_year: int | None) -> tuple[dt.date, dt.date, str, bool]:
    if a.day is None:
        if a.year is None:
            raise BadDate("no year")  # a month name alone: no mention
        return _date(a.year, a.month, 1), _date(a.year, a.month, last_day(a.year, a.month)), "month", False
    year = a.year if a.year is not None else context_year
    if year is None:
        raise BadDate("no year")
    d = _date(year, a.month, a.day)
    return d, d, "day", a.year is None


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


def _bare_day(folded: str, b: Atom) -> Atom | None:
    """'1-21 มีนาคม 2565', '10 ถึง 12 มิ.ย. 66': the first day of a range within one month."""
    if b.day is None:
        return None
    m = BARE_DAY_BEFORE.search(folded, max(0, b.start - 24), b.start)
    if not m or not _is_day(folded, m.start()):
        return None
    return Atom(m.start(), b.start, b.month, int(m.group("day")), b.year, m.start())


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    folded = fold_digits(doc.text)
    warnings: list[str] = []
    atoms = sorted(_month_atoms(folded, warnings) + _numeric_atoms(folded, warnings), key=lambda a: a.start)
    found: list[Mention] = []
    i, last_end = 0, 0
    while i < len(atoms):
        a = atoms[i]
        i += 1
        if a.start < last_end:
            continue
        b = atoms[i] if i < len(atoms) else None
        pair: tuple[Atom, Atom] | None = None
        if b is not None and not b.weak and RANGE_JOIN.match(folded, a.end, b.start) and b.start > a.end:
            pair, i = (a, b), i + 1
        elif a.weak:
            continue
        else:
            first = _bare_day(folded, a)
            if first is not None and first.start >= last_end:
                pair = (first, a)
        s, e = (pair[0].start, pair[1].end) if pair else (a.start, a.end)
        text = doc.text[s:e]
        try:
            needs_context = (pair[0].year is None and pair[1].year is None) if pair else a.year is None
            year = _context_year(folded, s) if needs_context else None
            start, end, gran, inferred = _range(*pair, year) if pair else _single(a, year)
        except BadDate as err:
            if str(err) != "no year":
                warnings.append(f"date '{text}' skipped: {err}")
            last_end = e
            continue
        last_end = e
        found.append(Mention(NAME, s, e, text, {
            "start": start.isoformat(), "end": end.isoformat(),
            "granularity": gran, "year_inferred": inferred}, f"{NAME}/{VERSION}"))
    return found, warnings
