"""The actor's self-update form as a typed view (drawn by ``ui/templates/mise_a_jour``): its
entry read-only at the top, then the fields it may change, each error next to its field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actors import selfupdate
from actors.models import Actor
from app.backoffice.directory import HOURS_HINT
from ui.fields import TextArea, TextInput


@dataclass(frozen=True)
class CodeGroup:
    """Checkboxes of one vocabulary (publics, grounds)."""

    name: str
    label: str
    id: str
    options: tuple[tuple[str, str, bool], ...]
    """(code, French label, checked)."""


HINTS = {
    "telephone": "ex. 02 40 41 90 00",
    "site_web": "adresse complète, https://…",
    "horaires_accueil": HOURS_HINT,
    "hours_text": "Si le format ci-dessus ne vous convient pas : « sur rendez-vous le mardi »…",
}


@dataclass(frozen=True)
class SelfUpdateForm:
    name: str
    address: str
    fields: tuple[TextInput | TextArea | CodeGroup, ...]
    note: TextArea
    errors: dict[str, str]


def form_of(actor: Actor, values: dict[str, Any], errors: dict[str, str]) -> SelfUpdateForm:
    """The form for ``actor`` holding ``values`` (stored, or as typed after an error)."""
    fields: list[TextInput | TextArea | CodeGroup] = []
    for name, label, kind in selfupdate.SELF_FIELDS:
        fid = f"f-{name}"
        if kind == "codes":
            chosen = set(values.get(name) or [])
            options = tuple((c, lab, c in chosen) for c, lab in selfupdate.options(name))
            fields.append(CodeGroup(name, label, fid, options))
        elif kind == "textarea":
            fields.append(
                TextArea(name, label, str(values.get(name) or ""), fid, 3, HINTS.get(name))
            )
        else:
            kind_type = {"courriel": "email", "telephone": "tel", "site_web": "url"}
            fields.append(
                TextInput(
                    name,
                    label,
                    str(values.get(name) or ""),
                    fid,
                    type=kind_type.get(name, "text"),
                    hint=HINTS.get(name),
                )
            )
    where = " ".join(x for x in (actor.adresse, actor.code_postal, actor.commune) if x)
    note = TextArea(
        "note",
        "Un message pour l'équipe (facultatif)",
        str(values.get("note") or ""),
        "f-note",
        3,
        "Par exemple : « nous déménageons en mars », « fermé en août ».",
    )
    return SelfUpdateForm(actor.nom, where or "—", tuple(fields), note, errors)


LISTS = "listes"
"""Hidden field naming the checkbox groups the form showed (an unchecked box sends nothing:
without it, « none checked » and « not in the form » would look the same)."""


def read(form: Any) -> dict[str, Any]:
    """The submitted values (text stripped and bounded, codes as lists); a field the request
    does not carry is left out (not proposed), never taken as emptied."""
    out: dict[str, Any] = {}
    shown = set(form.getlist(LISTS))
    for name, _, kind in selfupdate.SELF_FIELDS:
        if kind == "codes":
            if name in shown:
                out[name] = [str(v) for v in form.getlist(name)][:60]
        elif isinstance(raw := form.get(name), str):
            out[name] = raw.strip()[:5000]
    raw_note = form.get("note")
    out["note"] = raw_note.strip()[:5000] if isinstance(raw_note, str) else ""
    return out
