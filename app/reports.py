"""The printable walk report (served page, CLI file and PDF): its view model rendered through
the one template environment."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from app import planning_pages as pages
from app.settings import PROJECT_ROOT
from ui.templating import render

CSS = PROJECT_ROOT / "api" / "static" / "planning.css"
"""The report's stylesheet: linked by the served page, inlined in files and PDFs."""


def render_report(body: dict[str, Any], inline_css: bool = False) -> str:
    """The report as a standalone French HTML page (CSS inlined for files and PDF)."""
    css = Markup(CSS.read_text(encoding="utf-8")) if inline_css else None  # noqa: S704
    return render("planning/report.html", view=pages.report(body), inline_css=css)


def render_evaluation(view: Any, inline_css: bool = False, pdf_url: str | None = None) -> str:
    """The yearly evaluation as a French HTML page (CSS inlined for files and PDF)."""
    css = Markup(CSS.read_text(encoding="utf-8")) if inline_css else None  # noqa: S704
    return render("planning/evaluation.html", view=view, inline_css=css, pdf_url=pdf_url)
