"""Entities by rule and gazetteer (no PyThaiNLP NER engine runs offline from the wheel).

ORG: a gazetteer of government units and their abbreviations (`data/orgs.txt`) plus
patterns (สำนักงาน…, กรม…, กระทรวง…). LOCATION: the 77 provinces (PyThaiNLP bundles the list),
จังหวัด/อำเภอ/ตำบล patterns. PERSON: a title (นาย, นาง, นางสาว, น.ส., ดร.) and the name after it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pipeline.model import Document, Mention, filter_spans

NAME = "entities"
VERSION = "1"

_THAI_WORD = r"[\u0e01-\u0e4e]+"
ORG_PATTERN = re.compile(
    r"(?:สำนักงาน|กระทรวง|กรม|สำนัก|กอง|ศูนย์|สถาบัน|มหาวิทยาลัย|องค์การ|คณะกรรมการ|การไฟฟ้า|การประปา|ธนาคาร)"
    r"[\u0e01-\u0e4e]{2,60}(?:\s?(?:จังหวัด|ภาคที่\s?\d+)[\u0e01-\u0e4e]*)?")
PERSON_PATTERN = re.compile(
    r"(?:นางสาว|นาง|นาย|น\.ส\.|ดร\.|ผศ\.|รศ\.|ศ\.)\s?(?P<first>[\u0e01-\u0e4e]{2,20})\s(?P<last>[\u0e01-\u0e4e]{2,25})")
NOT_PERSON = re.compile(r"^(?:นาย(?:ก|อำเภอ|ทะเบียน|ช่าง|ตรวจ|สัตวแพทย์|แพทย์|ดาบ|ร้อย|พัน|พล|ประกัน|หน้า|จ้าง))")
LOCATION_PATTERN = re.compile(r"(?:จังหวัด|อำเภอ|ตำบล|อ\.|ต\.|จ\.)\s?(?P<place>[\u0e01-\u0e4e]{2,30})")


@functools.lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    from pythainlp.corpus import provinces as bundled  # offline: the list ships in the wheel

    names = set()
    for p in bundled(details=True):
        names.add(p["name_th"])
    return tuple(sorted(names, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _gazetteer() -> re.Pattern[str]:
    names = [ln.strip() for ln in (Path(__file__).parent / "data" / "orgs.txt").read_text("utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


@functools.lru_cache(maxsize=1)
def _province_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, provinces())))


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    text = doc.text
    found: list[Mention] = []

    def add(s: int, e: int, label: str) -> None:
        found.append(Mention(NAME, s, e, text[s:e], {"label": label}, f"{NAME}/{VERSION}"))

    for m in _gazetteer().finditer(text):
        add(m.start(), m.end(), "ORG")
    for m in ORG_PATTERN.finditer(text):
        add(m.start(), m.end(), "ORG")
    for m in PERSON_PATTERN.finditer(text):
        if not NOT_PERSON.match(m.group()):
            add(m.start(), m.end(), "PERSON")
    for m in LOCATION_PATTERN.finditer(text):
        add(m.start(), m.end(), "LOCATION")
    for m in _province_pattern().finditer(text):
        add(m.start(), m.end(), "LOCATION")
    return filter_spans(found), []
