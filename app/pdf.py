"""HTML printed to PDF by headless Chromium (Debian package ``chromium``) driven by Playwright's
Python API: walk reports, printed directories and posters. The page must be self-contained
(inline CSS, SVG, data: images): every request it would make is refused."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ui.templating import render

CHROMIUM = os.environ.get("CARTEGALITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class ChromiumMissing(RuntimeError):
    """No Chromium to print with."""


def html_to_pdf(
    page_html: str, target: Path, paper: str = "A4", running_heads: bool = True
) -> None:
    """Print ``page_html`` to a PDF of ``paper`` size (A4 or A3).

    ``running_heads`` adds the report's header and page-numbered footer. Raises
    :class:`ChromiumMissing` (French message naming the Debian package) when Chromium or
    Playwright is not installed. Call it outside any running asyncio loop (a worker thread).
    """
    chromium = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if chromium is None:
        raise ChromiumMissing(
            f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium » "
            "(sudo apt-get install chromium, ou make setup-test) ou écrivez un fichier .html"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dependency
        raise ChromiumMissing("module Python « playwright » manquant : make setup") from exc
    margin = "14mm" if running_heads else "10mm"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # nothing leaves the document
            page.set_content(page_html, wait_until="load")
            page.emulate_media(media="print")
            page.pdf(
                path=str(target),
                format=paper,
                print_background=True,
                margin={
                    "top": margin,
                    "bottom": "16mm" if running_heads else margin,
                    "left": "12mm" if running_heads else margin,
                    "right": "12mm" if running_heads else margin,
                },
                display_header_footer=running_heads,
                header_template=render("planning/pdf_header.html") if running_heads else "",
                footer_template=render("planning/pdf_footer.html") if running_heads else "",
            )
        finally:
            browser.close()
