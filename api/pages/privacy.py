"""``/confidentialite``: who sees what, for how long, and whom to contact (French)."""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep
from api.routing import StrictJSONRoute
from app.settings import Settings

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


def _contact(settings: Settings) -> str:
    if settings.privacy_contact:
        return (
            "<p>Pour toute question sur vos données ou pour exercer vos droits, écrivez à : "
            f"<strong>{html.escape(settings.privacy_contact)}</strong>.</p>"
        )
    return (
        "<p><strong>Contact non configuré</strong> : l'administration de ce service doit "
        "renseigner la personne à contacter (variable <code>CARTEGALITE_PRIVACY_CONTACT</code>)."
        " En attendant, adressez-vous à la structure qui a organisé votre marche.</p>"
    )


def privacy_page(settings: Settings) -> str:
    """The page, from the instance's settings (nothing invented)."""
    values = {"k": settings.public_min_count, "delay": settings.public_delay_days}
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(who)}</th>"
        f"<td>{html.escape(what.format(**values))}</td></tr>"
        for who, what in _WHO_SEES
    )
    controller = (
        f"<p>Responsable du traitement : <strong>{html.escape(settings.privacy_controller)}"
        "</strong>.</p>"
        if settings.privacy_controller
        else "<p>Responsable du traitement : <strong>non renseigné</strong> "
        "(variable <code>CARTEGALITE_PRIVACY_CONTROLLER</code>).</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Confidentialité — Cartégalité</title>
<link rel="stylesheet" href="/static/app/site.css">
</head>
<body>
<main>
<h1>Vos données et leur protection</h1>
<p>Les observations des marches exploratoires et des diagnostics en marchant peuvent décrire du
harcèlement ou des discriminations : ce sont des données sensibles. Cartégalité en collecte le
moins possible — un pseudonyme, jamais de nom, d'adresse e-mail ni de téléphone — et les
protège.</p>
{controller}
<h2>Qui voit quoi</h2>
<table>
<caption>Ce que chaque rôle peut consulter</caption>
<thead><tr><th scope="col">Qui</th><th scope="col">Ce qu'il voit</th></tr></thead>
<tbody>{rows}</tbody>
</table>
<h2>Combien de temps</h2>
<ul>
<li>Votre jeton de marche expire {settings.participant_token_days} jours après la marche.</li>
<li>Les sessions de l'équipe expirent après {settings.staff_token_hours} heures.</li>
<li>Après {settings.retention_months} mois, les photos, les textes libres et les pseudonymes
sont effacés et chaque point est ramené au centre de son carré de 200 m : seules restent les
informations nécessaires aux statistiques (type, thème, notes, suites données).</li>
<li>Le journal des consultations est conservé {settings.audit_retention_months} mois.</li>
</ul>
<h2>Vos droits</h2>
<p>Avec le jeton reçu en rejoignant la marche (dans l'application de terrain), vous pouvez à tout
moment :</p>
<ul>
<li><strong>récupérer</strong> tout ce que vous avez envoyé, au format JSON
(<code>GET /api/me/export</code>) ;</li>
<li><strong>tout effacer</strong> : observations, photos et pseudonyme
(<code>DELETE /api/me</code>). Les statistiques publiques sont recalculées sans vos
données.</li>
</ul>
<p>Vous pouvez aussi demander l'accès, la rectification ou l'effacement à la personne à contacter
ci-dessous, et saisir la CNIL si vous estimez que vos droits ne sont pas respectés.</p>
<h2>Contact</h2>
{_contact(settings)}
<p><a href="/">Retour à l'accueil</a></p>
</main>
</body>
</html>
"""


@router.get("/confidentialite", response_class=HTMLResponse, summary="Confidentialité")
def confidentialite(settings: SettingsDep) -> HTMLResponse:
    return HTMLResponse(privacy_page(settings))
