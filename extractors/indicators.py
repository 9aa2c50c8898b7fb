"""Indicators (ตัวชี้วัด): from numbered headings and lists, form fields, table rows and
inline enumerations; with the outcome, target and result the report gives for each.

An indicator is a named measure the report presents as one: under a ตัวชี้วัด heading, in a
list introduced as indicators, in a form's ตัวชี้วัด field, or a numbered item that carries its
own ผลการดำเนินงาน. Outcomes come from `extractors.outcomes` (negation first); with no outcome
phrase, a result written equal to its target is `achieved`.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path

from extractors import outcomes, structured
from pipeline.model import Document, Mention
from pipeline.thai import fold_digits

NAME = "indicators"
VERSION = "1"

_WORDS = json.loads((Path(__file__).parent / "data" / "indicator_words.json").read_text("utf-8"))
HEAD = "(?:" + "|".join(sorted(map(re.escape, _WORDS["heads"]), key=len, reverse=True)) + ")"
_ENDERS = "|".join(map(re.escape, _WORDS["enders"]))
_NOTE_PAREN = re.compile(r"\s*\((?:[^()]*?)(?:" + "|".join(map(re.escape, _WORDS["note_parentheticals"]))
                         + r")[^()]*\)\s*$")
_HEADER_WORDS = _WORDS["table_header_words"]

NUMBER = r"(\d+(?:\.\d+)*)"
# 1.  / 4.1 / 1) / (1) / 1.1.1 at the start of a line
# after ตัวชี้วัดที่ a number may be spaced out by a broken PDF ("๑ . 2" for 1.2)
SPACED_NUMBER = r"(\d+(?:[^\S\n]?\.[^\S\n]?\d+)*)"
NUMBERED_LINE = re.compile(rf"^[^\S\n]*(?:\(?{NUMBER}[.)]?|ตัวชี้วัดที่\s*{SPACED_NUMBER}|ตัวบ่งชี้ที่\s*{SPACED_NUMBER}"
                           rf"|KPI\s*{NUMBER})"
                           r"[^\S\n]*[:.]?[^\S\n]*(?P<rest>[^\n]+)", re.M)
NAMED_NUMBER = re.compile(r"^[^\S\n]*(?:ตัวชี้วัดที่|ตัวบ่งชี้ที่)", re.M)
# the label is followed by a separator or a space: "1.ตัวชี้วัดมีความเชื่อมโยง…" is a sentence about
# indicators, not a field
FORM_FIELD = re.compile(r"^[^\S\n]*(?:[-•][^\S\n]*)?(?:\d+\.\s*)?(?:ตัวชี้วัด|ตัวบ่งชี้|KPI)"
                        r"(?:เชิง(?:ปริมาณ|คุณภาพ|เวลา|ต้นทุน))?(?:\s*/\s*ค่าเป้าหมาย)?"
                        r"(?:[^\S\n]*[|:][^\S\n]*|[^\S\n]+)(?P<rest>[^|\n]+)", re.M)
ENUM_INTRO = re.compile(r"(?:ตัวชี้วัด|ตัวบ่งชี้|KPI)[^\n]{0,40}?(?:ได้แก่|ดังนี้|ประกอบด้วย)\s*:?\s*")
ENUM_ITEM = re.compile(r"(?:^|(?<=\s))(?P<num>\d{1,2})[.)]\s+")
TARGET_RESULT = re.compile(
    r"เป้าหมาย(?:การดำเนินงาน)?\s*(?P<target>\([^)\n]*\)(?:[^\S\n]*[^\s\-|(][^\n\-|]*?)?)\s*-\s*"
    r"ผลการดำเนินงาน\s*(?P<result>\([^)\n]*\)(?:[^\S\n]*[^\s\-|][^\n\-|]*?)?)\s*(?=\||$|\n)", re.M)
# form labels that end a name may be glued to it in broken PDFs ("๒๕๕๖หนวยวัด :"), tone marks lost
_GLUED_ENDERS = "|".join(re.escape(w).replace("่", "่?").replace("้", "้?") for w in _WORDS["glued_enders"])
_NAME_END = re.compile(
    rf"(?:[^\S\n]{{2,}}|\t|\s*\||\s*[*≥≤]|\s+[<>]=?\s*\d|\s+(?:{_ENDERS})|\s*(?:{_GLUED_ENDERS})\s*:"
    rf"|\s+\d+(?:,\d{{3}})*(?:\.\d+)?\s+\d)")


_TRAILING_LABEL = re.compile(r"\s+(?:ผลการดำเนินงาน|ผลการประเมิน|ผลการดำเนินการ|ผล)\s*[:：]?$")
_GROUP_COUNT = re.compile(r"\(\s*\d+(?:\s*-\s*\d+)?\s*(?:ตัวชี้วัด|ตัวบ่งชี้|KPI)\s*\)")
_LABELLED_FIELD = re.compile(rf"^{HEAD}[^\S\n]*[:：]")
_NOT_INDICATORS = tuple(_WORDS["not_indicators"])
_STATUS_BEFORE = re.compile(r"(?:\s|[(:：\-–]|ผลการดำเนินงาน|ผลการประเมิน)$")
# a result label right before the phrase, or before the tick boxes of its options on one line
# (สถานะ : อยู่ระหว่างดำเนินการ, ผลการดำเนินงาน ☐ ไม่บรรลุค่าเป้าหมาย ☑ บรรลุค่าเป้าหมาย)
_LABEL_RIGHT_BEFORE = re.compile("(?:" + "|".join(map(re.escape, _WORDS["result_labels"])) + r")[^\S\n]*[:：]?"
                                 r"[^\S\n]*(?:(?:" + outcomes.BOX.pattern + r")[^\n]*)?$")
_FIELD_LABEL = re.compile(r"^(?:ตัวชี้วัด|ตัวบ่งชี้|KPI)(?:\s*/\s*ค่าเป้าหมาย)?$")


@dataclass
class Candidate:
    start: int
    end: int  # end of the name
    number: str | None
    kind: str  # heading | form | enum | table
    outcome: tuple[int, int, str] | None = None
    target: str | None = None
    result: str | None = None
    number_span: tuple[int, int] | None = None  # where the number is written (Thai digits kept)
    pieces: list[tuple[int, int]] | None = None  # a name wrapped inside its column of a text dump


def _clean_end(text: str, start: int, end: int) -> int:
    """Trim trailing punctuation, a note in brackets and a trailing outcome phrase."""
    name = text[start:end]
    m = _NOTE_PAREN.search(name)
    if m:
        name = name[: m.start()]
    while True:  # "… ผลการดำเนินงาน :" or "… (" left before a trailing outcome phrase
        trimmed = _TRAILING_LABEL.sub("", name.rstrip(" :：-–|.,;(["))
        if trimmed == name:
            break
        name = trimmed
    return start + len(name)


def _cut(text: str, start: int, line_end: int) -> int:
    """Where the name ends on its line; a break inside brackets ("(ดำเนินการร่วมกับ   กรม…)")
    does not count: the bracket is closed first (and dropped later if it is a note)."""
    pos = start
    while True:
        m = _NAME_END.search(text, pos, line_end)
        if not m:
            return line_end
        seg = text[start:m.start()]
        close = text.find(")", m.start(), line_end) if seg.count("(") > seg.count(")") else -1
        if close < 0:
            return m.start()
        pos = close + 1


_COLUMN_GAP = re.compile(r"[^\S\n]{2,}\S")
# an enumerated section heading of a plan (ยุทธศาสตร์ที่ 2, เป้าประสงค์ฯ ที่ 7, กลยุทธ์ที่ 1): a line
# of its own between a table's rows, never the rest of a name above it
_ENUMERATED_HEADING = re.compile(r"[^\s\d]{3,}ฯ?[^\S\n]*ที่[^\S\n]*\d+(?:[^\S\n]|$)")
_SEGMENT = re.compile(r"[^\S\n]*(?P<seg>\S(?:[^\S\n]?\S)*)")


def _wrapped_in_column(folded: str, name_start: int, name_end: int,
                       page_starts: frozenset[int] = frozenset()) -> list[tuple[int, int]] | None:
    """A column-aligned text dump (pdftotext -layout) wraps a long name inside its column:

        15) จำนวนเยาวชนที่เข้า    4,000 คน    5,719 คน
        ร่วมกิจกรรมการเรียนรู้      (สูงกว่าเป้าหมาย)
        เสริมศักยภาพการแข่งขัน

    When the name is cut by a column gap with more columns after it, the first segment of each
    following line is the rest of the name: lines right below it, or after one blank line a line
    that itself goes on in other columns; never a numbered line, a bullet, a number or a new KPI
    name, or an enumerated section heading (เป้าประสงค์ที่ 7: a PDF may show no blank line before
    it). (Indentation is no guide: normalised text has none.) The blank line a PDF's pages are
    joined with is no gap: a name goes on over a page break. Returns the pieces' spans or None."""
    line_end = folded.find("\n", name_end)
    line_end = len(folded) if line_end < 0 else line_end
    if not _COLUMN_GAP.match(folded, name_end, line_end):
        return None
    pieces, pos, blank = [(name_start, name_end)], line_end + 1, False
    while pos < len(folded) and len(pieces) < 5:
        nxt = folded.find("\n", pos)
        nxt = len(folded) if nxt < 0 else nxt
        line = folded[pos:nxt]
        if not line.strip():
            if nxt + 1 in page_starts:
                pos = nxt + 1
                continue
            if blank:
                break
            blank, pos = True, nxt + 1
            continue
        seg = _SEGMENT.match(folded, pos, nxt)
        piece = seg.group("seg") if seg else ""
        if not piece or NUMBERED_LINE.match(line) or piece[0].isdigit() or piece[0] in "-•*–" \
                or _HEAD_START.match(piece) or _ENUMERATED_HEADING.match(piece) \
                or (blank and not _COLUMN_GAP.search(folded, seg.end("seg"), nxt)):
            break
        pieces.append(seg.span("seg"))
        pos, blank = nxt + 1, False
    return pieces if len(pieces) > 1 else None


