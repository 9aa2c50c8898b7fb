"""Word .docx: zip checks against bombs, then the body in order (docx_text)."""

from __future__ import annotations

import zipfile
import zlib

from pipeline.model import Document, ReadError
from pipeline.readers.common import finish

MAX_DOCX_XML_BYTES = 100 * 1024 * 1024      # expanded size of a .docx's parts (zip bombs)
MAX_ZIP_RATIO = 200                         # expanded/compressed beyond this is a bomb


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
            raise ReadError(f"DOCX archive is damaged ({e}); open it in Word and save it again") from e
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_DOCX_XML_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO):
            raise ReadError(f"DOCX expands to {total / 2**20:.0f} MB (limit "
                            f"{MAX_DOCX_XML_BYTES // 2**20} MB): refused as a possible zip bomb")
        if "word/document.xml" not in z.namelist():
            raise ReadError("zip archive without word/document.xml: not a Word document")
        _count_inflated(z, infos)


def _count_inflated(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every member, counting the bytes as they come out: a member's header can lie
    about its size (zipfile stops at the end of the compressed data, not at the declared size,
    and checks the CRC only at the end), so the headers' sum above is not enough."""
    total = 0
    for info in infos:
        try:
            with z.open(info) as member:
                while chunk := member.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_DOCX_XML_BYTES:
                        raise ReadError(f"DOCX expands to more than {MAX_DOCX_XML_BYTES // 2**20} MB "
                                        f"(inflating {info.filename}; the zip headers said "
                                        f"{sum(i.file_size for i in infos) / 2**20:.1f} MB): refused as "
                                        "a zip bomb")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
            raise ReadError(f"DOCX archive is damaged ({info.filename}: {e}); open it in Word and save "
                            "it again") from e


def read_docx(path: str, data: bytes) -> Document:
    from pipeline.readers.docx_text import docx_blocks  # python-docx imported only for DOCX

    _check_zip(data)
    try:
        text, blocks, warnings = docx_blocks(data)
    except ValueError as e:
        if "invalid literal for int()" not in str(e) and "integer string conversion" not in str(e):
            raise
        # w:start, w:ilvl, w:startOverride... hold a value that is not a number
        raise ReadError(f"a bad number in the document's list numbering ({e}); open it in Word, "
                        "re-apply the list numbering and save it again") from e
    return finish(path, data, "docx", text, warnings, blocks=blocks)
