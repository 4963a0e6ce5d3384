"""Small documents made in the tests: real PDF, DOCX, ODT and RTF files, and hostile ones."""

from __future__ import annotations

import io
import zipfile

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
RTF = b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Arial;}}\\f0 Sam Carer, care worker.\\par}"
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Sam Carer</w:t></w:r></w:p></w:body></w:document>"
)


def _zip(entries: list[tuple[str, bytes | str]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def docx(extra: list[tuple[str, bytes | str]] = (), content_types: str = CONTENT_TYPES) -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", RELS),
            ("word/document.xml", DOCUMENT),
            *extra,
        ]
    )


def docm() -> bytes:
    macro_types = CONTENT_TYPES.replace(
        "officedocument.wordprocessingml.document.main+xml",
        "ms-word.document.macroEnabled.main+xml",
    )
    return docx(extra=[("word/vbaProject.bin", b"\x00" * 64)], content_types=macro_types)


def docx_bomb() -> bytes:
    """A DOCX whose one extra entry unpacks to 200 MB (it is a few hundred KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", DOCUMENT)
        with archive.open("word/media/huge.bin", "w", force_zip64=True) as entry:
            block = b"\x00" * (1024 * 1024)
            for _ in range(200):
                entry.write(block)
    return buffer.getvalue()


def odt(extra: list[tuple[str, bytes | str]] = ()) -> bytes:
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>'),
            ("content.xml", '<?xml version="1.0"?><office:document-content/>'),
            *extra,
        ],
        stored_first=True,
    )


POLYGLOT = (
    PDF[:9] + b"<html><body><script>alert(document.cookie)</script></body></html>\n" + PDF[9:]
)
HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
