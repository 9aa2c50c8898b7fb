"""One `read_<fmt>(path, data) -> Document` per format, chosen from `READERS` by suffix.

A new format is one function here and one entry in `READERS`.
Every reader raises `ReadError` (chained from the cause) for input it cannot read.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from pipeline.model import Document, ReadError
from pipeline.thai import normalize_text

MAX_FILE_BYTES = 200 * 1024 * 1024          # a report larger than this is refused, not read
MAX_DOCX_XML_BYTES = 100 * 1024 * 1024      # expanded size of a .docx's parts (zip bombs)
MAX_ZIP_RATIO = 200                         # expanded/compressed beyond this is a bomb

_DATA = Path(__file__).parent / "data"
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


def _finish(path: str, data: bytes, fmt: str, raw_text: str, warnings: list[str],
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


# --- TXT ---------------------------------------------------------------------------------

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
    return _finish(path, data, "txt", text, warnings)


# --- HTML --------------------------------------------------------------------------------

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
    return _finish(path, data, "html", _html_text(main), [])


def decode_html(data: bytes) -> tuple[str, str]:
    head = data[:2048].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([\w-]+)", head)
    if m and m.group(1) in ("tis-620", "windows-874", "iso-8859-11", "cp874"):
        return data.decode("cp874", "replace"), "cp874"
    return decode_text(data)


# --- DOCX --------------------------------------------------------------------------------

def _check_zip(data: bytes) -> None:
    import io

    if not data:
        raise ReadError("DOCX file is empty (0 bytes)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError("not a Word .docx file (not a zip archive); if it is an old .doc, "
                        "save it as .docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            infos = z.infolist()
        except zipfile.BadZipFile as e:
            raise ReadError(f"DOCX archive is damaged: {e}") from e
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_DOCX_XML_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO):
            raise ReadError(f"DOCX expands to {total / 2**20:.0f} MB (limit "
                            f"{MAX_DOCX_XML_BYTES // 2**20} MB): refused as a possible zip bomb")
        if "word/document.xml" not in z.namelist():
            raise ReadError("zip archive without word/document.xml: not a Word document")


def read_docx(path: str, data: bytes) -> Document:
    from pipeline.docx_text import docx_text  # python-docx imported only for DOCX

    _check_zip(data)
    text, warnings = docx_text(data)
    return _finish(path, data, "docx", text, warnings)


# --- PDF ---------------------------------------------------------------------------------

def read_pdf(path: str, data: bytes) -> Document:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from pipeline.pdf import drop_running_lines, page_grids, page_lines, read_glyphs

    if not data:
        raise ReadError("PDF file is empty (0 bytes)")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("not a PDF file (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise ReadError("PDF is encrypted (password required); ask the sender for an "
                            "unprotected copy") from e
        raise ReadError(f"PDF is damaged or truncated and cannot be opened ({msg})") from e
    warnings: list[str] = []
    pages: list[list[str]] = []
    unmapped = recovered = 0
    empty_pages: list[int] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            glyphs, u, r = read_glyphs(raw, textpage.raw)
            unmapped += u
            recovered += r
            lines = page_lines(glyphs, page_grids(page) if glyphs else None)
            if not lines:
                empty_pages.append(i + 1)
            pages.append(lines)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if len(pages) == 0:
        raise ReadError("PDF has no pages")
    pages, dropped = drop_running_lines(pages)
    if empty_pages:
        if len(empty_pages) == len(pages):
            raise ReadError("PDF has no text layer on any page (a scan?); run OCR first")
        warnings.append(f"no text layer on page(s) {', '.join(map(str, empty_pages))} "
                        "(scanned image?): not read")
    if recovered:
        warnings.append(f"{recovered} glyph(s) without a Unicode mapping recovered from the font family")
    if unmapped - recovered:
        warnings.append(f"{unmapped - recovered} glyph(s) without a Unicode mapping dropped")
    if dropped:
        warnings.append(f"{dropped} running header/footer/page-number line(s) left out")
    return _finish(path, data, "pdf", "", warnings, page_texts=["\n".join(p) for p in pages])


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
