"""Request bodies of the self-check API (codes are checked by the service against
``selfcheck/rules.toml``: an unknown one is a 422 naming the valid ones)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas import StrictModel
from selfcheck.answers import RawAnswers

Code = Field(max_length=60)


class AnswersIn(StrictModel):
    """The four steps of the self-check, as codes (see ``GET /api/selfcheck/questions``)."""

    situation: str = Field(max_length=60, description="Ce qui s'est passé (code)")
    reasons: list[str] = Field(
        default_factory=list, max_length=40, description="À cause de quoi (codes, plusieurs)"
    )
    domain: str | None = Field(None, max_length=60, description="Où : domaine (code)")
    place: str | None = Field(
        None, max_length=10, description="Code du quartier (QPV) ou code INSEE de la commune"
    )
    month: str | None = Field(None, max_length=10, description="Mois : AAAA-MM")
    wishes: list[str] = Field(default_factory=list, max_length=5, description="Souhaits (codes)")

    def raw(self) -> RawAnswers:
        return RawAnswers(
            situation=self.situation,
            reasons=tuple(self.reasons),
            domain=self.domain,
            place=self.place,
            month=self.month,
            wishes=tuple(self.wishes),
        )


class CheckIn(AnswersIn):
    limit: int = Field(3, ge=1, le=10, description="Nombre de lieux proches")
    at: datetime | None = Field(None, description="Moment d'évaluation de l'ouverture")


class TestimonyIn(AnswersIn):
    """What a person agreed to count. Only grounds, domain, QPV or commune, month and age band
    are stored; ``situation`` and ``wishes`` only go to a group session's counts."""

    age_band: str | None = Field(None, max_length=20, description="Tranche d'âge (code)")
    count_publicly: bool = Field(True, description="Compter dans les statistiques du quartier")
    session_code: str | None = Field(
        None, max_length=20, description="Code d'une séance de groupe : partager avec le groupe"
    )


class SessionIn(StrictModel):
    label: str | None = Field(
        None, max_length=80, description="Nom de la séance pour l'animateur·rice (ex. « 3e B »)"
    )
