"""``/confidentialite``: who sees what, for how long, and whom to contact (French)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep
from api.routing import StrictJSONRoute
from app.settings import Settings
from ui.templating import render

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"])

_WHO_SEES = (
    (
        "Le public (sans compte)",
        "Uniquement des comptes agrégés sur une grille de 200 m, "
        "seulement pour les carrés d'au moins {k} observations publiées et faites il y a plus de "
        "{delay} jours ; jamais un point exact, un texte, une photo ou un pseudonyme.",
    ),
    (
        "Vous, participante ou participant d'une marche",
        "Ce que vous avez envoyé (points, "
        "textes, photos) et les observations de votre marche publiées après modération, avec un "
        "point arrondi à environ 100 m et sans les pseudonymes des autres.",
    ),
    (
        "L'animatrice ou l'animateur de la marche",
        "Les observations de ses marches (points, "
        "textes, photos) et les pseudonymes des participantes et participants.",
    ),
    (
        "Les services de la collectivité (planner)",
        "Les observations de leur territoire "
        "(points exacts, textes, photos) pour y donner suite, sans les pseudonymes.",
    ),
    (
        "La modération",
        "Les textes et les photos pour les publier ou les masquer, avec un point "
        "arrondi à environ 100 m et sans les pseudonymes.",
    ),
    (
        "L'administration",
        "Tout, pour faire fonctionner le service. Chaque consultation de "
        "points exacts, de photos, de pseudonymes ou d'export est inscrite dans un journal "
        "(qui, quand, quoi — sans le contenu).",
    ),
)


@dataclass(frozen=True)
class PrivacyView:
    """What the privacy page shows: the instance's own settings, nothing invented."""

    controller: str | None
    contact: str | None
    who_sees: tuple[tuple[str, str], ...]
    participant_token_days: int
    staff_token_hours: int
    retention_months: int
    audit_retention_months: int


def privacy_view(settings: Settings) -> PrivacyView:
    """The view model of ``/confidentialite`` for this instance."""
    values = {"k": settings.public_min_count, "delay": settings.public_delay_days}
    return PrivacyView(
        controller=settings.privacy_controller or None,
        contact=settings.privacy_contact or None,
        who_sees=tuple((who, what.format(**values)) for who, what in _WHO_SEES),
        participant_token_days=settings.participant_token_days,
        staff_token_hours=settings.staff_token_hours,
        retention_months=settings.retention_months,
        audit_retention_months=settings.audit_retention_months,
    )


def privacy_page(settings: Settings) -> str:
    """The page, from the instance's settings (nothing invented)."""
    return render("site/privacy.html", view=privacy_view(settings))


@router.get("/confidentialite", response_class=HTMLResponse, summary="Confidentialité")
def confidentialite(settings: SettingsDep) -> HTMLResponse:
    return HTMLResponse(privacy_page(settings))
