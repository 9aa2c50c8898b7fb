"""Web pages: visible text of the main content, site chrome dropped, table cells apart."""

from __future__ import annotations

import re

from pipeline.model import Document, ReadError
from pipeline.readers.common import decode_text, finish

_CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside",
                "form", "button", "select", "iframe", "svg", "menu", "title", "head")
_CHROME_HINT = re.compile(r"(^|[-_ ])(nav|navbar|menu|footer|header|breadcrumbs?|sidebar|"
                          r"cookie|share|social|banner|skip|gallery|widget|topbar|lang)([-_ ]|$)", re.I)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "h1",
               "h2", "h3", "h4", "h5", "h6", "br", "blockquote", "pre", "dd", "dt", "dl", "figure",
               "figcaption", "tbody", "thead", "tfoot", "caption", "hr", "address"}


def _html_text(root) -> str:
    """Visible text, blocks on their own lines, table cells apart (`cell | cell |`)."""
    out: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("td", "th"):
            cell = []
            out_len = len(out)
            if el.text:
                out.append(el.text)
            for child in el:
                walk(child)
                if child.tail:
                    out.append(child.tail)
            cell = "".join(out[out_len:])
            del out[out_len:]
            out.append(" ".join(cell.split()) + " | ")
            return
        if tag in _BLOCK_TAGS:
            out.append("\n")
        if el.text and tag:
            out.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and child.tag in _CHROME_TAGS:
                if child.tail:
                    out.append(child.tail)
                continue
            walk(child)
            if child.tail:
                out.append(child.tail)
        if tag in _BLOCK_TAGS:
            out.append("\n")

    walk(root)
    return "".join(out)


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
    return finish(path, data, "html", _html_text(main), [])


def decode_html(data: bytes) -> tuple[str, str]:
    head = data[:2048].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([\w-]+)", head)
    if m and m.group(1) in ("tis-620", "windows-874", "iso-8859-11", "cp874"):
        return data.decode("cp874", "replace"), "cp874"
    return decode_text(data)
