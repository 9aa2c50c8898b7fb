"""Plain-text reports: UTF-8, UTF-16 with BOM, TIS-620/Windows-874."""

from __future__ import annotations

from pipeline.model import Document, ReadError
from pipeline.readers.common import decode_text, finish


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    bad = sum(1 for c in text[:20000] if (c < " " and c not in "\t\n\r\f") or "\x7f" <= c < "\xa0")
    return bad / min(len(text), 20000) < 0.01


def read_txt(path: str, data: bytes) -> Document:
    text, encoding = decode_text(data)
    if not _looks_like_text(text):
        raise ReadError("binary data, not text (control characters throughout); is this the right file?")
    warnings = [f"decoded as {encoding}"] if encoding == "cp874" else []
    return finish(path, data, "txt", text, warnings)
