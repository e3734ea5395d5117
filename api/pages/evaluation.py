"""The yearly evaluation of the equal-rights axis (issue 20): ``/evaluation`` (page),
``/api/evaluation`` (JSON) and ``/evaluation.pdf`` (staff: Chromium prints it), per territory
(the address's) and calendar year."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.routing import StrictJSONRoute
from app import planning_pages as pages
from app.pdf import html_to_pdf
from app.reports import render_evaluation
from geo import territory
from planning import evaluation
from planning.models import current_year

router = APIRouter(route_class=StrictJSONRoute, tags=["évaluation"])

Annee = Annotated[
    int | None, Query(ge=2015, le=2100, description="Année civile (défaut : cette année)")
]


def _evaluate(conn: Any, settings: Any, annee: int | None) -> evaluation.Evaluation:
    area = territory.get(conn, settings.territory)
    year = annee or current_year()
    return evaluation.evaluate(conn, area.id, area.name, year, settings.public_min_count)


@router.get("/api/evaluation", summary="Évaluation annuelle de l'Enjeu 3 (JSON)")
def evaluation_json(conn: ConnDep, settings: SettingsDep, annee: Annee = None) -> Any:
    return asdict(_evaluate(conn, settings, annee))


@router.get("/evaluation", response_class=HTMLResponse, include_in_schema=False)
def evaluation_page(conn: ConnDep, settings: SettingsDep, annee: Annee = None) -> HTMLResponse:
    view = pages.evaluation(_evaluate(conn, settings, annee))
    pdf = f"/evaluation.pdf?annee={view.year}"
    return HTMLResponse(render_evaluation(view, pdf_url=pdf))


@router.get("/evaluation.pdf", include_in_schema=False)
async def evaluation_pdf(
    conn: ConnDep, settings: SettingsDep, _staff: CurrentPrincipal, annee: Annee = None
) -> Response:
    view = pages.evaluation(await run_in_threadpool(_evaluate, conn, settings, annee))
    page = render_evaluation(view, inline_css=True)

    def printed() -> bytes:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory(prefix="cartegalite-eval-") as tmp:
            target = Path(tmp) / "evaluation.pdf"
            html_to_pdf(page, target)
            return target.read_bytes()

    content = await run_in_threadpool(printed)
    name = f"evaluation-enjeu3-{settings.territory}-{view.year}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
