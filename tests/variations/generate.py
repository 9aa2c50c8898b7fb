"""The variation suite: reports written from the documented forms, with exact expected values.

Every date form × digits × era × lead (weekday, วันที่, ณ วันที่, …), every outcome phrase
(negation × verb × [ตาม] × object, work under way, work not begun) in every position (a numbered
sentence, a table's status cell, a tick box), money in every unit and role (words before the
amount, a table column's header). The vocabulary here is written from the contract and the
issue's list of forms, not read from extractors/data, so the suite checks the rules against
the forms rather than against themselves. Each report also carries distractors that are not
dates or money (ครั้งที่ 3/2566, ที่ มท 0211/2565, 09.30 น., ร้อยละ 92.50, ก.ค.ศ., 117 คน).

    python tests/variations/generate.py --out DIR [--formats txt,docx,html,pdf]

writes DIR/NAME.FORMAT and DIR/gold.jsonl (scored by ../shared/eval/score.py). The PDFs are
LibreOffice conversions of the .docx and are committed under tests/variations/pdf/ with the
sha256 of the text each came from (manifest.json), so the test suite needs no LibreOffice and
notices when the generator changes and the PDFs must be made again (`--out tests/variations/pdf
--formats pdf`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import itertools
import json
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20661129
DOCS = 16
FONT = "Laksaman"  # Debian's TH Sarabun New clone (fonts-thai-tlwg), as samples/
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

# --- dates ------------------------------------------------------------------------------------
MONTH_FULL = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
              "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
MONTH_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
# what typists write: misspellings of a full name, a non-standard abbreviation
MISSPELT = {7: "กรกฏาคม", 11: "พฤษจิกายน", 6: "ม.ย."}
WEEKDAYS = ["วันจันทร์ที่", "วันอังคารที่", "วันพุธที่", "วันพฤหัสบดีที่", "วันศุกร์ที่", "วันเสาร์ที่", "วันอาทิตย์ที่"]
DAY_LEADS = ["", "วันที่ ", "ณ วันที่ ", "เมื่อวันที่ ", "ภายในวันที่ ", "ตั้งแต่วันที่ ", "weekday"]
MONTH_LEADS = ["", "เดือน", "เดือน ", "ประจำเดือน", "ภายในเดือน", "ณ สิ้นเดือน"]
ERAS = ["", "พ.ศ. ", "พ.ศ.", "พ.ศ ", "พศ. ", "พุทธศักราช ", "ปี ", "ปี พ.ศ. ", "ค.ศ. ", "CE"]  # CE: a bare CE year
DIGITS = ["arabic", "thai", "mixed"]
SPELLINGS = ["full", "abbr", "abbr_nodots", "abbr_lastdot", "abbr_spaced", "abbr_firstdot", "misspelt"]
DATE_KINDS = ["day", "official", "month", "numeric_slash", "numeric_dash", "numeric_dot", "iso",
              "range_same_month", "range_days", "range_months", "range_years", "between", "from_until",
              "range_numeric"]
CONNECTORS = [" - ", "-", " – ", " ถึง ", " จนถึง ", " ถึงวันที่ "]
NOT_DATES = ["การประชุมครั้งที่ 3/2566 เวลา 09.30 น.", "ตามหนังสือที่ มท 0211/2565 ลงวันที่ดังกล่าว",
             "คำสั่งที่ 12/3/2565 แต่งตั้งคณะทำงาน", "ผลการประเมินร้อยละ 92.50 ของผู้ตอบ",
             "ผู้แทน ก.พ.ร. และ ก.ค.ศ. เข้าร่วม 117 คน", "ชั้น 5 ห้อง 501 อาคาร 2",
             "ดำเนินการตามข้อ 1.2.65 ของระเบียบ", "ช่วงเวลา 13.00-16.30 น."]

# --- money ------------------------------------------------------------------------------------
UNITS = [("บาท", 1), ("พันบาท", 10**3), ("หมื่นบาท", 10**4), ("แสนบาท", 10**5), ("ล้านบาท", 10**6),
         ("ลบ.", 10**6), ("ล้าน บาท", 10**6), ("พันล้านบาท", 10**9), ("หมื่นล้านบาท", 10**10),
         ("แสนล้านบาท", 10**11), ("ล้านล้านบาท", 10**12)]
ROLE_WORDS = {  # the contract's and the words for each role, in sentences as agencies write them
    "budget": ["งบประมาณ", "ได้รับจัดสรรงบประมาณ", "วงเงิน", "ได้รับอนุมัติงบประมาณ", "งบประมาณที่ได้รับ",
               "ได้รับการจัดสรร", "วงเงินงบประมาณ"],
    "disbursed": ["เบิกจ่ายแล้ว", "ผลการเบิกจ่าย", "ใช้จ่ายไป", "ผลการใช้จ่ายงบประมาณ", "เบิกจ่ายงบประมาณไปแล้ว",
                  "งบประมาณที่ใช้ไป", "ใช้จ่ายงบประมาณ"],
    "planned_disbursement": ["แผนการใช้จ่ายงบประมาณ", "เป้าหมายการเบิกจ่าย", "ประมาณการรายจ่าย",
                             "แผนการเบิกจ่าย", "ประมาณการ"],
    "other": ["คงเหลือ", "งบประมาณคงเหลือ", "ประหยัดงบประมาณได้", "กันเงินไว้เบิกเหลื่อมปี", "เงินเหลือจ่าย"],
}
COLUMN_HEADERS = {
    "budget": ["งบประมาณที่ได้รับ", "ได้รับจัดสรร", "งบประมาณ"],
    "disbursed": ["ผลการเบิกจ่าย", "เบิกจ่าย", "ผล"],
    "planned_disbursement": ["แผน", "แผนการเบิกจ่าย", "เป้าหมายการเบิกจ่าย"],
    "other": ["คงเหลือ", "งบประมาณคงเหลือ"],
}
IN_WORDS = [("ห้าหมื่นบาท", 50000), ("สามล้านสองแสนบาท", 3200000), ("หนึ่งแสนห้าพันบาท", 105000),
            ("สองพันห้าร้อยบาท", 2500)]
NOT_MONEY = ["ผู้เข้าร่วม 240 คน จาก 35 หมู่บ้าน", "คะแนนเฉลี่ย 4.51 คะแนน", "หน่วย : ล้านบาท"]

# --- outcomes ---------------------------------------------------------------------------------
NEGATIONS = ["", "ไม่", "ยังไม่", "มิได้"]
VERBS = [("สำเร็จ", "achieved", ["", "ตาม"]), ("บรรลุ", "achieved", ["", "ตาม"]), ("เป็นไป", "achieved", ["ตาม"]),
         ("ผ่าน", "achieved", ["", "ตาม"]), ("ได้", "achieved", ["ตาม"]), ("ถึง", "achieved", [""]),
         ("เกิน", "achieved", [""]), ("สูงกว่า", "achieved", [""]), ("ต่ำกว่า", "not_achieved", [""]),
         ("มากกว่า", "achieved", [""]), ("เร็วกว่า", "achieved", [""]), ("น้อยกว่า", "not_achieved", [""]),
         ("ล่าช้ากว่า", "not_achieved", [""])]
OBJECTS = ["เป้าหมาย", "เป้า", "ค่าเป้าหมาย", "เกณฑ์", "แผน", "ที่กำหนด"]
FIXED = [("อยู่ระหว่างดำเนินการ", "in_progress"), ("อยู่ระหว่างการดำเนินการ", "in_progress"),
         ("อยู่ระหว่างดำเนินงาน", "in_progress"), ("อยู่ระหว่างการดำเนินงาน", "in_progress"),
         ("กำลังดำเนินการ", "in_progress"), ("กำลังดำเนินงาน", "in_progress"),
         ("ยังไม่ได้ดำเนินการ", "not_started"), ("ยังไม่เริ่มดำเนินการ", "not_started"),
         ("ดำเนินการแล้วเสร็จ", "achieved")]
POSITIONS = ["sentence", "named", "table", "tick"]
RESULT_LABELS = ["ผลการดำเนินงาน : ", "สถานะ : ", "ผลการประเมิน : ", "ผลการดำเนินงาน\n", "สรุปผล "]
TICKS = [("☑", "☐"), ("☒", "☐"), ("■", "□"), ("wingdings", "wingdings"), ("wingdings2", "wingdings2")]
FLIP = {"achieved": "not_achieved", "not_achieved": "achieved"}

NAME_HEADS = ["ร้อยละของ", "จำนวน", "ระดับความสำเร็จของการพัฒนา", "ระดับความพึงพอใจของ", "อัตราการเพิ่มขึ้นของ",
              "ค่าเฉลี่ยคะแนนของ", "สัดส่วนของ", "ระดับความพร้อมของ", "ดัชนีความเข้มแข็งของ", "มูลค่าผลผลิตของ"]
NAME_SUBJECTS = ["ผู้เข้ารับการอบรม", "เกษตรกรรายย่อย", "วิสาหกิจชุมชน", "นักเรียนระดับประถมศึกษา", "ผู้สูงอายุในชุมชน",
                 "ครัวเรือนยากจน", "อาสาสมัครสาธารณสุข", "ผู้ประกอบการท้องถิ่น", "เยาวชนกลุ่มเสี่ยง",
                 "แหล่งน้ำขนาดเล็ก", "ถนนในเขตเทศบาล", "เรื่องร้องเรียน", "บุคลากรของหน่วยงาน", "คนพิการ",
                 "ศูนย์เรียนรู้ชุมชน", "โรงพยาบาลส่งเสริมสุขภาพตำบล", "สหกรณ์การเกษตร", "ห้องสมุดประชาชน"]
NAME_TAILS = ["ที่มีความรู้ความเข้าใจเพิ่มขึ้น", "ที่นำความรู้ไปใช้ประโยชน์", "ในพื้นที่จังหวัดน่าน", "ที่มีรายได้เพิ่มขึ้น",
              "ที่ได้รับการพัฒนาทักษะดิจิทัล", "ที่ได้รับการแก้ไขภายในสามสิบวัน", "ในเขตภาคตะวันออกเฉียงเหนือ",
              "ที่เข้าถึงบริการออนไลน์", "ด้านความปลอดภัยทางถนน", "ที่ได้มาตรฐานสากล", "ในลุ่มน้ำเจ้าพระยา",
              "ที่ใช้พลังงานทดแทน"]


@dataclass
class Report:
    id: str
    lines: list[object] = field(default_factory=list)  # str, Table or Tick
    gold: dict = field(default_factory=dict)


@dataclass
class Table:
    rows: list[list[str]]


@dataclass
class Tick:
    """A line of options with boxes: `label ☑ option ☐ option`; `style` says how boxes are drawn."""
    label: str
    options: list[str]
    ticked: int
    style: tuple[str, str]

    def text(self) -> str:
        marks = ("☑", "☐") if self.style[0].startswith("wingdings") else self.style
        return self.label + " " + " ".join(f"{marks[0] if i == self.ticked else marks[1]} {o}"
                                           for i, o in enumerate(self.options))


def digits(s: str, how: str, rng: random.Random) -> str:
    if how == "thai":
        return s.translate(THAI)
    if how == "mixed":  # the day in one script, the year in the other
        parts = s.split(" ")
        return " ".join(p.translate(THAI) if i % 2 else p for i, p in enumerate(parts))
    return s


def month_name(m: int, spelling: str) -> str:
    abbr = MONTH_ABBR[m - 1]
    first, second = abbr.rstrip(".").split(".")
    return {"full": MONTH_FULL[m - 1], "abbr": abbr, "abbr_nodots": first + second + ".",
            "abbr_lastdot": first + "." + second, "abbr_spaced": first + ". " + second + ".",
            "abbr_firstdot": first + second, "misspelt": MISSPELT.get(m, MONTH_FULL[m - 1])}[spelling]


def year_text(d: dt.date, era: str, short: bool) -> str:
    if era in ("ค.ศ. ", "CE"):
        return ("ค.ศ. " if era == "ค.ศ. " else "") + str(d.year)
    be = d.year + 543
    return era + (f"{be % 100:02d}" if short else str(be))


def day_text(d: dt.date, lead: str) -> str:
    if lead == "weekday":
        return WEEKDAYS[d.weekday()] + " "
    return lead


class DateMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def date(self) -> dt.date:
        return dt.date(2012, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365 * 14))

    def make(self, kind: str, how: str, era: str, lead: str, spelling: str) -> tuple[str, str, dt.date, dt.date]:
        """(text before the date, the date as written, start, end)."""
        r = self.rng
        d = self.date()
        short = r.random() < 0.35 and era not in ("ค.ศ. ", "CE")
        y = year_text(d, era, short)
        mname = month_name(d.month, spelling)
        sep = "" if spelling.startswith("abbr") and r.random() < 0.3 else " "
        if kind == "day":
            return day_text(d, lead), digits(f"{d.day}{sep}{mname}{sep}{y}", how, r), d, d
        if kind == "official":  # วันที่ ๙ เดือนกรกฎาคม พ.ศ. ๒๕๖๖
            era_ = era if era not in ("", "CE") else "พ.ศ. "
            return "วันที่ ", digits(f"{d.day} เดือน{MONTH_FULL[d.month - 1]} {year_text(d, era_, False)}", how, r), d, d
        if kind == "month":
            start, end = d.replace(day=1), _month_end(d)
            word = r.choice(["เดือน", "เดือน ", ""])
            lead_ = r.choice(["", "ภายใน", "ประจำ", "ณ สิ้น"])
            return lead_ + (" " if lead_ and not word else ""), digits(f"{word}{mname} {y}", how, r), start, end
        if kind in ("numeric_slash", "numeric_dash", "numeric_dot"):
            s = {"numeric_slash": "/", "numeric_dash": "-", "numeric_dot": "."}[kind]
            # a dot or dash date is written with a full year, or two-digit day and month, or after วันที่
            pad = (s == "/" and r.random() < 0.5) or s != "/"
            yy = str(d.year + 543) if not short or s != "/" else f"{(d.year + 543) % 100:02d}"
            if era in ("ค.ศ. ", "CE"):
                yy = str(d.year)
            body = f"{d.day:02d}{s}{d.month:02d}{s}{yy}" if pad else f"{d.day}{s}{d.month}{s}{yy}"
            return day_text(d, lead), digits(body, "thai" if how == "thai" else "arabic", r), d, d
        if kind == "iso":
            return "", f"{d.isoformat()}", d, d
        if kind == "range_same_month":
            d = d.replace(day=r.randint(1, 20))
            d2 = d + dt.timedelta(days=r.randint(1, 8))
            conn = r.choice(CONNECTORS)
            return day_text(d, lead), digits(f"{d.day}{conn}{d2.day} {month_name(d2.month, spelling)} "
                                             f"{year_text(d2, era, short)}", how, r), d, d2
        if kind in ("range_days", "range_numeric", "between", "from_until"):
            d2 = d + dt.timedelta(days=r.randint(1, 400))
            conn = {"between": " ถึง ", "from_until": r.choice([" จนถึง ", " จนถึงวันที่ ", " ถึงวันที่ "])}.get(
                kind, r.choice(CONNECTORS))
            if kind == "range_numeric":
                body = f"{d.day}/{d.month}/{d.year + 543}{conn}{d2.day}/{d2.month}/{d2.year + 543}"
                return "", digits(body, "thai" if how == "thai" else "arabic", r), d, d2
            # the first half may leave its year to the second when both are in one year
            y1 = "" if d.year == d2.year and r.random() < 0.5 else " " + year_text(d, era, short)
            body = f"{d.day} {month_name(d.month, spelling)}{y1}{conn}{d2.day} {month_name(d2.month, spelling)} " \
                   f"{year_text(d2, era, short)}"
            lead_ = {"between": "ระหว่างวันที่ ", "from_until": "ตั้งแต่วันที่ "}.get(kind, day_text(d, lead))
            return lead_, digits(body, how, r), d, d2
        if kind in ("range_months", "range_years"):
            start = d.replace(day=1)
            months = r.randint(1, 11) if kind == "range_months" else r.randint(12, 20)
            m2 = start.month - 1 + months
            end = _month_end(dt.date(start.year + m2 // 12, m2 % 12 + 1, 1))
            y1 = "" if start.year == end.year and r.random() < 0.5 else " " + year_text(start, era, short)
            conn = r.choice([" - ", " – ", " ถึง ", " ถึงเดือน "])
            word = r.choice(["เดือน", ""])
            body = f"{word}{month_name(start.month, spelling)}{y1}{conn}" \
                   f"{month_name(end.month, spelling)} {year_text(end, era, short)}"
            lead_ = r.choice(["", "ระหว่าง", "ตั้งแต่"])
            return lead_ + (" " if lead_ and not word else ""), digits(body, how, r), start, end
        raise AssertionError(kind)


def _month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def outcome_phrases() -> list[tuple[str, str]]:
    """Every composed phrase (negation × verb × [ตาม] × object) and every fixed one, with its label."""
    out = []
    for neg, (verb, label, tams), obj in itertools.product(NEGATIONS, VERBS, OBJECTS):
        if neg == "มิได้" and verb == "ได้":
            continue
        for tam in tams:
            out.append((neg + verb + tam + obj, FLIP[label] if neg else label))
    return out + FIXED


def _names(rng: random.Random, count: int) -> list[str]:
    """`count` indicator names, any two differing in at least two of their three parts (head,
    subject, tail), so that no two are alike enough for the scorer's name matching to confuse."""
    triples = list(itertools.product(NAME_HEADS, NAME_SUBJECTS, NAME_TAILS))
    rng.shuffle(triples)
    used: set[tuple[int, str, str]] = set()
    names = []
    for h, s, t in triples:
        keys = {(0, h, s), (1, h, t), (2, s, t)}
        if keys & used:
            continue
        used |= keys
        names.append(h + s + t)
        if len(names) == count:
            return names
    raise RuntimeError("name pool too small")


