"""Run one document through reading and extraction into its contract record.

This is the only place with broad `except`s: whatever goes wrong in one document becomes
that document's `failed` record with a readable error, and the batch goes on; a bug in one
extractor only costs that extractor's mentions (a warning says so), never the document.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline import PIPELINE_VERSION
from pipeline.model import Document, Mention, ReadError
from pipeline.readers import MAX_FILE_BYTES, READERS, display_path, open_regular, read_document

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _mention_fields(doc: Document, m: Mention) -> dict[str, Any]:
    assert doc.text[m.start:m.end] == m.text, "a mention's text must be its span's text"
    return {"text": m.text, "span": [m.start, m.end], "page": doc.page_of(m.start)}


def blocks_record(doc: Document) -> list[dict[str, Any]]:
    """The document's blocks for `extract --with-blocks`: kind, span, page, text, and per kind
    level / number / label and value / header rows and cells (row, col, spans, text)."""
    out: list[dict[str, Any]] = []
    for b in doc.blocks:
        item: dict[str, Any] = {"kind": b.kind, "span": [b.start, b.end], "page": doc.page_of(b.start)}
        if b.kind == "table":
            item["header_rows"] = b.header_rows
            item["cells"] = [{"row": c.row, "col": c.col, "row_span": c.row_span, "col_span": c.col_span,
                              "span": [c.start, c.end], "text": doc.text[c.start:c.end]} for c in b.cells]
        else:
            item["text"] = doc.text[b.start:b.end]
        if b.kind in ("heading", "list_item"):
            item["level"] = b.level
        if b.kind == "list_item":
            item["number"] = b.number
        if b.kind == "form_field" and b.label and b.value:
            item["label"] = doc.text[slice(*b.label)]
            item["value"] = doc.text[slice(*b.value)]
            item["value_span"] = list(b.value)
        out.append(item)
    return out


def build_record(doc: Document, with_text: bool = False, with_blocks: bool = False) -> dict[str, Any]:
    """Extract every field from a read document and assemble its contract object."""
    from extractors import EXTRACTORS, docfields

    warnings = list(doc.warnings)
    found: dict[str, list[Mention]] = {}
    for module in EXTRACTORS:
        try:
            mentions, notes = module.extract(doc)
        except Exception as e:  # one extractor's bug costs that field, not the document
            mentions, notes = [], [f"{module.NAME} not extracted: internal error "
                                   f"({type(e).__name__}: {e}); please report it with the file"]
        found[module.NAME] = mentions
        warnings.extend(notes)
    orgs = [m for m in found["entities"] if m.value["label"] == "ORG"]
    try:
        fields = docfields.fields(doc, found["dates"], orgs)
    except Exception as e:  # as above: the mentions are still worth keeping
        fields = {"title": None, "agency": None, "fiscal_year": None, "period": None}
        warnings.append(f"document fields not extracted: internal error {type(e).__name__}: {e}")

    record: dict[str, Any] = {
        "doc_id": doc.doc_id, "source": doc.source, "format": doc.format,
        "status": "partial" if warnings_make_partial(doc) else "ok", "error": None,
        "warnings": warnings, "pages": doc.pages, **fields,
        "indicators": [{**_mention_fields(doc, m), **m.value} for m in found["indicators"]],
        "dates": [{**_mention_fields(doc, m), **m.value} for m in found["dates"]],
        "budgets": [{**_mention_fields(doc, m), "amount": _number(m.value["amount"]), "role": m.value["role"]}
                    for m in found["budgets"]],
        "entities": [{**_mention_fields(doc, m), **m.value} for m in found["entities"]],
        "pipeline_version": PIPELINE_VERSION,
    }
    if doc.pages_quality:
        record["pages_quality"] = list(doc.pages_quality)
    if with_text:
        record["text"] = doc.text
    if with_blocks:
        record["blocks"] = blocks_record(doc)
    return record


def warnings_make_partial(doc: Document) -> bool:
    """Partial: something in the file was skipped (a page without text, a glyph dropped), or a
    page was read by OCR (pipeline/readers/pdf.py)."""
    return any("not read" in w or "dropped" in w or "by OCR" in w for w in doc.warnings)


def _failed_doc_id(path: str) -> str:
    """doc_id of a file that failed: the digest of its bytes when it is a regular file within
    the byte limit (streamed, never more than the limit), else of its name and what it is."""
    try:
        fd, _size = open_regular(path)
    except ReadError as e:
        return "sha256:" + hashlib.sha256(os.fsencode(path) + b"\0" + str(e).encode()).hexdigest()
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "rb", closefd=True) as f:
            left = MAX_FILE_BYTES
            while left > 0 and (chunk := f.read(min(1 << 20, left))):
                h.update(chunk)
                left -= len(chunk)
    except OSError:
        return "sha256:" + hashlib.sha256(os.fsencode(path)).hexdigest()
    return "sha256:" + h.hexdigest()


def failed_record(path: str, error: str) -> dict[str, Any]:
    suffix = Path(path).suffix.lower().lstrip(".")
    fmt = {"htm": "html", "text": "txt"}.get(suffix, suffix)
    return {
        "doc_id": _failed_doc_id(path), "source": display_path(path),
        "format": fmt if fmt in ("pdf", "docx", "html", "txt") else "txt",
        "status": "failed", "error": error, "warnings": [], "pages": None, "title": None, "agency": None,
        "fiscal_year": None, "period": None, "indicators": [], "dates": [], "budgets": [], "entities": [],
        "pipeline_version": PIPELINE_VERSION,
    }


class DocumentTimeout(BaseException):
    """Raised by the alarm when a document is over its time limit. A BaseException, so that no
    `except Exception` on the way (a reader's, an extractor's) swallows it."""


def _explain(e: Exception) -> str:
    """An internal error as something the user can act on, for the errors damaged files cause."""
    name = type(e).__name__
    if name == "PdfiumError":
        return (f"the PDF is damaged ({e}); open it in a PDF viewer and save or print it to a new "
                "PDF, then ingest that")
    if name in ("BadZipFile", "LargeZipFile", "zlib.error") or isinstance(e, zlib.error):
        return f"the file's zip archive is damaged ({e}); open it in Word and save it again"
    return f"internal error while processing: {name}: {e}; please report it with the file"


def run_document(path: str | Path, with_text: bool = False, memory_limit: int = 0,
                 with_blocks: bool = False) -> dict[str, Any]:
    """One file → its record; never raises for a bad document (only DocumentTimeout passes)."""
    path = str(path)
    try:
        doc = read_document(path)
        record = build_record(doc, with_text, with_blocks)
    except ReadError as e:
        return failed_record(path, str(e))
    except MemoryError:
        limit = f" (the worker's memory limit is {memory_limit / 2**30:g} GiB)" if memory_limit else ""
        return failed_record(path, f"document too large to process in memory{limit}: "
                                   "a decompression bomb, or a report to split")
    except RecursionError:
        return failed_record(path, "document nested too deeply to read (e.g. tables in tables)")
    except Exception as e:
        return failed_record(path, _explain(e))
    record["source"] = display_path(path)
    return record


def run_document_limited(path: str, timeout: float, memory_limit: int = 0,
                         with_text: bool = False, with_blocks: bool = False) -> dict[str, Any]:
    """run_document under a deadline (SIGALRM: the main thread of a process only). Python code
    is stopped at the deadline; code stuck in C is the caller's to kill (see pipeline.pool)."""
    import signal

    if timeout <= 0:
        return run_document(path, with_text, memory_limit=memory_limit, with_blocks=with_blocks)

    def alarm(_signum, _frame):
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return run_document(path, with_text, memory_limit=memory_limit, with_blocks=with_blocks)
    except DocumentTimeout:
        return failed_record(path, f"took longer than the per-document time limit ({timeout:g} s, "
                                   "--doc-timeout); the extraction was stopped")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given, and every supported file under a folder (sorted)."""
    out: list[str] = []
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            out.extend(str(f) for f in sorted(pp.rglob("*")) if f.is_file() and f.suffix.lower() in READERS)
        else:
            out.append(p)
    return out
