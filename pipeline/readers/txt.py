"""Plain-text reports: UTF-8, UTF-16 with BOM, TIS-620/Windows-874."""

from __future__ import annotations

from pipeline.model import Block, Cell, Document, ReadError
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
    return finish(path, data, "txt", text, warnings, blocks=pipe_tables(text))


def pipe_tables(text: str) -> list[Block]:
    """Tables a text dump draws with `|` between cells (`a | b |`), consecutive such lines one
    table; nothing else in plain text says where a block is."""
    blocks: list[Block] = []
    cells: list[Cell] = []
    pos = 0
    for line in text.split("\n"):
        if line.count("|") >= 1 and line.rstrip().endswith("|"):
            row = len({c.row for c in cells})
            start = pos
            for col, part in enumerate(line.rstrip()[:-1].split("|")):
                lead = len(part) - len(part.lstrip())
                s = start + lead
                cells.append(Cell(s, max(s, start + len(part.rstrip())), row, col))
                start += len(part) + 1
        elif cells:
            blocks.append(Block("table", cells[0].start, cells[-1].end + 2, cells=tuple(cells)))
            cells = []
        pos += len(line) + 1
    if cells:
        blocks.append(Block("table", cells[0].start, cells[-1].end + 2, cells=tuple(cells)))
    return blocks
