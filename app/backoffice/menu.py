"""What each role finds in the back office: the menu, in French, from the role alone (the
access table decides what each screen allows; the menu only points at what the role may use)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Role


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    description: str = ""


ROLE_LABELS = {
    Role.FACILITATOR: "animation des marches",
    Role.PLANNER: "chargé·e de mission (GUSP, annuaire, expositions)",
    Role.MODERATOR: "modération",
    Role.ADMIN: "administration",
    Role.PARTICIPANT: "participante",
    Role.BODY: "organisme responsable (Open311)",
}

_WALKS = Link("/equipe/marches", "Marches", "créer, apparier, faire avancer une marche")
_NEW_WALK = Link("/equipe/marches/nouvelle", "Nouvelle marche", "titre, quartier, date, arrêts")
_QUEUE = Link("/equipe/moderation", "Modération", "observations en attente, les plus anciennes")
_REPORTS = Link("/equipe/signalements", "Signalements", "tri, orientation, suivi GUSP")
_PLAN = Link("/equipe/actions", "Plan d'action", "porteurs, échéances, retards d'abord")
_DIRECTORY = Link("/equipe/annuaire", "Annuaire", "lieux à revérifier, modifier un lieu")
_RULES = Link("/equipe/orientation", "Règles d'orientation", "qui reçoit quelle catégorie")
_ACCOUNTS = Link("/equipe/comptes", "Comptes", "créer, désactiver, rôle et territoire")
_AUDIT = Link("/equipe/journal", "Journal d'audit", "qui a lu ou changé quoi, et quand")
_SAFETY = Link("/cartes/securite", "Carte de sécurité", "observations, signalements, marches")
_DASHBOARDS = Link("/quartiers", "Tableaux de bord", "chiffres clés par quartier")
_HOTSPOTS = Link("/quartiers/zones-sensibles", "Zones sensibles", "insécurité ressentie")
_EXHIBITIONS = Link(
    "/equipe/expositions", "Expositions", "calendrier des exemplaires, réserver une présentation"
)
_COUNTING = Link("/equipe/comptage", "Compter qui est présent", "séance à un équipement sportif")
_COVERAGE = Link("/expositions/couverture", "Couverture des collèges", "qui n'est pas atteint")

MENUS: dict[Role, tuple[Link, ...]] = {
    Role.FACILITATOR: (_WALKS, _NEW_WALK, _COUNTING, _EXHIBITIONS, _SAFETY, _DASHBOARDS),
    Role.MODERATOR: (_QUEUE, _HOTSPOTS, _DASHBOARDS),
    Role.PLANNER: (
        _REPORTS,
        _PLAN,
        _WALKS,
        _SAFETY,
        _HOTSPOTS,
        _DASHBOARDS,
        _EXHIBITIONS,
        _COVERAGE,
        _DIRECTORY,
        _COUNTING,
    ),
    Role.ADMIN: (
        _WALKS,
        _NEW_WALK,
        _QUEUE,
        _REPORTS,
        _PLAN,
        _RULES,
        _ACCOUNTS,
        _AUDIT,
        _SAFETY,
        _HOTSPOTS,
        _DASHBOARDS,
        _EXHIBITIONS,
        _COVERAGE,
        _DIRECTORY,
        _COUNTING,
    ),
}


def menu_for(role: Role) -> tuple[Link, ...]:
    """The back-office links of ``role`` (none for participants)."""
    return MENUS.get(role, ())
