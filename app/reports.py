"""Request parameters and dependencies shared by several routers."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from app import planning_views as views
from app.settings import PROJECT_ROOT
from surveys.grid import grid
from ui.templating import render

CSS = PROJECT_ROOT / "api" / "static" / "planning.css"
"""The report's stylesheet: linked by the served page, inlined in files and PDFs."""


def render_report(body: dict[str, Any], inline_css: bool = False) -> str:
    """The report as a standalone French HTML page (CSS inlined for files and PDF)."""
    used = {t["theme"] for t in body["themes"]}
    themes = [(code, grid().label_of(code)) for code in grid().themes if code in used]
    context = {
        "r": body,
        "w": body["walk"],
        "sketch": views.sketch(body),
        "themes": views.report_themes(body),
        "stops": views.report_stops(body, themes),
        "comparison": views.report_comparison(body) if body["comparison"] else None,
        "inline_css": Markup(CSS.read_text(encoding="utf-8")) if inline_css else None,  # noqa: S704
    }
    return render("planning/report.html", **context)
