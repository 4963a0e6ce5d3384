"""Logo uploads: judged by content, bounded in bytes and pixels, re-encoded, safely named."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from employers.uploads import LOGO_MAX_BYTES, LOGO_OUTPUT_SIDE, process_logo


def image_bytes(fmt="PNG", size=(60, 40), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims enormous dimensions: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(data: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


class TestProcessLogo:
    @pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
    def test_accepted_formats_come_out_as_png(self, fmt):
        result = process_logo(upload(image_bytes(fmt), name=f"logo.{fmt.lower()}"))
        with Image.open(io.BytesIO(result.read())) as image:
            assert image.format == "PNG"
            assert image.size == (60, 40)

    def test_large_images_are_scaled_down(self):
        result = process_logo(upload(image_bytes(size=(1600, 800))))
        with Image.open(io.BytesIO(result.read())) as image:
            assert max(image.size) == LOGO_OUTPUT_SIDE

    def test_fake_image_with_an_image_name_is_refused(self):
        fake = upload(b"<?php system($_GET['c']); ?>", name="logo.png")
        with pytest.raises(ValidationError) as exc:
            process_logo(fake)
        assert exc.value.code == "not_image"

    def test_html_pretending_to_be_a_gif_is_refused(self):
        with pytest.raises(ValidationError):
            process_logo(upload(b"GIF89a<script>alert(1)</script>", name="x.gif"))

    def test_oversize_file_is_refused(self):
        big = upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * (LOGO_MAX_BYTES + 10))
        with pytest.raises(ValidationError) as exc:
            process_logo(big)
        assert exc.value.code == "too_big"

    def test_pixel_bomb_is_refused_before_decoding(self):
        bomb = upload(png_header_only(50_000, 50_000))
        assert bomb.size < 200
        with pytest.raises(ValidationError) as exc:
            process_logo(bomb)
        assert exc.value.code == "too_many_pixels"

    def test_too_many_pixels_within_each_side_limit(self):
        with pytest.raises(ValidationError) as exc:
            process_logo(upload(png_header_only(2999, 2999)))
        assert exc.value.code == "too_many_pixels"

    @pytest.mark.parametrize(("fmt", "budget_mb"), [("PNG", 32), ("JPEG", 12)])
    def test_the_largest_logo_costs_a_bounded_amount_of_memory(self, tmp_path, fmt, budget_mb):
        """Measured in a fresh process: the growth of its peak resident memory while decoding."""
        import subprocess
        import sys
        from pathlib import Path

        from employers.uploads import LOGO_MAX_PIXELS

        side = int(LOGO_MAX_PIXELS**0.5)
        image = tmp_path / "logo"
        image.write_bytes(image_bytes(fmt, size=(side, side)))
        script = (
            "import io, resource, sys\n"
            "from employers.uploads import process_logo\n"
            "data = open(sys.argv[1], 'rb').read(); f = io.BytesIO(data); f.size = len(data)\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "process_logo(f)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
        )
        root = Path(__file__).resolve().parents[2]
        grown_kb = int(
            subprocess.run(
                [sys.executable, "-c", script, str(image)], cwd=root, check=True,
                capture_output=True, text=True,
            ).stdout
        )  # fmt: skip
        assert grown_kb < budget_mb * 1024, f"{fmt}: {grown_kb // 1024} MB"

    def test_more_pixels_than_a_logo_needs_are_refused(self):
        with pytest.raises(ValidationError) as exc:
            process_logo(upload(image_bytes(size=(3000, 1500))))
        assert exc.value.code == "too_many_pixels"

    def test_truncated_image_is_refused(self):
        data = image_bytes(size=(200, 200))
        with pytest.raises(ValidationError):
            process_logo(upload(data[: len(data) // 2]))

    def test_unaccepted_format_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            process_logo(upload(image_bytes("BMP"), name="logo.bmp"))
        assert exc.value.code == "format"

    def test_metadata_is_dropped(self):
        data = image_bytes("PNG", pnginfo=_pnginfo({"Comment": "<script>x</script>"}))
        result = process_logo(upload(data)).read()
        assert b"<script>" not in result


def _pnginfo(items):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in items.items():
        info.add_text(key, value)
    return info


@pytest.mark.django_db
class TestProfileUpload:
    def test_good_logo_is_stored_under_a_safe_name(self, owner_client, employer):
        response = owner_client.post(
            reverse("employers:profile"),
            {
                "name": employer.name,
                "sector": employer.sector,
                "region": employer.region,
                "town": "Leeds",
                "logo_upload": upload(image_bytes("JPEG"), name="../../etc/passwd.php.jpg"),
            },
        )
        assert response.status_code == 302
        employer.refresh_from_db()
        assert employer.logo.name.startswith(f"logos/{employer.slug}-")
        assert employer.logo.name.endswith(".png")
        assert ".." not in employer.logo.name and "php" not in employer.logo.name
        with employer.logo.open("rb") as stored, Image.open(stored) as image:
            assert image.format == "PNG"

    def test_replacing_a_logo_deletes_the_old_file(
        self, owner_client, employer, django_capture_on_commit_callbacks
    ):
        data = {"name": employer.name, "sector": employer.sector, "region": employer.region}
        owner_client.post(
            reverse("employers:profile"), {**data, "logo_upload": upload(image_bytes())}
        )
        employer.refresh_from_db()
        first = employer.logo.name
        storage = employer.logo.storage
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(
                reverse("employers:profile"),
                {**data, "logo_upload": upload(image_bytes(size=(30, 30)))},
            )
        employer.refresh_from_db()
        assert employer.logo.name != first
        assert not storage.exists(first)
        assert storage.exists(employer.logo.name)

    @pytest.mark.parametrize(
        "payload",
        [b"not an image at all", png_header_only(40_000, 40_000)],
        ids=["fake", "pixel-bomb"],
    )
    def test_bad_logo_gives_a_message_and_changes_nothing(self, owner_client, employer, payload):
        response = owner_client.post(
            reverse("employers:profile"),
            {
                "name": "A new name",
                "sector": employer.sector,
                "region": employer.region,
                "logo_upload": upload(payload),
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors["logo_upload"]
        employer.refresh_from_db()
        assert not employer.logo
        assert employer.name != "A new name"
