"""Orientation on the real directory: the places that handle the grounds and the domain,
nearest first from the QPV's centroid, compared with distances computed independently
(shapely centroid of the shared QPV file, pyproj Geod on WGS84, the shared actors file)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import psycopg
from pyproj import Geod

from actors.repo.search import Viewer
from selfcheck import rules, service
from selfcheck.answers import RawAnswers
from selfcheck.models import Config
from tests.actors.helpers import AT, REFUSED
from tests.selfcheck.conftest import MALAKOFF

GEOD = Geod(ellps="WGS84")


def _types_handling(ground: str, domain: str) -> set[str]:
    """Actor types whose rule (actors/type_rules.toml, read here as plain TOML) covers both."""
    raw = tomllib.loads(
        (Path(__file__).parents[2] / "actors" / "type_rules.toml").read_text(encoding="utf-8")
    )
    out = set()
    for rule in raw["rules"]:
        grounds, domains = rule["grounds"], rule["domains"]
        if (grounds == "*" or ground in grounds) and (domains == "*" or domain in domains):
            out.add(rule["actor_type"])
    return out


def expected_nearest(
    shared_data: Path, origin: tuple[float, float], types: set[str], n: int
) -> list[tuple[str, float]]:
    features = json.loads((shared_data / "actors" / "actors_dep44.geojson").read_text())
    found = []
    for f in features["features"]:
        p = f["properties"]
        if p["actor_type"] in types and p.get("source_id") not in REFUSED:
            lon, lat = f["geometry"]["coordinates"]
            found.append((p["nom"], GEOD.inv(origin[0], origin[1], lon, lat)[2]))
    return sorted(found, key=lambda x: x[1])[:n]


def _answer(conn: psycopg.Connection[Any], config: Config, raw: RawAnswers, limit: int = 3):
    from datetime import datetime

    at = datetime.fromisoformat(AT)
    viewer = Viewer(staff=False, today=at.date())
    return service.answer(conn, config, rules.default(), raw, viewer, limit, at)


def test_malakoff_name_internship_gives_the_three_nearest_places_for_origin_and_employment(
    sc_conn: psycopg.Connection[Any],
    config: Config,
    shared_data: Path,
    malakoff_centroid: tuple[float, float],
) -> None:
    result = _answer(sc_conn, config, RawAnswers("refus_emploi", ("nom",), "emploi", MALAKOFF))
    assert result.qualification.outcome == "discrimination_possible"
    types = _types_handling("patronyme", "emploi") | _types_handling("origine", "emploi")
    assert types == {"defenseur_des_droits_permanence", "acces_au_droit_cdad"}
    expected = expected_nearest(shared_data, malakoff_centroid, types, 3)
    got = [
        (f["properties"]["nom"], f["properties"]["distance_m"]) for f in result.orientation.places
    ]
    assert [name for name, _ in got] == [name for name, _ in expected]
    for (_, mine), (_, theirs) in zip(got, expected, strict=True):
        assert abs(mine - theirs) < 1.0  # metres
    assert [d for _, d in got] == sorted(d for _, d in got)
    assert result.orientation.origin == "autour du quartier Malakoff"
    for feature in result.orientation.places:
        props = feature["properties"]
        assert {"patronyme", "origine"} & set(props["grounds"]) and "emploi" in props["domains"]
        assert props["opening"]["label"]  # an opening status for each


def test_places_follow_the_domain_and_several_grounds_are_a_union(
    sc_conn: psycopg.Connection[Any], config: Config, shared_data: Path, malakoff_centroid: Any
) -> None:
    """For an insult, the outcome asks for access-to-law places (police_justice domain)."""
    result = _answer(sc_conn, config, RawAnswers("insulte", ("origine",), None, MALAKOFF), 10)
    assert result.qualification.outcome == "injure_discriminatoire"
    types = _types_handling("origine", "police_justice")
    names = [f["properties"]["nom"] for f in result.orientation.places]
    expected = expected_nearest(shared_data, malakoff_centroid, types, 10)
    assert names == [name for name, _ in expected]


def test_a_commune_uses_the_centre_of_its_places_and_no_place_says_so(
    sc_conn: psycopg.Connection[Any], config: Config
) -> None:
    nantes = _answer(sc_conn, config, RawAnswers("refus_logement", ("quartier",), None, "44109"))
    assert nantes.orientation.origin == "autour du centre de ta commune"
    assert len(nantes.orientation.places) == 3
    # Mauves-sur-Loire: in the territory, no place of the directory there
    mauves = _answer(sc_conn, config, RawAnswers("refus_logement", ("quartier",), None, "44094"))
    assert mauves.orientation.places == [] and "ta commune" in (mauves.orientation.problem or "")
    nowhere = _answer(sc_conn, config, RawAnswers("refus_logement", ("quartier",)))
    assert nowhere.orientation.places == [] and "Choisis ton quartier" in (
        nowhere.orientation.problem or ""
    )
    assert [line.code for line in nowhere.orientation.lines][:2] == [
        "allonantes_discriminations",
        "defenseur_des_droits_3928",
    ]
