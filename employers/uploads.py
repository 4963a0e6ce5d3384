"""Logo uploads: checked by what the bytes are, not what the file is called, then redrawn.

Pillow reads only the header to learn the format and size, so an oversized or
decompression-bomb image is refused before any pixels are decoded. Accepted images are
re-encoded as PNG at a bounded size, which drops metadata and anything smuggled after the
image data, and stored under a name the site chooses (see ``logo_upload_to``).

Decoding is bounded: at most ``LOGO_MAX_PIXELS`` (a logo needs no more), Pillow's own
decompression-bomb limit set to the same, a JPEG decoded straight at a reduced scale (draft
mode), and every image scaled down before it is widened to RGBA. A 4000 × 3000 PNG of 44 KB
cost a web worker 95 MB before; now such an image is refused, and the largest accepted
(4 million pixels) costs a bounded few tens of MB (figures in docs/reliability.md).
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 3000
LOGO_MAX_PIXELS = 4_000_000
LOGO_OUTPUT_SIDE = 400
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
# Pillow warns past this many pixels and refuses past twice as many, for every image it opens.
Image.MAX_IMAGE_PIXELS = LOGO_MAX_PIXELS


def process_logo(upload) -> ContentFile:
    """Validate an uploaded logo and return it re-encoded as a PNG.

    Raises ``ValidationError`` with a message for the form when the file is too big, not an
    image, in a format we do not take, or has too many pixels.
    """
    size = getattr(upload, "size", None)
    if size is None or size > LOGO_MAX_BYTES:
        raise ValidationError(
            f"The logo must be smaller than {LOGO_MAX_BYTES // (1024 * 1024)} MB.",
            code="too_big",
        )
    upload.seek(0)
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError("The logo must be smaller than 2 MB.", code="too_big")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in LOGO_FORMATS:
                raise ValidationError("Upload a PNG, JPEG, GIF or WebP image.", code="format")
            width, height = image.size
            if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE or width * height > LOGO_MAX_PIXELS:
                raise ValidationError(
                    f"The logo is too large: at most {LOGO_MAX_SIDE} × {LOGO_MAX_SIDE} pixels.",
                    code="too_many_pixels",
                )
            # A JPEG is decoded at 1/2, 1/4 or 1/8 scale when that is still large enough.
            image.draft("RGB", (LOGO_OUTPUT_SIDE, LOGO_OUTPUT_SIDE))
            image.load()
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA")  # palette and grey images resize badly as they are
            image.thumbnail((LOGO_OUTPUT_SIDE, LOGO_OUTPUT_SIDE))  # in place, before any copy
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError("The logo has too many pixels.", code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a PNG, JPEG, GIF or WebP image.",
            code="not_image",
        ) from exc
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="logo.png")
