"""Run one document through reading and extraction into its contract record.

This is the only place with a broad `except`: whatever goes wrong in one document becomes
that document's `failed` record with a readable error, and the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline import PIPELINE_VERSION
from pipeline.model import Document, Mention, ReadError
from pipeline.readers import READERS, read_document

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _mention_fields(doc: Document, m: Mention) -> dict[str, Any]:
    assert doc.text[m.start:m.end] == m.text, "a mention's text must be its span's text"
    return {"text": m.text, "span": [m.start, m.end], "page": doc.page_of(m.start)}


def build_record(doc: Document, with_text: bool = False) -> dict[str, Any]:
    """Extract every field from a read document and assemble its contract object."""
    from extractors import EXTRACTORS, docfields

    warnings = list(doc.warnings)
    found: dict[str, list[Mention]] = {}
    for module in EXTRACTORS:
        mentions, notes = module.extract(doc)
        found[module.NAME] = mentions
        warnings.extend(notes)
    orgs = [m for m in found["entities"] if m.value["label"] == "ORG"]
    fields = docfields.fields(doc, found["dates"], orgs)

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
    return record


def warnings_make_partial(doc: Document) -> bool:
    """Partial: something in the file was skipped (a page without text, a glyph dropped), or a
    page was read by OCR (pipeline/readers/pdf.py)."""
    return any("not read" in w or "dropped" in w or "by OCR" in w for w in doc.warnings)


def failed_record(path: str, error: str) -> dict[str, Any]:
    try:
        digest = "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        digest = "sha256:" + hashlib.sha256(path.encode()).hexdigest()
    suffix = Path(path).suffix.lower().lstrip(".")
    fmt = {"htm": "html", "text": "txt"}.get(suffix, suffix)
    return {
        "doc_id": digest, "source": path, "format": fmt if fmt in ("pdf", "docx", "html", "txt") else "txt",
        "status": "failed", "error": error, "warnings": [], "pages": None, "title": None, "agency": None,
        "fiscal_year": None, "period": None, "indicators": [], "dates": [], "budgets": [], "entities": [],
        "pipeline_version": PIPELINE_VERSION,
    }


def run_document(path: str | Path, with_text: bool = False) -> dict[str, Any]:
    """One file → its record; never raises for a bad document."""
    path = str(path)
    try:
        doc = read_document(path)
        return build_record(doc, with_text)
    except ReadError as e:
        return failed_record(path, str(e))
    except MemoryError:
        return failed_record(path, "document too large to process in memory")
    except Exception as e:
        return failed_record(path, f"internal error while processing: {type(e).__name__}: {e}")


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