def _joined(text: str, pieces: list[tuple[int, int]]) -> str:
    """A wrapped name's pieces as one name: Thai runs on without a space, anything else gets one."""
    out = ""
    for s, e in pieces:
        piece = " ".join(text[s:e].split())
        thai = out and "\u0e00" <= out[-1] <= "\u0e7f" and "\u0e00" <= piece[0] <= "\u0e7f"
        out += piece if thai or not out else " " + piece
    return out


def _is_header(name: str) -> bool:
    return sum(w in name for w in _HEADER_WORDS) >= 2


def _numbered(folded: str, phrases: list[tuple[int, int, str]],
              page_starts: frozenset[int] = frozenset()) -> list[Candidate]:
    """Numbered lines that name an indicator; `phrases` are the document's outcome phrases
    (found once, sorted), so each line looks its own up instead of searching again."""
    phrase_starts = [p[0] for p in phrases]
    found = []
    for m in NUMBERED_LINE.finditer(folded):
        rest_start = m.start("rest")
        line_end = m.end("rest")
        named = bool(NAMED_NUMBER.match(folded, m.start()))
        kpi_head = re.match(HEAD, folded[rest_start:line_end]) is not None
        end = _cut(folded, rest_start, line_end)
        # an outcome written at the end of the heading itself is not part of the name
        lo = bisect.bisect_left(phrase_starts, rest_start)
        hi = bisect.bisect_left(phrase_starts, end)
        own = [p for p in phrases[lo:hi] if p[1] <= end]
        outcome = None
        # a status written after the name stands apart from it (a space, a bracket, a label):
        # glued to the name it is the name's own wording (ร้อยละของผลผลิตที่ได้ตามเป้าหมาย)
        if own and own[-1][1] >= end - 2 and (_STATUS_BEFORE.search(folded, rest_start, own[-1][0])
                                              or own[-1][0] == rest_start):
            outcome = own[-1]
            end = own[-1][0]
        end = _clean_end(folded, rest_start, end)
        name = folded[rest_start:end]
        if _GROUP_COUNT.search(folded, rest_start, line_end):
            continue  # "… (3-5 ตัวชี้วัด)": a group of indicators with its weight, not one indicator
        if end - rest_start < 8 or _is_header(name) or _FIELD_LABEL.match(name.strip()) \
                or _LABELLED_FIELD.match(name) or name.startswith(_NOT_INDICATORS):
            # too short, a table header, a form's label ("3. ตัวชี้วัด | …"), a field whose
            # label merely starts like a KPI ("(1) ผลสัมฤทธิ์ : …"), or a known non-indicator
            continue
        group = next(i for i in (1, 2, 3, 4) if m.group(i))
        kind = "named" if named else ("kpi" if kpi_head else "heading")
        c = Candidate(rest_start, end, m.group(group), kind, outcome, number_span=m.span(group))
        wrapped = _wrapped_in_column(folded, rest_start, end, page_starts) if outcome is None else None
        if wrapped:
            c.pieces, c.end = wrapped, wrapped[-1][1]
        found.append(c)
    return found


