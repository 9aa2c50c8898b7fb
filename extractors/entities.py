"""Entities: spaCy entity-ruler patterns (extractors/nlp.py, patterns in data files) over
nlpo3/newmm tokens — no PyThaiNLP NER engine runs offline from the wheel, so rules it is.

ORG: a gazetteer of government units and their abbreviations (`data/orgs.txt`) and token
patterns (สำนักงาน…, กรม…, กระทรวง… and the words after them up to a function word or verb).
LOCATION: the 77 provinces (PyThaiNLP bundles the list) and จังหวัด/อำเภอ/ตำบล patterns.
PERSON: a title (นาย, นาง, นางสาว, น.ส., ดร.) and the first and last name after it.
Only windows that begin at a word an entity can start with go through spaCy: a budget
volume has entities on a few per cent of its tokens.
"""

from __future__ import annotations

from pipeline.model import Document, Mention, filter_spans

NAME = "entities"
VERSION = "2"


WINDOW = 12  # tokens: the longest pattern (title, first name in 5, last name in 5) fits


def extract(doc: Document) -> tuple[list[Mention], list[str]]:
    from extractors.nlp import nlp, trigger_pattern
    from pipeline.tokenize import tokens

    text = doc.text
    trigger = trigger_pattern()
    # only the lines with a trigger word are tokenised, in one nlpo3 call (a call costs ~0.1 ms
    # whatever its length; a line end is always a token boundary, so lines segment alone)
    line_starts: list[int] = []
    picked: list[str] = []
    pos = 0
    for line in text.split("\n"):
        if trigger.search(line):
            line_starts.append(pos)
            picked.append(line)
        pos += len(line) + 1
    if not picked:
        return [], []
    joined = "\n".join(picked)
    to_doc: list[int] = []  # offset in `joined` → offset in doc.text, per picked line
    for start, line in zip(line_starts, picked, strict=True):
        to_doc.extend(range(start, start + len(line) + 1))
    segs = tokens(joined)
    starts: list[int] = []
    pos = 0
    for tok in segs:
        starts.append(pos)
        pos += len(tok)
    index_of = {start: i for i, start in enumerate(starts)}
    # every pattern begins with a literal word, so the spaCy pass only needs the tokens from
    # each trigger word on, up to WINDOW tokens and never past a line end
    windows: list[tuple[int, int]] = []
    for m in trigger.finditer(joined):
        i = index_of.get(m.start())
        if i is None:
            continue  # the word starts inside another token: not a word of its own
        end = i + 1
        while end < len(segs) and end < i + WINDOW and "\n" not in segs[end]:
            end += 1
        if windows and i <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((i, end))
    pipeline = nlp()
    ruler = pipeline.get_pipe("entity_ruler")
    found: list[Mention] = []
    for i, end in windows:
        parsed = ruler(pipeline.tokenizer.from_tokens(segs[i:end]))
        for ent in parsed.ents:
            s = to_doc[starts[i] + ent.start_char]
            e = s + (ent.end_char - ent.start_char)  # an entity never spans a line end
            found.append(Mention(NAME, s, e, text[s:e], {"label": ent.label_}, f"{NAME}/{VERSION}"))
    return filter_spans(found), []
