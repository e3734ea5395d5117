"""What every back-office page shares (no route here): the frame's context (who is signed in,
the role's menu, the CSRF token of the session, the success message after a redirect) and the
post/redirect/get answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from accounts.models import Principal
from api.csrf import csrf_of
from app.backoffice.menu import ROLE_LABELS, menu_for
from ui.templating import render

NOTICES = {
    "marche_creee": "La marche est créée.",
    "marche_modifiee": "La marche est modifiée.",
    "etat_change": "L'état de la marche a changé.",
    "texte_enregistre": "Le texte est enregistré ; il paraît dans le rapport.",
    "moderation_faite": "Les décisions de modération sont enregistrées.",
    "suivi_change": "Le suivi du signalement a changé.",
    "action_creee": "L'action est ajoutée au plan d'action.",
    "action_changee": "L'état de l'action a changé.",
    "exposition_creee": "L'exposition est créée.",
    "exemplaire_ajoute": "Un exemplaire est ajouté.",
    "presentation_reservee": "La présentation est réservée.",
    "lieu_cree": "Le lieu d'aide est créé.",
    "lieu_modifie": "Le lieu d'aide est modifié.",
    "lieu_verifie": "Le lieu est marqué vérifié aujourd'hui.",
    "regle_enregistree": "La règle d'orientation est enregistrée.",
    "regle_supprimee": "La règle d'orientation est supprimée.",
    "doublon_traite": "La décision sur le doublon possible est enregistrée.",
    "comptage_enregistre": "Le comptage est enregistré.",
    "lien_envoye": "Le lien de mise à jour est envoyé au lieu.",
    "proposition_appliquee": "La proposition est appliquée ; la fiche est vérifiée aujourd'hui.",
    "proposition_refusee": "La proposition est refusée ; la fiche n'a pas changé.",
    "compte_cree": "Le compte est créé.",
    "compte_modifie": "Le compte est modifié.",
    "mot_de_passe": "Le mot de passe est changé ; les sessions ouvertes du compte sont fermées.",
}
"""Success messages shown after post/redirect/get (the query names one; no text is reflected)."""


def staff_page(
    request: Request, principal: Principal, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A back-office page (``ui/templates/equipe/<template>``), never cached."""
    notice = context.pop("notice_text", None) or NOTICES.get(request.query_params.get("fait", ""))
    page = render(
        f"equipe/{template}",
        me=principal,
        role_label=ROLE_LABELS.get(principal.role, principal.role.value),
        menu=menu_for(principal.role),
        csrf=csrf_of(request),
        notice=notice,
        current=request.url.path,
        **context,
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def done(path: str, notice: str, **query: str) -> RedirectResponse:
    """Post/redirect/get: back to ``path`` with the success message ``notice``."""
    return RedirectResponse(f"{path}?{urlencode({**query, 'fait': notice})}", status_code=303)


def form_text(form: Any, name: str, limit: int = 2000) -> str:
    """A form field as stripped text ('' when absent, files ignored), cut at ``limit``."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""
