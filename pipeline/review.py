"""One document's values in context, for a person checking them: `thaireport show FILE_OR_DOC_ID`.

In the terminal: every indicator, outcome, date, budget and entity with its page, the words
around it and its parsed value. With `--html OUT`: one self-contained page (no scripts, no
external files) with the whole normalised text, every value highlighted by kind, its parsed value
on hover (the `title` attribute), page numbers where the format has pages, warnings at the top.

The database keeps values, not texts, so a stored document is shown by reading its source file
again (its `source_path`); a file whose bytes changed since is shown with a note saying so.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.model import Document

# kind → (label in the legend, background colour). The colours are the test's contract too: the
# screenshot test looks for each of them, so they are far apart and none is near white or grey.
KINDS: dict[str, tuple[str, str]] = {
    "indicator": ("indicator", "#9fd3ff"),
    "outcome": ("outcome", "#7ee07e"),
    "date": ("date", "#ffd24d"),
    "budget": ("budget", "#ff8fa3"),
    "entity": ("entity", "#c7a6ff"),
}
ANSI = {"indicator": "44;97", "outcome": "42;30", "date": "43;30", "budget": "41;97", "entity": "45;97"}


@dataclass(frozen=True)
class Highlight:
    kind: str
    start: int
    end: int
    value: str  # the parsed value, in words, for the hover text and the terminal


class NotFound(LookupError):
    """Neither a readable file nor a stored document id."""


def _money(amount: float | int) -> str:
    return f"{amount:,.2f} baht"


def highlights(doc: Document, record: dict[str, Any]) -> tuple[list[Highlight], list[str]]:
    """Every value of the record as a span of doc.text; plus notes on values not located.

    Outcomes carry only their phrase (`outcome_text`), no span: the phrase is looked for after
    its indicator's name and before the next indicator (where reports write it), else anywhere
    after the name."""
    out: list[Highlight] = []
    notes: list[str] = []
    inds = record["indicators"]
    for i, m in enumerate(inds):
        s, e = m["span"]
        parts = [f"indicator {m['number'] or ''}".rstrip(), f"name: {m['name']}"]
        for key in ("outcome", "target", "result"):
            if m.get(key):
                parts.append(f"{key}: {m[key]}")
        out.append(Highlight("indicator", s, e, "; ".join(parts)))
        phrase = m.get("outcome_text")
        if phrase:
            stop = inds[i + 1]["span"][0] if i + 1 < len(inds) and inds[i + 1]["span"][0] > e else len(doc.text)
            at = doc.text.find(phrase, e, max(stop, e + len(phrase)))
            if at < 0:
                at = doc.text.find(phrase, e)
            if at < 0:
                notes.append(f"outcome phrase {phrase!r} of indicator {m['number'] or m['name'][:30]!r} "
                             "not found in the text")
            else:
                out.append(Highlight("outcome", at, at + len(phrase),
                                     f"outcome: {m['outcome']} (indicator {m['number'] or m['name'][:40]})"))
    for m in record["dates"]:
        when = m["start"] if m["start"] == m["end"] else f"{m['start']} – {m['end']}"
        inferred = ", year inferred" if m["year_inferred"] else ""
        out.append(Highlight("date", *m["span"], f"date: {when} ({m['granularity']}{inferred})"))
    for m in record["budgets"]:
        out.append(Highlight("budget", *m["span"], f"{m['role']}: {_money(m['amount'])}"))
    for m in record["entities"]:
        out.append(Highlight("entity", *m["span"], f"entity: {m['label']}"))
    out.sort(key=lambda h: (h.start, -(h.end - h.start)))
    return out, notes


def load(target: str, db: str | None = None) -> tuple[Document, dict[str, Any], list[str]]:
    """(document, record, notes) for a file path, or a stored doc_id (full or a unique prefix of
    its hex digits) whose source file is read again."""
    from pipeline.readers import read_document
    from pipeline.run import build_record

    notes: list[str] = []
    path = Path(target)
    if not path.is_file():
        path = Path(_stored_source(target, db, notes))
    doc = read_document(str(path))
    return doc, build_record(doc, with_text=True), notes


def _stored_source(target: str, db: str | None, notes: list[str]) -> str:
    digits = target.removeprefix("sha256:").lower()
    if len(digits) < 6 or not re.fullmatch(r"[0-9a-f]+", digits):
        raise NotFound(f"{target}: no such file, and not a document id (sha256:… or at least 6 of its hex digits)")
    from sqlalchemy import select

    from pipeline.storage import documents, engine_for

    with engine_for(db).connect() as conn:
        rows = conn.execute(select(documents.c.doc_id, documents.c.source_path)
                            .where(documents.c.doc_id.like(f"sha256:{digits}%")).limit(2)).all()
    if not rows:
        raise NotFound(f"{target}: no such file, and no stored document with that id")
    if len(rows) > 1:
        raise NotFound(f"{target}: more than one stored document starts with that id; give more digits")
    doc_id, source_path = rows[0]
    if not Path(source_path).is_file():
        raise NotFound(f"{doc_id} is stored, but its source {source_path} is gone: the text cannot be shown")
    from pipeline.batch import file_doc_id

    if file_doc_id(source_path) != doc_id:
        notes.append(f"{source_path} has changed since {doc_id[:19]}… was stored: showing the file as it is now")
    return source_path


# --- terminal ----------------------------------------------------------------------------------

def _one_line(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def render_terminal(doc: Document, record: dict[str, Any], marks: list[Highlight], notes: list[str],
                    color: bool = False, context: int = 30) -> str:
    """A header with the document's fields and warnings, then one line per value:
    page, kind, `…words before [value] words after…`, parsed value."""
    period = record.get("period") or {}
    lines = [f"{record['source']}  {record['doc_id']}",
             f"format {record['format']}, status {record['status']}, pages {record['pages'] or '-'}",
             f"title: {record['title'] or '-'}", f"agency: {record['agency'] or '-'}",
             f"fiscal year: {record['fiscal_year'] or '-'}",
             f"period: {period.get('label') or '-'} ({period.get('start') or '?'} – {period.get('end') or '?'})"]
    for w in [*notes, *record["warnings"]]:
        lines.append(f"warning: {w}")
    counts = ", ".join(f"{sum(h.kind == k for h in marks)} {k}" for k in KINDS)
    lines += [counts, ""]
    for h in marks:
        before = _one_line(doc.text[max(0, h.start - context):h.start])
        after = _one_line(doc.text[h.end:h.end + context])
        found = _one_line(doc.text[h.start:h.end])
        shown = f"\x1b[{ANSI[h.kind]}m{found}\x1b[0m" if color else f"[{found}]"
        page = doc.page_of(h.start)
        lines.append(f"p.{page if page else '-':<3} {h.kind:<9} …{before}{shown}{after}…")
        lines.append(f"{'':14}→ {h.value}")
    return "\n".join(lines)


# --- html --------------------------------------------------------------------------------------

_CSS = """
body { font-family: 'Loma', 'Garuda', 'Sarabun', sans-serif; margin: 1.5em auto; max-width: 60em;
       line-height: 1.9; color: #111; background: #fff; }
h1 { font-size: 1.25em; margin: 0 0 .3em; }
table.fields td { padding: 0 1em 0 0; vertical-align: top; }
.warnings { border: 2px solid #c60; background: #fff4e5; padding: .3em 1em; margin: .8em 0; }
.warnings li { margin: .1em 0; }
.legend span { padding: 0 .4em; margin-right: .6em; }
.text { white-space: pre-wrap; border-top: 1px solid #bbb; margin-top: 1em; padding-top: .5em; }
.page { display: block; color: #555; font-size: .85em; border-top: 1px dashed #999; margin: .6em 0 .2em; }
mark { color: inherit; padding: .1em 0; }
mark.k-entity { border-bottom: 2px solid #6a3fc0; }
""" + "".join(f"mark.k-{k}, .legend .k-{k} {{ background: {c}; }}\n" for k, (_, c) in KINDS.items())


def _segments(n: int, marks: list[Highlight], extra_cuts: set[int]) -> list[tuple[int, int, list[Highlight]]]:
    """The text cut at every highlight boundary: (start, end, highlights covering it, outermost
    first). Highlights may nest or cross (an entity inside an indicator's name); each piece of
    text is wrapped in the marks that cover it, so the HTML stays well nested whatever overlaps."""
    cuts = sorted({0, n, *(h.start for h in marks), *(h.end for h in marks), *(c for c in extra_cuts if 0 < c < n)})
    out = []
    by_start = sorted(marks, key=lambda h: h.start)
    active: list[Highlight] = []
    j = 0
    for a, b in itertools.pairwise(cuts):
        while j < len(by_start) and by_start[j].start <= a:
            active.append(by_start[j])
            j += 1
        active = [h for h in active if h.end > a]
        covering = sorted((h for h in active if h.start <= a and h.end >= b), key=lambda h: -(h.end - h.start))
        out.append((a, b, covering))
    return out


def render_html(doc: Document, record: dict[str, Any], marks: list[Highlight], notes: list[str]) -> str:
    esc = html.escape
    period = record.get("period") or {}
    fields = [("source", record["source"]), ("doc_id", record["doc_id"]),
              ("format / status", f"{record['format']} / {record['status']}"),
              ("pages", record["pages"]), ("title", record["title"]), ("agency", record["agency"]),
              ("fiscal year", record["fiscal_year"]),
              ("period", f"{period.get('label') or '-'} ({period.get('start') or '?'} – {period.get('end') or '?'})"),
              ("pipeline version", record["pipeline_version"])]
    warnings = [*notes, *record["warnings"]]
    parts = ["<!DOCTYPE html>", '<html lang="th"><head><meta charset="utf-8">',
             f"<title>thaireport review: {esc(Path(record['source']).name)}</title>",
             f"<style>{_CSS}</style></head><body>",
             f"<h1>{esc(record['title'] or Path(record['source']).name)}</h1>",
             '<table class="fields">',
             *(f"<tr><td>{esc(k)}</td><td>{esc(str(v) if v is not None else '-')}</td></tr>" for k, v in fields),
             "</table>"]
    if warnings:
        parts += [f'<div class="warnings" id="warnings"><b>{len(warnings)} warning(s)</b><ul>',
                  *(f"<li>{esc(w)}</li>" for w in warnings), "</ul></div>"]
    parts.append('<p class="legend">' + "".join(
        f'<span class="k-{k}">{esc(label)}: {sum(h.kind == k for h in marks)}</span>'
        for k, (label, _) in KINDS.items()) + " — hover a highlight for its parsed value</p>")
    parts.append('<div class="text">')
    page_starts = set(doc.page_starts or ())
    text = doc.text
    for a, b, covering in _segments(len(text), marks, page_starts):
        if a in page_starts:
            parts.append(f'<span class="page" id="page-{doc.page_of(a)}">page {doc.page_of(a)}</span>')
        piece = esc(text[a:b])
        for h in reversed(covering):  # innermost first, so the outermost ends up outside
            piece = f'<mark class="k-{h.kind}" title="{esc(h.value)}">{piece}</mark>'
        parts.append(piece)
    parts += ["</div></body></html>"]
    return "".join(parts)
