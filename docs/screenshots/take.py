"""Screenshots of the key pages at 375 px and 1280 px, from a running server on demo data.

    python manage.py migrate && python manage.py seed_demo
    python manage.py runserver 127.0.0.1:8000
    python docs/screenshots/take.py --base http://127.0.0.1:8000 --out docs/screenshots/after

Pages: home, a search, the first vacancy it finds, the employer directory, the first
employer's profile, the job alert sign-up and the demo employer's dashboard (signed in as
``employer@example.com``). Each is saved as ``<page>-<width>.png``: the whole page, cut at
three screens (``--screens``) so the first screen and what follows it show. The PNGs are reduced to 64
colours (Pillow) so they stay small in the repository. Chromium is Debian's
(``CHROMIUM_PATH``, default ``/usr/bin/chromium``), as in the browser tests.
"""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path
from urllib.parse import urljoin

from PIL import Image
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SEARCH = "/jobs/?location=leeds&radius=20"
WIDTHS = {375: 740, 1280: 900}
DEMO_EMPLOYER = ("employer@example.com", "care-jobs-demo")


def first_link(page, selector: str) -> str:
    """The address of the first link matching ``selector`` on the page."""
    href = page.locator(selector).first.get_attribute("href")
    if not href:
        raise SystemExit(f"no link matches {selector!r} on {page.url}")
    return href


def save(png: bytes, path: Path, *, max_height: int) -> None:
    """Crop to ``max_height`` and write a 64-colour PNG."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)


def shoot(page, url: str, path: Path, *, max_height: int) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    save(page.screenshot(full_page=True), path, max_height=max_height)
    print(f"{path}  {path.stat().st_size // 1024} KB  {page.url}")


def pages(page, base: str) -> dict[str, str]:
    """The pages to take, with the vacancy and the employer found on the server itself."""
    page.goto(urljoin(base, SEARCH))
    vacancy = first_link(page, ".result-list h3 a, .result-list .card-title a")
    page.goto(urljoin(base, "/employers/"))
    employer = first_link(page, ".result-list .card-title a, .employer-list .card-title a")
    return {
        "home": "/",
        "search": SEARCH,
        "vacancy": vacancy,
        "directory": "/employers/",
        "employer": employer,
        "alert-signup": "/alerts/subscribe/?query=location%3Dleeds%26radius%3D20",
    }


def sign_in(page, base: str) -> None:
    page.goto(urljoin(base, "/accounts/login/"))
    page.get_by_label("Email").fill(DEMO_EMPLOYER[0])
    page.get_by_label("Password").fill(DEMO_EMPLOYER[1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots/after"))
    parser.add_argument("--screens", type=int, default=3)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        for width, height in WIDTHS.items():
            phone = width < 600
            max_height = height * args.screens
            context = browser.new_context(
                viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
            )
            page = context.new_page()
            for name, url in pages(page, args.base).items():
                path = args.out / f"{name}-{width}.png"
                shoot(page, urljoin(args.base, url), path, max_height=max_height)
            sign_in(page, args.base)
            path = args.out / f"dashboard-{width}.png"
            shoot(page, urljoin(args.base, "/employer/"), path, max_height=max_height)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
