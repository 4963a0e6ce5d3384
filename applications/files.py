"""Candidates' files: the type decided by the bytes, the size capped as it arrives, the name
made safe, and a scan step that a deployment plugs its scanner into.

- **Type.** libmagic (``python-magic`` over Debian's ``libmagic1``) names the family from
  the content, never from the name or the declared type; then each family is checked by its
  structure: a PDF starts with ``%PDF-`` and carries no script or HTML where a browser would
  sniff it; a DOCX is a zip holding ``[Content_Types].xml`` and ``word/document.xml`` and no
  macros (a ``.docm`` is refused); an ODT's first entry ``mimetype`` says so and it holds no
  ``Basic/`` macros; an RTF starts with ``{\\rtf`` and embeds no objects. A zip whose entries
  would unpack past ``ZIP_MAX_UNPACKED`` (or squeeze more than ``ZIP_MAX_RATIO`` to one) is a
  bomb and refused without unpacking it.
- **Size.** ``capped_upload`` refuses a body whose ``Content-Length`` is past the cap before
  anything is read, and ``CappedUploadHandler`` stops a file (sent without a length, say) at
  ``CV_MAX_BYTES`` as it streams in; ``check_cv`` reads at most one byte past the cap.
- **Serving.** ``serve_private_file`` is the one way out: an attachment, never sniffed, under
  a policy that allows nothing (the caller has decided who may read it).
- **Scan.** ``settings.APPLICATIONS_CV_SCANNER`` names a callable ``scanner(data, *, name)``
  returning a ``Scan``; the default ``no_scan`` records "not scanned". A refusal is shown to
  the candidate and the file is never stored.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import wraps
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.module_loading import import_string

from applications.models import CV_MAX_BYTES

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
RTF = "application/rtf"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt", RTF: ".rtf"}
TYPE_NAMES = {PDF: "PDF", DOCX: "Word document", ODT: "OpenDocument text", RTF: "Rich text"}

STRICT_CSP = "default-src 'none'; sandbox"
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNPACKED = 50 * 1024 * 1024
ZIP_MAX_RATIO = 100
# The form's own fields beside the file (the statement is at most 10,000 characters).
FORM_ALLOWANCE = 256 * 1024

WRONG_TYPE = "Upload your CV as a PDF, Word (DOCX), OpenDocument (ODT) or RTF file."
TOO_LARGE = "The file is larger than 5 MB. Save a smaller version (a PDF is usually smallest)."
EMPTY = "The file is empty. Choose your CV again."
MACROS = "Documents with macros (such as .docm) are not accepted. Save it as a .docx or PDF."
ACTIVE = "The file contains scripts or embedded objects. Save it again as a plain PDF or .docx."
DAMAGED = "The file seems damaged. Save it again and upload the new copy."
INFECTED = "The file did not pass our virus check, so it was not kept."

# What a browser sniffing the first bytes would take for HTML: a real document never has it.
HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|img|object|embed|meta|style)",
    re.IGNORECASE,
)
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
RTF_ACTIVE = re.compile(rb"\\(?:object|objdata|objemb|objlink)\b")


@dataclass(frozen=True)
class Scan:
    """What a scanner said: ``status`` is "clean", "not scanned" or "infected"."""

    status: str
    detail: str = ""

    @property
    def infected(self) -> bool:
        return self.status == "infected"


def no_scan(data: bytes, *, name: str) -> Scan:
    """The default scan step: nothing is installed to scan with, and that is recorded."""
    return Scan("not scanned")


@dataclass(frozen=True)
class CheckedFile:
    """A CV that passed every check: its bytes, safe name, type and what the scan said."""

    content: bytes
    name: str
    content_type: str
    scan: str

    @property
    def size(self) -> int:
        return len(self.content)


# --- Reading no more than the cap -------------------------------------------------------------


class CappedUploadHandler(FileUploadHandler):
    """Stops any uploaded file at ``limit`` bytes as it streams in; the view says it was too big.

    Put first in ``request.upload_handlers`` before the body is read (``capped_upload``).
    """

    def __init__(self, request=None, limit: int = CV_MAX_BYTES):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def body_too_large(request, limit: int = CV_MAX_BYTES) -> bool:
    """True when the declared body is past the file cap and the form's own fields."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit + FORM_ALLOWANCE


def capped_upload(view):
    """Refuse an oversized body before reading it, and cap every file as it arrives.

    The handlers must be in place before anything reads ``request.POST``, so the wrapped view
    is CSRF-checked here, after they are (Django's documented pattern for upload handlers).
    """
    from django.views.decorators.csrf import csrf_exempt, csrf_protect

    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            if body_too_large(request):
                return render(
                    request, "applications/too_large.html", {"message": TOO_LARGE}, status=413
                )
            request.upload_handlers.insert(0, CappedUploadHandler(request))
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def read_capped(upload, limit: int = CV_MAX_BYTES) -> bytes:
    """The upload's bytes, refusing (without reading on) one past ``limit``."""
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise ValidationError(TOO_LARGE, code="too_large")
        chunks.append(chunk)
    return b"".join(chunks)


