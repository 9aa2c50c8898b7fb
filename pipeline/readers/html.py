"""Web pages: visible text of the main content, site chrome dropped, table cells apart."""

from __future__ import annotations

import re

from pipeline.model import Block, Cell, Document, ReadError
from pipeline.readers.common import decode_text, finish

_CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside",
                "form", "button", "select", "iframe", "svg", "menu", "title", "head")
_CHROME_HINT = re.compile(r"(^|[-_ ])(nav|navbar|menu|footer|header|breadcrumbs?|sidebar|"
                          r"cookie|share|social|banner|skip|gallery|widget|topbar|lang)([-_ ]|$)", re.I)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "h1",
               "h2", "h3", "h4", "h5", "h6", "br", "blockquote", "pre", "dd", "dt", "dl", "figure",
               "figcaption", "tbody", "thead", "tfoot", "caption", "hr", "address"}


_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class _Out:
    """The text written so far, its length, and the blocks found (spans into the text)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.tables: list[list[Cell]] = []  # cells of the tables being written, innermost last
        self.rows: list[int] = []  # row counter of each open table

    def append(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)


def _html_text(root) -> tuple[str, list[Block]]:
    """Visible text, blocks on their own lines, table cells apart (`cell | cell |`); the blocks
    (headings, paragraphs, list items, tables with their cells) as spans of that text."""
    out = _Out()

    def inline_text(el) -> str:
        sub = _Out()
        walk(el, sub, inner=True)
        return "".join(sub.parts)

    def walk(el, out: _Out, inner: bool = False) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("td", "th") and not inner:
            text = " ".join(inline_text(el).split())
            start = out.pos
            out.append(text)
            if out.tables:
                span = int(el.get("colspan", "1") or 1) if str(el.get("colspan", "1")).isdigit() else 1
                rspan = int(el.get("rowspan", "1") or 1) if str(el.get("rowspan", "1")).isdigit() else 1
                row = out.rows[-1]
                col = sum(1 for c in out.tables[-1] if c.row == row)
                out.tables[-1].append(Cell(start, start + len(text), row, col, rspan, span, tag == "th"))
            out.append(" | ")
            return
        if tag in _BLOCK_TAGS:
            out.append("\n")
        start = out.pos
        if tag == "table":
            out.tables.append([])
            out.rows.append(-1)
        if tag == "tr" and out.tables:
            out.rows[-1] += 1
        if el.text and tag:
            out.append(el.text)
        if tag == "input" and (el.get("type") or "").lower() in ("checkbox", "radio"):
            out.append("☑" if el.get("checked") is not None else "☐")  # a form's tick box, as Word's read
        for child in el:
            if isinstance(child.tag, str) and child.tag in _CHROME_TAGS:
                if child.tail:
                    out.append(child.tail)
                continue
            walk(child, out)
            if child.tail:
                out.append(child.tail)
        if tag == "table":
            cells = out.tables.pop()
            out.rows.pop()
            if cells:
                header = len({c.row for c in cells if c.header})
                out.blocks.append(Block("table", cells[0].start, out.pos, cells=tuple(cells), header_rows=header))
        elif tag in _HEADINGS:
            out.blocks.append(Block("heading", start, out.pos, level=_HEADINGS[tag]))
        elif tag == "li" and not out.tables:
            out.blocks.append(Block("list_item", start, out.pos, level=0, number="•"))
        elif tag == "p" and not out.tables:
            out.blocks.append(Block("paragraph", start, out.pos))
        if tag in _BLOCK_TAGS:
            out.append("\n")

    walk(root, out)
    return "".join(out.parts), sorted(out.blocks, key=lambda b: b.start)


def read_html(path: str, data: bytes) -> Document:
    import lxml.html  # heavy import, only when HTML is read

    text, _ = decode_html(data)
    if not text.strip():
        raise ReadError("HTML file is empty")
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as e:  # lxml raises several types for unparseable markup
        raise ReadError(f"HTML cannot be parsed: {e}") from e
    body = root.find("body")
    if body is None or not "".join(body.itertext()).strip():
        raise ReadError("HTML has no body text (a redirect or script-only page?)")
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        hint = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if el.tag in _CHROME_TAGS or (hint.strip() and _CHROME_HINT.search(hint)) \
                or el.get("role") in ("navigation", "banner", "contentinfo") or el.get("hidden") is not None:
            el.drop_tree()
    main = next((el for el in (body.find(".//main"), body.find(".//article")) if el is not None), body)
    text, blocks = _html_text(main)
    return finish(path, data, "html", text, [], blocks=blocks)


def decode_html(data: bytes) -> tuple[str, str]:
    head = data[:2048].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([\w-]+)", head)
    if m and m.group(1) in ("tis-620", "windows-874", "iso-8859-11", "cp874"):
        return data.decode("cp874", "replace"), "cp874"
    return decode_text(data)
