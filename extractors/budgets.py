"""Budget figures: amounts of money with their unit and role.

Units: บาท; พันบาท ×1e3; หมื่นบาท ×1e4; แสนบาท ×1e5; ล้านบาท / ลบ. ×1e6; พันล้านบาท ×1e9;
หมื่นล้านบาท ×1e10; แสนล้านบาท ×1e11; ล้านล้านบาท ×1e12. Amounts written only in words
(ห้าหมื่นบาท) are read with PyThaiNLP; a spelled-out repeat in brackets after a figure
(50,000 บาท (ห้าหมื่นบาทถ้วน)) is part of that figure's mention, not a second amount.
Counts, scores and percentages never carry a money unit, so they never match.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from pipeline.model import Document, Mention, SpanSet
from pipeline.thai import fold_digits

NAME = "budgets"
VERSION = "1"

UNITS: dict[str, Decimal] = {
    "ล้านล้านบาท": Decimal(10) ** 12, "แสนล้านบาท": Decimal(10) ** 11, "หมื่นล้านบาท": Decimal(10) ** 10,
    "พันล้านบาท": Decimal(10) ** 9, "ล้านบาท": Decimal(10) ** 6, "ลบ.": Decimal(10) ** 6,
    "ล.บ.": Decimal(10) ** 6, "แสนบาท": Decimal(10) ** 5, "หมื่นบาท": Decimal(10) ** 4,
    "พันบาท": Decimal(10) ** 3, "บาท": Decimal(1),
}
# "ล้าน บาท": a table cell or a PDF line may wrap a compound unit before its บาท
_UNIT = "|".join(re.escape(u[:-3]) + " ?บาท" if u.endswith("บาท") and u != "บาท" else re.escape(u)
                 for u in sorted(UNITS, key=len, reverse=True))
_NUMBER = r"(?<![\d.,])(?P<num>\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_THAI_NUMBER_WORDS = "ศูนย์|หนึ่ง|เอ็ด|สอง|ยี่|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ร้อย|พัน|หมื่น|แสน|ล้าน"
FIGURE = re.compile(
    rf"{_NUMBER}(?:\.-)?\s*(?P<unit>{_UNIT})(?:\s*\.-|\.-)?"
    rf"(?:\s*\(\s*(?:{_THAI_NUMBER_WORDS})+(?:บาท|สตางค์|ถ้วน)*\s*\))?")
# An amount in words starts with a digit word (not "ล้านบาท" of a table's unit line).
IN_WORDS = re.compile(rf"(?P<words>(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่สิบ)(?:{_THAI_NUMBER_WORDS})*)บาท(?:ถ้วน)?")

_ROLES = json.loads((Path(__file__).parent / "data" / "budget_roles.json").read_text("utf-8"))
_ROLE_WORDS = sorted(((w, role) for role in ("planned_disbursement", "disbursed", "budget", "other")
                      for w in _ROLES[role]), key=lambda x: -len(x[0]))
_ROLE_RE = re.compile("|".join(re.escape(w) for w, _ in _ROLE_WORDS))
_ROLE_OF = dict(_ROLE_WORDS)
_COLUMN_ONLY = _ROLES["column_only"]
_COLUMN_RE = re.compile("|".join(re.escape(w) for w in sorted([w for w, _ in _ROLE_WORDS] + list(_COLUMN_ONLY),
                                                                key=len, reverse=True)))
IMPLAUSIBLE = Decimal(10) ** 11  # one report's figure above 100,000 million baht: check the unit


def _phrase_role(text: str, hit: re.Match[str], hits: list[re.Match[str]]) -> str:
    """The role of the nearest keyword `hit`, unless its unspaced phrase holds a more specific one:
    money nouns (งบประมาณ, วงเงิน) are the generic head that คงเหลือ / ที่ใช้ไป / ประหยัด qualify."""
    role = _ROLE_OF[hit.group()]
    if role != "budget":
        return role
    lo = max(text.rfind(" ", 0, hit.start()), text.rfind("\n", 0, hit.start())) + 1
    hi = min(i for i in (text.find(" ", hit.end()), text.find("\n", hit.end()), len(text)) if i >= 0)
    specific = [h for h in hits if lo <= h.start() and h.end() <= hi and _ROLE_OF[h.group()] != "budget"]
    return _ROLE_OF[specific[-1].group()] if specific else role


def _column_role(text: str, start: int) -> str | None:
    """For an amount in a `|` table row with no role word of its own cell: its column header's role
    (the nearest row above, in the same table, whose cell in that column names one)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:len(text) if line_end < 0 else line_end]
    if "|" not in line:
        return None
    col = text.count("|", line_start, start)
    cell_start = text.rfind("|", line_start, start) + 1 if col else line_start
    own = list(_ROLE_RE.finditer(text, cell_start, start))
    if own:
        return _phrase_role(text, own[-1], own)
    pos = line_start
    for _ in range(8):  # a header is a few rows above at most (a two-row header, a unit row)
        if pos == 0:
            return None
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        row = text[prev_start:pos - 1]
        if not row.strip():  # a blank line between rows (a web page's <tr>s)
            pos = prev_start
            continue
        if "|" not in row:
            return None
        cells = row.split("|")
        if col < len(cells) and not FIGURE.search(cells[col]):
            roles = [_ROLE_OF.get(h.group()) or _COLUMN_ONLY[h.group()] for h in _COLUMN_RE.finditer(cells[col])]
            if roles:  # as in a phrase, a specific word outranks the money noun (งบประมาณคงเหลือ)
                return next((r for r in roles if r != "budget"), "budget")
        pos = prev_start
    return None