# --- The name ---------------------------------------------------------------------------------


def sanitise_name(name: str, content_type: str) -> str:
    """A name safe to show and to put in a header: ASCII letters, digits, ``-`` and ``_``, the
    extension the content deserves, at most 100 characters; never a path."""
    stem = PurePath((name or "").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem)
    stem = re.sub(r"[_-]{2,}", "-", stem).strip("-_")[:90] or "cv"
    return f"{stem}{EXTENSIONS[content_type]}"


# --- The type -------------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    if HTML_MARKERS.search(data[:4096]) or PDF_ACTIVE.search(data):
        raise ValidationError(ACTIVE, code="active")


def _check_rtf(data: bytes) -> None:
    if not data.startswith(b"{\\rtf"):
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    if RTF_ACTIVE.search(data) or HTML_MARKERS.search(data[:4096]):
        raise ValidationError(ACTIVE, code="active")


def _read_entry(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    with archive.open(name) as entry:
        return entry.read(limit)


def _zip_type(data: bytes) -> str:
    """DOCX or ODT, told apart by their insides; a bomb, a macro or anything else refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(DAMAGED, code="damaged") from exc
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ValidationError(DAMAGED, code="bomb")
    unpacked = 0
    for entry in entries:
        unpacked += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if unpacked > ZIP_MAX_UNPACKED or (entry.file_size > 1024 * 1024 and ratio > ZIP_MAX_RATIO):
            raise ValidationError(DAMAGED, code="bomb")
    names = {entry.filename for entry in entries}
    lowered = {name.lower() for name in names}
    try:
        if "mimetype" in names:
            if _read_entry(archive, "mimetype", 100).strip() != ODT.encode():
                raise ValidationError(WRONG_TYPE, code="wrong_type")
            if any(name.startswith(("basic/", "scripts/")) for name in lowered):
                raise ValidationError(MACROS, code="macros")
            if "content.xml" not in names:
                raise ValidationError(DAMAGED, code="damaged")
            return ODT
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            types = _read_entry(archive, "[Content_Types].xml")
            if b"macroEnabled" in types or any(n.endswith("vbaproject.bin") for n in lowered):
                raise ValidationError(MACROS, code="macros")
            if b"wordprocessingml.document.main+xml" not in types:
                raise ValidationError(WRONG_TYPE, code="wrong_type")
            return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError) as exc:
        raise ValidationError(DAMAGED, code="damaged") from exc
    raise ValidationError(WRONG_TYPE, code="wrong_type")


ZIP_FAMILY = {
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    DOCX,
    ODT,
    "application/vnd.ms-word.document.macroenabled.12",
    "application/vnd.ms-word.document.macroEnabled.12",
}


def detect_type(data: bytes) -> str:
    """The CV's type from its bytes (one of ``EXTENSIONS``), or ``ValidationError``."""
    if not data:
        raise ValidationError(EMPTY, code="empty")
    import magic  # here, so a machine without libmagic1 still runs everything else

    found = magic.from_buffer(data[: 256 * 1024], mime=True)
    if found == PDF:
        _check_pdf(data)
        return PDF
    if found in ("text/rtf", RTF):
        _check_rtf(data)
        return RTF
    if found in ZIP_FAMILY and data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    raise ValidationError(WRONG_TYPE, code="wrong_type")


def scanner():
    return import_string(settings.APPLICATIONS_CV_SCANNER)


def check_cv(upload) -> CheckedFile:
    """Read (capped), type, name and scan an uploaded CV; ``ValidationError`` says why not."""
    data = read_capped(upload)
    content_type = detect_type(data)
    name = sanitise_name(getattr(upload, "name", "") or "", content_type)
    scan = scanner()(data, name=name)
    if scan.infected:
        raise ValidationError(INFECTED, code="infected")
    return CheckedFile(content=data, name=name, content_type=content_type, scan=scan.status)


# --- Serving ----------------------------------------------------------------------------------


def no_sniffing(response):
    """The headers every CV answer carries, a download or a redirect to a signed URL."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = STRICT_CSP
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def serve_private_file(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Stream a stored file as a download; 404 when there is none or it has gone."""
    if not field_file:
        raise Http404("No file.")
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("No file.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or "cv",
        content_type=content_type or "application/octet-stream",
    )
    return no_sniffing(response)
