"""What every reader shares: the document id, boilerplate removal, text decoding, `finish`."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pipeline.model import Document, ReadError
from pipeline.thai import normalize_text

_DATA = Path(__file__).parent.parent / "data"
# Site chrome that web pages and their text dumps carry (font-size widgets, language switch...).
_BOILERPLATE = tuple(
    line.strip() for line in (_DATA / "boilerplate_lines.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
_BOILERPLATE_RE = re.compile(
    r"^\s*(?:" + "|".join(re.escape(b) for b in _BOILERPLATE) + r")\s*$", re.M
)

def doc_id_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()

def drop_boilerplate(text: str) -> str:
    """Whole lines that are site chrome ("Loading...", "ขนาดอักษร", "TH EN") are removed."""
    return _BOILERPLATE_RE.sub("", text)

def finish(path: str, data: bytes, fmt: str, raw_text: str, warnings: list[str],
            page_texts: list[str] | None = None) -> Document:
    if page_texts is None:
        text = normalize_text(drop_boilerplate(raw_text))
        starts = None
    else:
        parts, starts_list, pos = [], [], 0
        for page in page_texts:
            norm = normalize_text(drop_boilerplate(page))
            starts_list.append(pos)
            parts.append(norm)
            pos += len(norm) + 2
        text = "\n\n".join(parts)
        starts = tuple(starts_list)
    if not text.strip() and fmt != "pdf":
        raise ReadError(f"{fmt.upper()} file has no text")
    return Document(doc_id=doc_id_of(data), source=path, format=fmt, text=text,
                    page_starts=starts, warnings=tuple(warnings))

def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding). UTF-8 (BOM or not), UTF-16 with BOM, TIS-620/Windows-874."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise ReadError("binary data, not text (NUL bytes and no UTF-16 byte-order mark)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")  # a superset of TIS-620: legacy Thai Windows files
    except UnicodeDecodeError as e:
        raise ReadError("not UTF-8, UTF-16 or Thai TIS-620/Windows-874 text; "
                        "re-save the file as UTF-8") from e
    return text, "cp874"