def _opposite(phrase: str, label: str) -> str:
    if label in ("in_progress", "not_started"):
        return "ดำเนินการแล้วเสร็จ"
    for neg in ("ยังไม่", "มิได้", "ไม่"):
        if phrase.startswith(neg) and not phrase.startswith("ยังไม่ได้ดำเนิน"):
            return phrase[len(neg):]
    return "ไม่" + phrase


def amount_text(rng: random.Random, unit: str, factor: int, how: str, words: bool = True) -> tuple[str, float]:
    """An amount in `unit` as agencies write it: commas, decimals, Thai digits, '.-'."""
    if factor >= 10**9:
        number = round(rng.uniform(1, 900), rng.choice([0, 1, 2, 3]))
    elif factor >= 10**4:
        number = round(rng.uniform(0.1, 900), rng.choice([0, 2, 4])) if factor == 10**6 else rng.randint(1, 99)
    else:
        number = round(rng.uniform(1000, 9_999_999), rng.choice([0, 2]))
    value = round(number * factor, 2)
    if float(number).is_integer():
        written = f"{int(number):,}" if rng.random() < 0.8 else str(int(number))
    else:
        written = f"{number:,.{len(str(number).split('.')[1])}f}"
        if factor > 1 and rng.random() < 0.3:
            written = f"{number:.4f}"  # 0.2330 ล้านบาท: a fixed four decimals, as budget forms print
            value = round(float(written) * factor, 2)
    space = rng.choice([" ", "", " "])
    suffix = ".-" if unit == "บาท" and rng.random() < 0.15 else ""
    text = f"{written}{suffix}{space}{unit}"
    if words and unit == "บาท" and rng.random() < 0.2 and value == int(value) and value < 10**7:
        from pythainlp.util import bahttext
        text += f" ({bahttext(value).replace('ถ้วน', '') + 'ถ้วน'})"
    return (text.translate(THAI) if how == "thai" else text), value


