"""Word .docx: zip checks against bombs, then the body in order (docx_text)."""

from __future__ import annotations

import zipfile

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
            raise ReadError(f"DOCX archive is damaged: {e}") from e
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_DOCX_XML_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO):
            raise ReadError(f"DOCX expands to {total / 2**20:.0f} MB (limit "
                            f"{MAX_DOCX_XML_BYTES // 2**20} MB): refused as a possible zip bomb")
        if "word/document.xml" not in z.namelist():
            raise ReadError("zip archive without word/document.xml: not a Word document")


def read_docx(path: str, data: bytes) -> Document:
    from pipeline.readers.docx_text import docx_blocks  # python-docx imported only for DOCX

    _check_zip(data)
    text, blocks, warnings = docx_blocks(data)
    return finish(path, data, "docx", text, warnings, blocks=blocks)