def _form_fields(folded: str) -> list[Candidate]:
    found = []
    for m in FORM_FIELD.finditer(folded):
        s, line_end = m.start("rest"), m.end("rest")
        end = _clean_end(folded, s, _cut(folded, s, line_end))
        name = folded[s:end]
        column_title = len(name) < 20 and any(p.match(name) for p in (_TARGET_COLUMN, _RESULT_COLUMN, _STATUS_COLUMN))
        if end - s < 8 or _is_header(name) or column_title or name.startswith(("ที่", "และ", "ของ")):
            continue
        found.append(Candidate(s, end, None, "form"))
    return found


def _enumerations(folded: str) -> list[Candidate]:
    found = []
    for intro in ENUM_INTRO.finditer(folded):
        pos, expected = intro.end(), 1
        para_end = folded.find("\n", pos)
        para_end = len(folded) if para_end < 0 else para_end
        items = []
        for m in ENUM_ITEM.finditer(folded, pos, para_end):
            if int(m.group("num")) != expected or (items == [] and m.start() > pos + 3):
                if items:
                    break
                continue
            items.append(m)
            expected += 1
        for i, m in enumerate(items):
            s = m.end()
            limit = items[i + 1].start() if i + 1 < len(items) else para_end
            stop = re.search(r"[\"“”|]|\s(?:องค์ประกอบที่|ทั้งนี้|โดย|ซึ่ง)", folded[s:limit])
            end = s + stop.start() if stop else limit
            end = _clean_end(folded, s, end)
            if end - s >= 8:
                found.append(Candidate(s, end, m.group("num"), "enum", number_span=m.span("num")))
    return found