def build(seed: int = SEED, docs: int = DOCS) -> list[Report]:
    rng = random.Random(seed)
    maker = DateMaker(rng)
    reports = [Report(f"variation_{i:02d}") for i in range(docs)]
    for i, rep in enumerate(reports):
        fy = 2560 + i % 8
        q = 1 + i % 4
        start_m = 10 + 3 * (q - 1)
        y0 = fy - 544 + (start_m - 1) // 12
        m0 = (start_m - 1) % 12 + 1
        period = {"start": dt.date(y0, m0, 1).isoformat(), "end": _month_end(dt.date(y0, m0 + 2, 1)).isoformat()}
        rep.gold = {"id": rep.id, "fiscal_year": fy, "period": period,
                    "dates": [], "budgets": [], "indicators": []}
        rep.lines += [f"รายงานผลการดำเนินงาน ไตรมาสที่ {q} ประจำปีงบประมาณ พ.ศ. {fy}",
                      "หน่วยงาน สำนักงานพัฒนาชุมชนจังหวัด", "", "กิจกรรมที่ดำเนินการ"]

    # dates: every kind × digits × era, leads and spellings in turn, spread over the reports
    combos = list(itertools.product(DATE_KINDS, DIGITS, ERAS))
    rng.shuffle(combos)
    for n, (kind, how, era) in enumerate(combos):
        rep = reports[n % docs]
        lead = DAY_LEADS[n % len(DAY_LEADS)]
        spelling = SPELLINGS[(n // len(DAY_LEADS)) % len(SPELLINGS)]
        before, written, start, end = maker.make(kind, how, era, lead, spelling)
        rep.lines.append(f"- {rng.choice(['จัดประชุมคณะทำงาน', 'ลงพื้นที่ติดตามผล', 'จัดอบรมเชิงปฏิบัติการ'])}"
                         f" {before}{written} ณ ที่ว่าการอำเภอ")
        rep.gold["dates"].append({"text": written, "start": start.isoformat(), "end": end.isoformat()})
        if n % 9 == 0:
            rep.lines.append("- " + NOT_DATES[(n // 9) % len(NOT_DATES)])

    # money: every unit × role × digits, in a sentence; then each role as a table column header
    money = list(itertools.product(UNITS, ROLE_WORDS.items(), ["arabic", "thai"]))
    rng.shuffle(money)
    for n, ((unit, factor), (role, words), how) in enumerate(money):
        rep = reports[n % docs]
        text, value = amount_text(rng, unit, factor, how)
        word = words[n % len(words)]
        rep.lines.append(f"- {word}{rng.choice([' ', ' จำนวน ', 'ทั้งสิ้น '])}{text}")
        rep.gold["budgets"].append({"text": text, "amount": value, "role": role})
        if n % 7 == 0:
            rep.lines.append("- " + NOT_MONEY[(n // 7) % len(NOT_MONEY)])
    for n, (words, value) in enumerate(IN_WORDS):
        rep = reports[n % docs]
        rep.lines.append(f"- ได้รับเงินอุดหนุน{words}")
        rep.gold["budgets"].append({"text": words, "amount": value, "role": "budget"})
    for n, rep in enumerate(reports):
        roles = list(COLUMN_HEADERS)
        rng.shuffle(roles)
        header = ["รายการ"] + [COLUMN_HEADERS[r][(n + k) % len(COLUMN_HEADERS[r])] for k, r in enumerate(roles)]
        rows = [header]
        for item in ("ค่าตอบแทน", "ค่าใช้สอย", "ค่าวัสดุ"):
            row = [item]
            for role in roles:
                unit, factor = UNITS[rng.choice([0, 4])]
                text, value = amount_text(rng, unit, factor, rng.choice(["arabic", "thai"]), words=False)
                row.append(text)
                rep.gold["budgets"].append({"text": text, "amount": value, "role": role})
            rows.append(row)
        rep.lines += ["", "ผลการใช้จ่ายงบประมาณ", Table(rows)]

    # outcomes: every phrase in every position
    items = [(p, label, pos) for (p, label), pos in itertools.product(outcome_phrases(), POSITIONS)]
    rng.shuffle(items)
    per_doc: dict[str, list[tuple[str | None, str, str]]] = {r.id: [] for r in reports}
    for n, (phrase, label, pos) in enumerate(items):
        per_doc[reports[n % docs].id].append((label, phrase, pos))
    for n, rep in enumerate(reports):  # and indicators with no outcome stated
        per_doc[rep.id] += [(None, "", POSITIONS[(n + k) % 3]) for k in range(3)]
    for rep in reports:
        names = _names(rng, len(per_doc[rep.id]))
        per_doc[rep.id] = [(name, *entry) for name, entry in zip(names, per_doc[rep.id], strict=True)]
    for rep in reports:
        entries = per_doc[rep.id]
        rep.lines += ["", "ตัวชี้วัด"]
        number = 0
        for name, _, phrase, pos in entries:
            if pos == "sentence":
                number += 1
                rep.lines.append(f"{number}. {name} {phrase}".rstrip())
        for name, label, phrase, pos in entries:
            if pos == "named":
                number += 1
                label_ = RESULT_LABELS[number % len(RESULT_LABELS)]
                rep.lines += [f"ตัวชี้วัดที่ {number} {name}", *f"{label_}{phrase or 'รายงานผลในรอบถัดไป'}".split("\n")]
            elif pos == "tick":
                number += 1
                opp = _opposite(phrase, label) if label else "ไม่เป็นไปตามแผน"
                options = [phrase, opp] if label else ["เป็นไปตามแผน", "ไม่เป็นไปตามแผน"]
                ticked = rng.randrange(2) if label else -1
                if ticked == 1:
                    options.reverse()
                tick_label = RESULT_LABELS[number % 3].rstrip(" :\n")
                rep.lines += [f"ตัวชี้วัดที่ {number} {name}",
                              Tick(tick_label, options, ticked, TICKS[number % len(TICKS)])]
        rows = [["ตัวชี้วัด", "ค่าเป้าหมาย", "ผลการดำเนินงาน", "สถานะ"]]
        for name, _, phrase, pos in entries:
            if pos == "table":
                t = rng.randint(60, 90)
                rows.append([name, f"ร้อยละ {t}", f"ร้อยละ {t + rng.choice([-7, 5, 9])}", phrase or "-"])
        rep.lines += ["", "ตารางสรุปผลตามตัวชี้วัด", Table(rows)]
        rep.gold["indicators"] = [{"name": name, "outcome": label} for name, label, _, _ in entries]
    return reports


# --- writers ----------------------------------------------------------------------------------
def as_text(rep: Report) -> str:
    out = []
    for line in rep.lines:
        if isinstance(line, Table):
            out += [" | ".join(r) + " |" for r in line.rows]
        elif isinstance(line, Tick):
            out.append(line.text())
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def as_html(rep: Report) -> str:
    parts = []
    for line in rep.lines:
        if isinstance(line, Table):
            head, *body = line.rows
            parts.append("<table border=\"1\"><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr>"
                         + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
                         + "</table>")
        elif isinstance(line, Tick):
            parts.append(f"<p>{html.escape(line.text())}</p>")
        elif line:
            parts.append(f"<p>{html.escape(line)}</p>")
    return ("<!DOCTYPE html>\n<html lang=\"th\"><head><meta charset=\"utf-8\"><title>รายงาน</title></head><body>\n"
            "<nav class=\"main-menu\"><a href=\"/\">หน้าแรก</a></nav>\n<main>\n" + "\n".join(parts)
            + "\n</main>\n<footer>สงวนลิขสิทธิ์</footer></body></html>\n")


def write_docx(rep: Report, out: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    for section in doc.sections:  # A4 landscape, as agencies print their wide KPI tables
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.left_margin = section.right_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.size = Pt(14)  # as samples/ (scripts/make_samples.py)
    rpr = style.element.get_or_add_rPr()
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    rpr.insert(0, fonts)
    size = OxmlElement("w:szCs")
    size.set(qn("w:val"), "28")
    rpr.append(size)

    def symbol(par, font: str, char: str) -> None:
        run = par.add_run()
        sym = OxmlElement("w:sym")
        sym.set(qn("w:font"), font)
        sym.set(qn("w:char"), char)
        run._r.append(sym)

    for line in rep.lines:
        if isinstance(line, Table):
            table = doc.add_table(rows=0, cols=len(line.rows[0]))
            table.style = "Table Grid"
            for r in line.rows:
                cells = table.add_row().cells
                for c, v in zip(cells, r, strict=True):
                    c.text = v
            # columns wide enough for their longest cell: the suite measures extraction, not the
            # reading of cells that wrap (a PDF-reader matter, README "Known gaps")
            widths = (Cm(15), Cm(3), Cm(3.5), Cm(5.2)) if line.rows[0][0] == "ตัวชี้วัด" else \
                (Cm(3.2),) + (Cm(5.9),) * (len(line.rows[0]) - 1)
            table.autofit = False
            for col, width in zip(table.columns, widths, strict=True):
                col.width = width
            for row in table.rows:
                for c, width in zip(row.cells, widths, strict=True):
                    c.width = width
            doc.add_paragraph("")  # Word leaves a paragraph after a table
        elif isinstance(line, Tick):
            par = doc.add_paragraph(line.label + " ")
            for i, option in enumerate(line.options):
                ticked = i == line.ticked
                if line.style[0] == "wingdings":
                    symbol(par, "Wingdings", "F0FE" if ticked else "F0A8")
                elif line.style[0] == "wingdings2":
                    symbol(par, "Wingdings 2", "F052" if ticked else "F0A3")
                else:
                    par.add_run(line.style[0] if ticked else line.style[1])
                par.add_run(f" {option} ")
        elif line:
            doc.add_paragraph(line)
    doc.save(out)


def write(reports: list[Report], out: Path, formats: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for rep in reports:
        if "txt" in formats:
            (out / f"{rep.id}.txt").write_text(as_text(rep), "utf-8")
        if "html" in formats:
            (out / f"{rep.id}.html").write_text(as_html(rep), "utf-8")
        if "docx" in formats:
            write_docx(rep, out / f"{rep.id}.docx")
    if "pdf" in formats:
        write_pdfs(reports, out)
    (out / "gold.jsonl").write_text("".join(json.dumps(r.gold, ensure_ascii=False) + "\n" for r in reports), "utf-8")


def text_digest(rep: Report) -> str:
    return hashlib.sha256(as_text(rep).encode()).hexdigest()


def write_pdfs(reports: list[Report], out: Path) -> None:
    """The .docx converted by LibreOffice (as agencies make their PDFs), and a manifest of what each came from."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("PDFs need LibreOffice (soffice); the committed ones are in tests/variations/pdf/")
    with tempfile.TemporaryDirectory() as tmp:
        for rep in reports:
            write_docx(rep, Path(tmp) / f"{rep.id}.docx")
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out),
                        *[str(Path(tmp) / f"{r.id}.docx") for r in reports]],
                       check=True, timeout=600, stdout=subprocess.DEVNULL,
                       env={"HOME": tmp, "PATH": "/usr/bin:/bin"})
    manifest = {r.id: text_digest(r) for r in reports}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--formats", default="txt,docx,html")
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args()
    write(build(a.seed), a.out, a.formats.split(","))


if __name__ == "__main__":
    main()
