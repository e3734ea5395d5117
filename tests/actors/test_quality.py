"""Data-quality score and update campaign (pure)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

from actors import quality
from actors.models import Actor

TODAY = date(2026, 12, 1)
COMPLETE = Actor(
    id=uuid.uuid4(),
    source="s",
    source_id="1",
    nom="Maison de la justice",
    lon=-1.55,
    lat=47.21,
    adresse="1 rue X",
    code_postal="44000",
    commune="Nantes",
    telephone="+33240000000",
    horaires_accueil="Mo-Fr 09:00-12:00",
    publics=["jeunes"],
    description="Accueil, information juridique gratuite et orientation des victimes.",
    last_verified_on=TODAY - timedelta(days=30),
)


def test_a_complete_fresh_actor_scores_100_and_is_not_in_the_campaign() -> None:
    assert quality.score(COMPLETE, TODAY).score == 100
    assert quality.campaign([COMPLETE], TODAY) == []


def test_freshness_is_full_for_six_months_then_decays_to_zero() -> None:
    assert quality.freshness(TODAY - timedelta(days=180), TODAY)[0] == 1.0
    nine_months = quality.freshness(TODAY - timedelta(days=274), TODAY)[0]
    assert 0.6 < nine_months < 0.8
    assert quality.freshness(TODAY - timedelta(days=600), TODAY)[0] == 0.0
    assert quality.freshness(None, TODAY) == (0.0, None)


def test_missing_fields_are_named_and_lower_the_score() -> None:
    poor = replace(
        COMPLETE,
        telephone=None,
        horaires_accueil=None,
        hours_text="lundi (journée)",
        description=None,
        publics=["tous_publics"],
        derived_fields=["publics"],
        last_verified_on=None,
        date_maj=date(2018, 1, 29),
    )
    result = quality.score(poor, TODAY)
    assert result.score < 50
    assert "téléphone ou courriel" in result.missing
    assert "horaires au format structuré (seulement du texte)" in result.missing
    assert "publics à confirmer (déduits du type de structure)" in result.missing
    assert "vérification de moins de six mois" in result.missing
    assert result.stale


def test_campaign_lists_stale_or_poor_actors_worst_first_and_skips_closed_ones() -> None:
    stale = replace(COMPLETE, nom="Ancien", last_verified_on=TODAY - timedelta(days=400))
    poor = replace(COMPLETE, nom="Pauvre", adresse=None, code_postal=None, telephone=None)
    closed = replace(stale, nom="Fermé", status="fermee")
    items = quality.campaign([COMPLETE, stale, poor, closed], TODAY)
    assert [i["nom"] for i in items] == sorted(
        ["Ancien", "Pauvre"], key=lambda n: next(i["score"] for i in items if i["nom"] == n)
    )
    assert {i["nom"] for i in items} == {"Ancien", "Pauvre"}
    assert items[0]["score"] <= items[1]["score"]
    csv_text = quality.campaign_csv(items)
    assert csv_text.splitlines()[0].startswith("nom;commune;score;missing")
