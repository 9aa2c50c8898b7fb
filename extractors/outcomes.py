"""Outcome phrases: achieved / not_achieved / in_progress / not_started, as composition.

A status is written as negation? × verb × object (ไม่ + บรรลุ + เป้า, ยังไม่ + เป็นไปตาม + แผน,
สูงกว่า + ค่าเป้าหมาย): the verb says achieved or not, a negation flips it. Work under way
(อยู่ระหว่างการดำเนินงาน, กำลังดำเนินการ), work not begun (ยังไม่ได้ดำเนินการ) and a negated verb
alone (ไม่บรรลุ) are fixed phrases. All words are data (data/outcomes.json).

One alternation, composed phrases first, then fixed ones longest first: at any position the
longest reading wins, and a match that starts earlier (at ไม่/ยังไม่) is found before the
achieved phrase inside it. Marks inside a phrase are optional and a space or line break between
its letters is allowed, because broken PDFs drop tone marks (สูงกวาเปาหมาย) and wrap lines.

Tick boxes: where options are printed with boxes (☑ เป็นไปตามแผน ☐ ไม่เป็นไปตามแผน), the phrase of
an option whose box is empty is not the document's statement and is dropped; a ticked option's
words count (also a bare แล้วเสร็จ). With no box ticked the boxes decide nothing.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from pipeline.model import Document, Mention
from pipeline.thai import is_combining

NAME = "outcomes"
VERSION = "2"

DATA = json.loads((Path(__file__).parent / "data" / "outcomes.json").read_text("utf-8"))
_FLIP = {"achieved": "not_achieved", "not_achieved": "achieved"}


def expand(template: str) -> list[str]:
    """'อยู่ระหว่าง[การ]ดำเนิน(การ|งาน)' → its four spellings: [x] optional, (a|b) a choice."""
    parts = re.split(r"(\[[^\]]*\]|\([^)]*\))", template)
    choices = []
    for p in parts:
        if p.startswith("["):
            choices.append(["", p[1:-1]])
        elif p.startswith("("):
            choices.append(p[1:-1].split("|"))
        elif p:
            choices.append([p])
    return ["".join(c) for c in itertools.product(*choices)]


def _loose(phrase: str) -> str:
    out = []
    for ch in phrase:
        if is_combining(ch):
            out.append(re.escape(ch) + "?")
        elif ch == "ำ":
            out.append("(?:ำ|ํา|า)")
        else:
            out.append(("[ \\n]?" if out else "") + re.escape(ch))
    return "".join(out)


def _alternation(phrases: list[str]) -> str:
    return "|".join(_loose(p) for p in sorted(set(phrases), key=len, reverse=True))


_VERB_LABEL = {v: label for label, templates in DATA["verbs"].items() for t in templates for v in expand(t)}
_FIXED = {p: label for label, templates in DATA["phrases"].items() for t in templates for p in expand(t)}
_FIXED_ORDER = sorted(_FIXED, key=len, reverse=True)
_OBJECTS = [o for t in DATA["objects"] for o in expand(t)]
_FIRSTS = {p[0] for p in list(_FIXED) + list(_VERB_LABEL) + DATA["negations"]}
PATTERN = re.compile(
    f"(?=[{re.escape(''.join(sorted(_FIRSTS)))}])(?:"
    f"(?:(?P<neg>{_alternation(DATA['negations'])})[ \\n]?)?(?P<verb>{_alternation(list(_VERB_LABEL))})"
    f"[ \\n]?(?:{_alternation(_OBJECTS)})|"
    + "|".join(f"(?P<p{i}>{_loose(p)})" for i, p in enumerate(_FIXED_ORDER)) + ")")


def _bare(s: str) -> str:
    """What a loosely matched phrase is as written in the data: marks and spaces restored by lookup."""
    return "".join(ch for ch in s if not (ch.isspace() or is_combining(ch))).replace("ํา", "า").replace("ำ", "า")


_VERB_BY_BARE = {_bare(v): label for v, label in _VERB_LABEL.items()}


def label_of(m: re.Match[str]) -> str:
    if m.group("verb") is not None:
        label = _VERB_BY_BARE[_bare(m.group("verb"))]
        return _FLIP[label] if m.group("neg") else label
    return _FIXED[_FIXED_ORDER[int(m.lastgroup[1:])]]


# --- tick boxes ---------------------------------------------------------------------------------
def _box_alternation(key: str) -> str:
    return "|".join(re.escape(b) for b in sorted(DATA[key], key=len, reverse=True))


BOX = re.compile(f"(?P<ticked>{_box_alternation('ticked_boxes')})|(?P<empty>{_box_alternation('empty_boxes')})"
                 f"|(?P<filled>{_box_alternation('filled_boxes')})")
_BOX_LABEL = {p: label for label, ts in DATA["box_phrases"].items() for t in ts for p in expand(t)}
_box_order = sorted(_BOX_LABEL, key=len, reverse=True)
BOX_PHRASE = re.compile("|".join(f"(?P<b{i}>{_loose(p)})" for i, p in enumerate(_box_order)))


def _box_options(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """(spans of options whose box is empty, box phrases of ticked options) among the boxes in
    text[start:end]. An option runs from its box to the next box or the end of its line; boxes
    separated only by white space form one group, and a group decides only if one of its boxes
    is ticked."""
    boxes = list(BOX.finditer(text, start, end))
    if not boxes:
        return [], []
    options = []
    for i, b in enumerate(boxes):
        line_end = text.find("\n", b.end(), end)
        stop = min(boxes[i + 1].start() if i + 1 < len(boxes) else end, end if line_end < 0 else line_end)
        options.append((b, b.end(), stop))
    groups: list[list[tuple[re.Match[str], int, int]]] = [[options[0]]]
    for prev, cur in itertools.pairwise(options):
        if text[prev[2]:cur[0].start()].strip():
            groups.append([cur])
        else:
            groups[-1].append(cur)
    dropped, box_phrases = [], []
    for group in groups:
        has_empty = any(b.group("empty") for b, _, _ in group)
        ticked = [o for o in group if o[0].group("ticked") or (o[0].group("filled") and has_empty)]
        if not ticked:
            continue
        dropped += [(s, e) for o in group if o not in ticked for _, s, e in [o]]
        for _, s, e in ticked:
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            m = BOX_PHRASE.match(text, s + lead, e)
            if m:
                box_phrases.append((m.start(), m.end(), _BOX_LABEL[_box_order[int(m.lastgroup[1:])]]))
    return dropped, box_phrases


def find(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, label) of every outcome phrase in text[start:end] that the document states
    (an option beside an empty box, when another box is ticked, is not stated)."""
    end = len(text) if end is None else end
    found = [(m.start(), m.end(), label_of(m)) for m in PATTERN.finditer(text, start, end)]
    dropped, box_phrases = _box_options(text, start, end)
    if not dropped and not box_phrases:
        return found
    kept = [f for f in found if not any(s <= f[0] < e for s, e in dropped)]
    kept += [b for b in box_phrases if not any(f[0] < b[1] and b[0] < f[1] for f in kept)]
    return sorted(kept)


def classify(text: str) -> tuple[str, str] | None:
    """A table cell's status: (label, phrase) of the first outcome it states, or None."""
    found = find(text)
    if not found:
        return None
    s, e, label = found[0]
    return label, text[s:e]


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    return [Mention(NAME, s, e, doc.text[s:e], {"outcome": label}, f"{NAME}/{VERSION}")
            for s, e, label in find(doc.text)], []
