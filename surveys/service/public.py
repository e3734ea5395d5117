"""The public picture: counts on a fixed grid, never a point, a text, a photo or a pseudonym."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg

from geo.errors import Invalid
from surveys import states
from surveys.grid import grid
from surveys.models import DEMO_LABEL, Kind, SurveyConfig
from surveys.repo import public as repo

CELL_M = 200
"""Side of the fixed grid cells, in metres (EPSG:2154). Fixed on purpose: publishing the same
data on several grids would let cell differences reveal positions."""


def method_text(config: SurveyConfig) -> str:
    """The method, in French, as served with every response."""
    return (
        "Les observations ne sont jamais publiées une par une. Elles sont comptées dans une "
        f"grille fixe de carrés de {CELL_M} m de côté (Lambert-93, EPSG:2154), par type "
        "(marche exploratoire ou diagnostic GUSP) et par thème ou catégorie. Un carré n'est "
        f"publié que s'il compte au moins {config.public_min_count} observations de ce thème ; "
        "les autres sont omis. Seules les observations publiées après modération et faites il y "
        f"a plus de {config.public_delay_days} jours sont comptées. Les dates sont arrondies au "
        "mois. Aucun point exact, aucun texte libre, aucune photo ni aucun pseudonyme n'est "
        "diffusé : la géométrie renvoyée est celle du carré, pas celle des observations."
    )


def observations(
    conn: psycopg.Connection[Any],
    config: SurveyConfig,
    kind: Kind | None = None,
    theme: str | None = None,
    demo: bool = False,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of grid cells with their counts and the method."""
    body, features = _collection(conn, config, kind, theme, demo)
    body["features"] = orjson.loads(features)
    return body


def observations_json(
    conn: psycopg.Connection[Any],
    config: SurveyConfig,
    kind: Kind | None = None,
    theme: str | None = None,
    demo: bool = False,
) -> bytes:
    """:func:`observations` serialised, the features as PostgreSQL wrote them (never parsed
    in Python: at a million observations that was most of a computation, measured in bench/)."""
    body, features = _collection(conn, config, kind, theme, demo)
    body["features"] = orjson.Fragment(features)
    return orjson.dumps(body)


def _collection(
    conn: psycopg.Connection[Any],
    config: SurveyConfig,
    kind: Kind | None,
    theme: str | None,
    demo: bool,
) -> tuple[dict[str, Any], str]:
    if theme is not None and theme not in (*grid().themes, *grid().category_codes):
        raise Invalid(f"thème ou catégorie inconnu : {theme!r}")
    codes = (*grid().themes, *grid().category_codes)
    features, total = repo.grid_features(
        conn,
        cell_m=CELL_M,
        min_count=config.public_min_count,
        delay_days=config.public_delay_days,
        published_state=states.moderation().states_in("visible")[0],
        demo=demo,
        labels={code: grid().label_of(code) for code in codes},
        kind=kind.value if kind else None,
        theme=theme,
        territory=config.territory,
    )
    body: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": None,
        "methode": method_text(config),
        "parametres": {
            "taille_carre_m": CELL_M,
            "systeme": "EPSG:2154",
            "seuil_minimal": config.public_min_count,
            "delai_publication_jours": config.public_delay_days,
        },
        "total_publie": total,
        "genere_le": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    if demo:
        body["avertissement"] = DEMO_LABEL
    return body, features
