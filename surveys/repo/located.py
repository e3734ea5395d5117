"""SQL of the field-level view (:class:`surveys.policy.View`): the one translation of the
policy into SQL for every statement that hands out an observation's place or texts — JSON and
lists, maps, OGC API and exports, hotspots.

The fragments are code constants written over a table alias whose columns are those of
``observation_current`` (``participant_id``, ``author_user_id``, ``geom``, ``comment``…); their
values are the parameters of :func:`params` (names starting with ``v_``).
"""

from __future__ import annotations

from typing import Any

from surveys.policy import View


def own(alias: str = "c") -> str:
    """Boolean: the reader wrote the observation."""
    return (
        f"COALESCE({alias}.participant_id = %(v_me_p)s"
        f" OR {alias}.author_user_id = %(v_me_u)s, false)"
    )


def exact(alias: str = "c") -> str:
    """Boolean: the reader gets the exact point of the observation."""
    return f"(%(v_exact)s OR {own(alias)})"


def text(alias: str = "c") -> str:
    """Boolean: the reader gets the comment and the proposal of the observation."""
    return f"(%(v_text)s OR {own(alias)})"


def cell_centre_l93(l93: str) -> str:
    """The centre (EPSG:2154) of the coarse cell holding the point ``l93`` (EPSG:2154)."""
    return (
        f"ST_SetSRID(ST_MakePoint((floor(ST_X({l93}) / %(v_cell)s) + 0.5) * %(v_cell)s,"
        f" (floor(ST_Y({l93}) / %(v_cell)s) + 0.5) * %(v_cell)s), 2154)"
    )


def point_l93(alias: str = "c", l93: str | None = None) -> str:
    """The observation's point in EPSG:2154 as the reader may see it: exact, or the centre of
    its coarse cell. ``l93`` is the exact point in EPSG:2154 when the source has it
    (``observation_geo.geom_l93``); otherwise it is computed from ``geom``."""
    source = l93 or f"ST_Transform({alias}.geom, 2154)"
    return f"(CASE WHEN {exact(alias)} THEN {source} ELSE {cell_centre_l93(source)} END)"


def point(alias: str = "c") -> str:
    """The observation's point in EPSG:4326 as the reader may see it."""
    coarse = cell_centre_l93(f"ST_Transform({alias}.geom, 2154)")
    return f"(CASE WHEN {exact(alias)} THEN {alias}.geom ELSE ST_Transform({coarse}, 4326) END)"


def shown_text(column: str, alias: str = "c") -> str:
    """The text ``column`` of the observation when the reader may read it, else NULL."""
    return f"(CASE WHEN {text(alias)} THEN {alias}.{column} END)"


def params(view: View) -> dict[str, Any]:
    """The values of the fragments' parameters for ``view``."""
    return {
        "v_exact": view.exact_location,
        "v_text": view.text,
        "v_photos": view.photos,
        "v_authors": view.authors,
        "v_history": view.history,
        "v_me_p": view.participant_id,
        "v_me_u": view.user_id,
        "v_cell": view.cell_m,
    }
