"""Serving candidates' files: the one function every download goes through.

The caller has already decided who may read the file (a member of the vacancy's employer,
or the candidate); this only streams it so no browser runs or renders it: an attachment,
never sniffed, under a policy that allows nothing.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

STRICT_CSP = "default-src 'none'; sandbox"


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
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = STRICT_CSP
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