def role_for(text: str, start: int) -> str:
    """The role of the amount at `start`: its table column's header, else the nearest role
    keyword before it on the same line (then up to 2 lines back)."""
    column = _column_role(text, start)
    if column is not None:
        return column
    line_start = text.rfind("\n", 0, start) + 1
    window_start = max(line_start, start - 120)
    hits = list(_ROLE_RE.finditer(text, window_start, start))
    if not hits:
        back_start = max(0, start - 200)
        para = text.rfind("\n\n", back_start, line_start)
        hits = [h for h in _ROLE_RE.finditer(text, para + 1 if para >= 0 else back_start, line_start)
                if _ROLE_OF[h.group()] != "other"]
    return _phrase_role(text, hits[-1], hits) if hits else "budget"


def _words_to_number(words: str) -> int | None:
    from pythainlp.util import thaiword_to_num  # heavy import only when words appear

    try:
        return thaiword_to_num(words)
    except (ValueError, KeyError, IndexError):
        return None


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    folded = fold_digits(doc.text)
    found: list[Mention] = []
    warnings: list[str] = []
    taken = SpanSet()
    for m in FIGURE.finditer(folded):
        number = Decimal(m.group("num").replace(",", "").replace(" ", ""))
        amount = number * UNITS[m.group("unit").replace(" ", "")]
        s, e = m.span()
        text = doc.text[s:e]
        if amount > IMPLAUSIBLE:
            warnings.append(f"budget '{text}' = {amount:,.0f} baht is implausibly large for one report; "
                            "check the unit")
        taken.add(s, e)
        found.append(Mention(NAME, s, e, text, {"amount": amount, "role": role_for(folded, s)},
                             f"{NAME}/{VERSION}"))
    for m in IN_WORDS.finditer(folded):
        s, e = m.span()
        if taken.overlaps(s, e):
            continue
        value = _words_to_number(m.group("words"))
        if value is None or value == 0:
            continue
        found.append(Mention(NAME, s, e, doc.text[s:e], {"amount": Decimal(value), "role": role_for(folded, s)},
                             f"{NAME}/{VERSION}"))
    found.sort(key=lambda x: x.start)
    return found, warnings
