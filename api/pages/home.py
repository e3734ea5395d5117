"""The home page: what the service offers, in French."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.routing import StrictJSONRoute

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"])

HOME = (Path(__file__).with_name("home.html")).read_text(encoding="utf-8")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home() -> HTMLResponse:
    return HTMLResponse(HOME)