_KPI_COLUMN = re.compile(r"^(?:ตัวชี้วัด|ตัวบ่งชี้|KPI)(?:\s*/\s*ค่าเป้าหมาย)?$")
_TARGET_COLUMN = re.compile(r"^(?:ค่า)?เป้าหมาย")
_RESULT_COLUMN = re.compile(r"^ผล(?:การดำเนินงาน|งาน|การดำเนินการ)?$")
_STATUS_COLUMN = re.compile(r"^(?:สถานะ|ผลการประเมิน|ผลสำเร็จ)")
_HEAD_START = re.compile(HEAD)


def _cells(line: str, line_start: int) -> list[tuple[int, int]]:
    """(start, end) of each `|`-separated cell of a table row, trimmed."""
    out, pos = [], 0
    for part in line.split("|"):
        lead = len(part) - len(part.lstrip())
        out.append((line_start + pos + lead, line_start + pos + len(part.rstrip())))
        pos += len(part) + 1
    return out[:-1] if line.rstrip().endswith("|") else out


def _tables(folded: str) -> list[Candidate]:
    """Rows of a table whose header row has an indicator column (`ตัวชี้วัด | เป้าหมาย | ผล | สถานะ |`):
    the name from that column, target / result / status from theirs."""
    found: list[Candidate] = []
    lines, pos = [], 0
    for line in folded.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    header: dict[str, int] | None = None
    for start, line in lines:
        if "|" not in line:
            if line.strip():  # a blank line between rows (a web page's <tr>s) keeps the table going
                header = None
            continue
        cells = _cells(line, start)
        texts = [folded[a:b] for a, b in cells]
        kpi = [i for i, t in enumerate(texts) if _KPI_COLUMN.match(t)]
        if kpi:
            header = {"name": kpi[0]}
            for key, pat in (("target", _TARGET_COLUMN), ("result", _RESULT_COLUMN), ("status", _STATUS_COLUMN)):
                col = next((i for i, t in enumerate(texts) if i != kpi[0] and pat.match(t)), None)
                if col is not None:
                    header[key] = col
            continue
        if header is None or header["name"] >= len(cells):
            continue
        a, b = cells[header["name"]]
        b = _clean_end(folded, a, b)
        if b - a < 8 or _is_header(folded[a:b]):
            continue
        c = Candidate(a, b, None, "table")
        for key in ("target", "result"):
            if key in header and header[key] < len(cells):
                ta, tb = cells[header[key]]
                setattr(c, key, folded[ta:tb] or None)
        status_cell = cells[header["status"]] if "status" in header and header["status"] < len(cells) else None
        where = status_cell or (cells[0][0], cells[-1][1])
        phrases = outcomes.find(folded, *where)
        if not phrases and status_cell:  # a status cell saying only แล้วเสร็จ / ดำเนินการแล้ว
            cell = folded[status_cell[0]:status_cell[1]]
            status = outcomes.classify(cell)
            if status:
                at = status_cell[0] + cell.find(status[1])
                phrases = [(at, at + len(status[1]), status[0])]
        c.outcome = phrases[-1] if phrases else None
        found.append(c)
    return found


