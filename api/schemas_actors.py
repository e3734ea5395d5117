"""Request bodies of the directory (strict: unknown fields and NaN refused). Values are
checked again by ``actors.validate`` (phones, e-mails, URLs, hours, vocabulary codes)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from api.schemas import StrictModel

Codes = list[str] | None
Text = str | None


class ActorFields(StrictModel):
    actor_type: str | None = Field(None, max_length=60, description="Type de structure")
    description: Text = Field(None, max_length=5000)
    adresse: Text = Field(None, max_length=300)
    complement_adresse: Text = Field(None, max_length=300)
    code_postal: Text = Field(None, max_length=5)
    commune: Text = Field(None, max_length=150)
    code_insee: Text = Field(None, max_length=5)
    telephone: Text = Field(None, max_length=40, description="Converti en E.164")
    courriel: Text = Field(None, max_length=254)
    site_web: Text = Field(None, max_length=500)
    horaires_accueil: Text = Field(
        None, max_length=500, description="Format OpenStreetMap, ex. « Mo-Fr 09:00-12:00 »"
    )
    hours_text: Text = Field(None, max_length=2000, description="Horaires en texte libre")
    accessibilite_lieu: Text = Field(None, max_length=500, description="Lien Acceslibre")
    accessibility: Codes = Field(None, max_length=20)
    languages: Codes = Field(None, max_length=40)
    reseaux_porteurs: Codes = Field(None, max_length=20)
    networks: Codes = Field(None, max_length=20)
    publics: Codes = Field(None, max_length=20)
    thematiques: Codes = Field(None, max_length=60)
    grounds: Codes = Field(None, max_length=30, description="Motifs de discrimination traités")
    domains: Codes = Field(None, max_length=20)
    modes_accueil: Codes = Field(None, max_length=5)
    frais: Text = Field(None, max_length=40)
    status: Literal["active", "temporairement_fermee", "fermee"] | None = None
    closure_message: Text = Field(None, max_length=500)
    closed_from: date | None = None
    closed_until: date | None = None
    visibility: Literal["public", "professionnels"] | None = None
    last_verified_on: date | None = None


class ActorCreate(ActorFields):
    nom: str = Field(min_length=2, max_length=300)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class ActorUpdate(ActorFields):
    nom: str | None = Field(None, min_length=2, max_length=300)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)


class Verification(StrictModel):
    on: date | None = Field(None, description="Date de la vérification (aujourd'hui par défaut)")


class DuplicateDecision(StrictModel):
    decision: Literal["confirme", "distinct"] = Field(
        description="confirme : c'est le même lieu ; distinct : un autre lieu, à créer"
    )
