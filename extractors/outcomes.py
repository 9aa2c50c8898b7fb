"""Outcome phrases: achieved / not_achieved / in_progress / not_started, as composition.

A status is written as negation? × verb × object (ไม่ + บรรลุ + เป้า, ยังไม่ + เป็นไปตาม + แผน,
สูงกว่า + ค่าเป้าหมาย): the verb says achieved or not, a negation flips it. Work under way
(อยู่ระหว่างการดำเนินงาน, กำลังดำเนินการ), work not begun (ยังไม่ได้ดำเนินการ) and a negated verb
alone (ไม่บรรลุ) are fixed phrases. All words are data (data/outcomes.json).

Every phrase (each composition spelt out, ~950) is one trie-shaped regex: at any position the
longest reading wins, and a match that starts earlier (at ไม่/ยังไม่) is found before the
achieved phrase inside it; the matched text, without marks and spaces, looks its label up.
Marks inside a phrase are optional and a space or line break between its letters is allowed,
because broken PDFs drop tone marks (สูงกวาเปาหมาย) and wrap lines.

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


def _loose_char(ch: str, first: bool) -> str:
    if is_combining(ch):
        return re.escape(ch) + "?"
    if ch == "ำ":
        return "(?:ำ|ํา|า)"
    return ("" if first else "[ \\n]?") + re.escape(ch)


def _loose(phrase: str) -> str:
    return "".join(_loose_char(ch, i == 0) for i, ch in enumerate(phrase))


def _trie_regex(phrases: list[str]) -> str:
    """One regex for many phrases, shared prefixes written once (a trie), longer continuations
    tried before a phrase ends: the engine does one step per letter instead of one per phrase."""
    trie: dict = {}
    for p in phrases:
        node = trie
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict, depth: int) -> str:
        ends = "" in node
        alts = [_loose_char(ch, depth == 0) + walk(child, depth + 1) for ch, child in node.items() if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return walk(trie, 0)


def _bare(s: str) -> str:
    """A phrase without marks and spaces (ำ as า): how a loosely matched phrase is looked up."""
    return "".join(ch for ch in s if not (ch.isspace() or is_combining(ch))).replace("ำ", "า")


_VERB_LABEL = {v: label for label, templates in DATA["verbs"].items() for t in templates for v in expand(t)}
_OBJECTS = [o for t in DATA["objects"] for o in expand(t)]
LABELS: dict[str, str] = {}  # every phrase, bare, → its label
for _neg in ["", *DATA["negations"]]:
    for _verb, _label in _VERB_LABEL.items():
        for _obj in _OBJECTS:
            _composed = _FLIP[_label] if _neg else _label
            assert LABELS.setdefault(_bare(_neg + _verb + _obj), _composed) == _composed, _neg + _verb + _obj
for _label, _templates in DATA["phrases"].items():
    for _t in _templates:
        for _p in expand(_t):
            assert LABELS.get(_bare(_p), _label) == _label, _p
            LABELS[_bare(_p)] = _label
_ALL = [_neg + v + o for _neg in ["", *DATA["negations"]] for v in _VERB_LABEL for o in _OBJECTS] + \
    [p for ts in DATA["phrases"].values() for t in ts for p in expand(t)]
PATTERN = re.compile(_trie_regex(_ALL))


def label_of(m: re.Match[str]) -> str:
    return LABELS[_bare(m.group())]


# --- tick boxes ---------------------------------------------------------------------------------
def _box_alternation(key: str) -> str:
    return "|".join(re.escape(b) for b in sorted(DATA[key], key=len, reverse=True))


_BOX_KINDS = ("ticked_boxes", "empty_boxes", "filled_boxes")
_BOX_FIRSTS = re.escape("".join(sorted({b[0] for k in _BOX_KINDS for b in DATA[k]})))
BOX = re.compile(f"(?=[{_BOX_FIRSTS}])(?:(?P<ticked>{_box_alternation('ticked_boxes')})"
                 f"|(?P<empty>{_box_alternation('empty_boxes')})|(?P<filled>{_box_alternation('filled_boxes')}))")
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


_LEGEND_GAP = re.compile(r"[^\S\n]*(?:[/,|][^\S\n]*)?")


def _without_legends(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Phrases run together or between slashes (เกินเป้า / บรรลุเป้า / ไม่บรรลุเป้า, or a
    header's สรุปสถานะเกินเป้าบรรลุเป้า…) list the options a form offers; they state nothing."""
    legend: set[int] = set()
    for i in range(len(found) - 1):
        gap = text[found[i][1]:found[i + 1][0]]
        # glued, or a slash / comma / bar between (two phrases a space apart may be two statements)
        if len(gap) < 6 and _LEGEND_GAP.fullmatch(gap) and (gap == "" or gap.strip()):
            legend |= {i, i + 1}
    return [f for i, f in enumerate(found) if i not in legend] if legend else found


RELATIVE = re.compile(r"(?:ที่|ซึ่ง)[^\S\n]?$")


def find(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, label) of every outcome phrase in text[start:end] that the document states
    (an option beside an empty box, when another box is ticked, is not stated)."""
    end = len(text) if end is None else end
    # after ที่ / ซึ่ง a phrase is a relative clause, part of a name (หมู่บ้านที่ผ่านเกณฑ์), not a status
    found = [(m.start(), m.end(), label_of(m)) for m in PATTERN.finditer(text, start, end)
             if not RELATIVE.search(text, max(0, m.start() - 6), m.start())]
    found = _without_legends(text, found)
    dropped, box_phrases = _box_options(text, start, end)
    if not dropped and not box_phrases:
        return found
    kept = [f for f in found if not any(s <= f[0] < e for s, e in dropped)]
    kept += [b for b in box_phrases if not any(f[0] < b[1] and b[0] < f[1] for f in kept)]
    return sorted(kept)


def classify(text: str) -> tuple[str, str] | None:
    """A table cell's status: (label, phrase) of the first outcome it states, or None. A cell
    whose whole text is a status word (แล้วเสร็จ, ดำเนินการแล้ว) states it too."""
    found = find(text)
    if not found:
        word = BOX_PHRASE.fullmatch(text.strip(" .-:|\n"))
        return (_BOX_LABEL[_box_order[int(word.lastgroup[1:])]], word.group()) if word else None
    s, e, label = found[0]
    return label, text[s:e]


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    return [Mention(NAME, s, e, doc.text[s:e], {"outcome": label}, f"{NAME}/{VERSION}")
            for s, e, label in find(doc.text)], []