def _flattened_tables(folded: str) -> list[Candidate]:
    """A table dumped one cell per line under a header line that names an indicator column
    ("… หน่วยงาน ตัวชี้วัด / ค่าเป้าหมาย ผลงานที่เกิดขึ้นจริง"): the first unnumbered line below it
    that reads like a KPI name (ร้อยละ…, ระดับความสำเร็จ…) is the indicator."""
    found = []
    for m in re.finditer(r"^[^\n|]*(?:ตัวชี้วัด|ตัวบ่งชี้)\s*/\s*ค่าเป้าหมาย[^\n|]*$", folded, re.M):
        pos = m.end() + 1
        for _ in range(6):
            end = folded.find("\n", pos)
            end = len(folded) if end < 0 else end
            line = folded[pos:end]
            if _HEAD_START.match(line) and len(line) >= 12:
                b = _clean_end(folded, pos, _cut(folded, pos, end))
                found.append(Candidate(pos, b, None, "table"))
                break
            if NUMBERED_LINE.match(line):
                break
            pos = end + 1
            if pos >= len(folded):
                break
    return found


def _numbers(s: str) -> list[str]:
    return [n.rstrip("0").rstrip(".") for n in re.findall(r"\d+(?:\.\d+)?", s)]


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    text = doc.text
    folded = fold_digits(text)
    mentions_kpi = bool(re.search(r"ตัวชี้วัด|ตัวบ่งชี้|KPI", folded))
    enums = _enumerations(folded)
    forms = _form_fields(folded)
    phrases = outcomes.find(folded)
    numbered = _numbered(folded, phrases, frozenset(doc.page_starts or ()))

    # sections: a numbered heading owns the text down to the next numbered line
    numbered.sort(key=lambda c: c.start)
    accepted: list[Candidate] = []
    for i, c in enumerate(numbered):
        section_end = numbered[i + 1].start if i + 1 < len(numbered) else len(folded)
        # stop the section at the next numbered heading's line start
        line_start_next = folded.rfind("\n", 0, section_end) + 1 if i + 1 < len(numbered) else section_end
        if c.outcome is None:
            # (a name wrapped in its column: its row's other columns run beside its pieces)
            after_name = c.pieces[0][1] if c.pieces else c.end
            inside = [p for p in phrases if after_name <= p[0] < line_start_next and
                      not (c.pieces and any(s <= p[0] < e for s, e in c.pieces))]
            # an outcome under the heading's own result label (ผลการดำเนินงาน : …) or in its row
            same_line_end = folded.find("\n", c.end)  # (for a wrapped name: its row's last line)
            same_line_end = len(folded) if same_line_end < 0 else same_line_end
            for p in inside:
                line_start = folded.rfind("\n", 0, p[0]) + 1
                near = folded[max(0, p[0] - 40):p[0]]
                line_end = folded.find("\n", p[1])
                alone = not folded[line_start:p[0]].strip(" -•:(") and \
                    not folded[p[1]:len(folded) if line_end < 0 else line_end].strip(" .)")
                if p[0] < same_line_end or "ผลการดำเนินงาน" in near or "ผลการประเมิน" in near \
                        or _LABEL_RIGHT_BEFORE.search(folded, max(line_start, p[0] - 160), p[0]) \
                        or (c.kind in ("kpi", "named") and alone):
                    c.outcome = p
                    break
        if c.kind in ("named",) or (c.kind == "kpi" and mentions_kpi) or c.outcome is not None:
            accepted.append(c)

    # enumerations, form fields and table rows take precedence over a numbered line at the same place
    all_c = forms + enums + _tables(folded)
    all_c += [c for c in _flattened_tables(folded) if not any(c.start < o.end and o.start < c.end for o in all_c)]
    for c in accepted:
        if not any(c.start < o.end and o.start < c.end for o in all_c):
            all_c.append(c)
    all_c.sort(key=lambda c: c.start)

    # target / result pairs go to the form's indicator when there is one, else the nearest before
    for tr in TARGET_RESULT.finditer(folded):
        owners = [c for c in all_c if c.kind == "form"] or [c for c in all_c if c.start < tr.start()]
        if not owners:
            continue
        owner = owners[0] if owners[0].kind == "form" else owners[-1]
        owner.target = text[tr.start("target"):tr.end("target")].strip()
        owner.result = text[tr.start("result"):tr.end("result")].strip()

    found = []
    seen_names: set[str] = set()
    for c in all_c:
        name = _joined(text, c.pieces) if c.pieces else " ".join(text[c.start:c.end].split())
        key = re.sub(r"\s", "", name)
        if key in seen_names:
            continue
        seen_names.add(key)
        outcome = outcome_text = None
        if c.outcome:
            outcome, outcome_text = c.outcome[2], text[c.outcome[0]:c.outcome[1]]
        elif c.target and c.result and _numbers(c.target) and _numbers(c.target) == _numbers(c.result):
            outcome = "achieved"
        found.append(Mention(NAME, c.start, c.end, text[c.start:c.end], {
            "number": text[slice(*c.number_span)] if c.number_span else c.number,
            "name": name, "outcome": outcome, "outcome_text": outcome_text,
            "target": c.target, "result": c.result}, f"{NAME}/{VERSION}"))
    return structured.merge(doc, found), []  # KPI tables read from the document's blocks
