"""One `read_<fmt>(path, data) -> Document` per format, one module each, chosen from `READERS` by suffix.

A new format is one module here and one entry in `READERS`.
Every reader raises `ReadError` (chained from the cause) for input it cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.model import Document, ReadError
from pipeline.readers.common import doc_id_of
from pipeline.readers.docx import read_docx
from pipeline.readers.html import read_html
from pipeline.readers.pdf import read_pdf
from pipeline.readers.txt import read_txt

MAX_FILE_BYTES = 200 * 1024 * 1024          # a report larger than this is refused, not read

__all__ = ["MAX_FILE_BYTES", "READERS", "doc_id_of", "read_document"]

READERS: dict[str, Callable[[str, bytes], Document]] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}


def read_document(path: str | Path) -> Document:
    """Read one file with the reader for its suffix; `ReadError` for anything unreadable."""
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise ReadError(f"unsupported file type '{p.suffix or '(none)'}'; supported: "
                        + ", ".join(sorted(READERS)))
    try:
        size = p.stat().st_size
    except OSError as e:
        raise ReadError(f"cannot open file: {e.strerror}") from e
    if size > MAX_FILE_BYTES:
        raise ReadError(f"file is {size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(f"cannot read file: {e.strerror}") from e
    return reader(str(path), data)
