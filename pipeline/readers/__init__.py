"""One `read_<fmt>(path, data) -> Document` per format, one module each, chosen from `READERS` by suffix.

A new format is one module here and one entry in `READERS`.
Every reader raises `ReadError` (chained from the cause) for input it cannot read.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pipeline.model import Document, ReadError
from pipeline.readers.common import doc_id_of
from pipeline.readers.docx import read_docx
from pipeline.readers.html import read_html
from pipeline.readers.pdf import read_pdf
from pipeline.readers.txt import read_txt

MAX_FILE_BYTES = 200 * 1024 * 1024          # a report larger than this is refused, not read

__all__ = ["MAX_FILE_BYTES", "READERS", "display_path", "doc_id_of", "open_regular", "read_document",
           "read_regular"]

READERS: dict[str, Callable[[str, bytes], Document]] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}


def display_path(path: str | Path) -> str:
    """A path as text that is valid Unicode: a file name that is not valid UTF-8 (read through
    Python's surrogateescape) is shown with its bytes escaped, `x\\xff.txt`."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: str | Path, limit: int = MAX_FILE_BYTES) -> tuple[int, int]:
    """(fd, size) of a regular file no larger than `limit`; `ReadError` naming what it is
    otherwise. Opened non-blocking and checked on the open descriptor (fstat), so a FIFO never
    blocks the open and a file swapped for a device between the check and the read is caught."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ReadError(f"cannot open file: {e.strerror}") from e
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            link = " (a symbolic link to it)" if os.path.islink(path) else ""
            raise ReadError(f"{_kind(st.st_mode)}{link}, not a regular file: only regular files "
                            "are read; move the report itself into the inbox")
        if st.st_size > limit:
            raise ReadError(f"file is {st.st_size / 2**20:.0f} MB; the limit is {limit // 2**20} MB "
                            "(a larger report is refused, not read)")
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def read_regular(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, never more than `limit` (a file that grows while it is
    read is refused, not read on)."""
    fd, size = open_regular(path, limit)
    try:
        with os.fdopen(fd, "rb", buffering=0, closefd=True) as f:
            parts = [f.read(size + 1)]  # one buffer the file's size, not the limit's
            total = len(parts[0])
            while total > size and total <= limit and parts[-1]:  # it grew since fstat
                parts.append(f.read(min(1 << 20, limit + 1 - total)))
                total += len(parts[-1])
        data = b"".join(parts) if len(parts) > 1 else parts[0]
    except OSError as e:
        raise ReadError(f"cannot read file: {e.strerror}") from e
    if len(data) > limit:
        raise ReadError(f"file grew past the {limit // 2**20} MB limit while it was read")
    return data


def _valid_unicode(doc: Document) -> Document:
    """NUL characters removed (PostgreSQL text cannot hold them) and lone UTF-16 surrogates
    replaced by U+FFFD (no encoder accepts them), each with a warning; page starts kept right."""
    text = doc.text
    warnings = list(doc.warnings)
    if "\x00" in text:
        starts = doc.page_starts
        if starts is not None:
            starts = tuple(s - text.count("\x00", 0, s) for s in starts)
        warnings.append(f"{text.count(chr(0))} NUL character(s) removed from the text")
        text = text.replace("\x00", "")
        doc = replace(doc, text=text, page_starts=starts)
    if _SURROGATE.search(text):
        warnings.append(f"{len(_SURROGATE.findall(text))} invalid character(s) (lone UTF-16 "
                        "surrogates) replaced by U+FFFD")
        doc = replace(doc, text=_SURROGATE.sub("\ufffd", text))
    return replace(doc, warnings=tuple(warnings)) if len(warnings) != len(doc.warnings) else doc


_SURROGATE = re.compile("[\ud800-\udfff]")


def read_document(path: str | Path) -> Document:
    """Read one file with the reader for its suffix; `ReadError` for anything unreadable.
    Only a regular file within the byte limit is read (checked before any byte is read)."""
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise ReadError(f"unsupported file type '{p.suffix or '(none)'}'; supported: "
                        + ", ".join(sorted(READERS)))
    data = read_regular(path)
    return _valid_unicode(reader(str(path), data))
