"""An independent computation of what the coverage must say, straight from the shared files
with GeoPandas (GEOS + PROJ in Python, not PostGIS): which collèges lie within a distance of each
QPV, and which are priority (near a QPV, or REP/REP+)."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd


def near_qpv(shared: Path, distance_m: float) -> dict[str, dict[str, float]]:
    """QPV code → {UAI: distance in metres} for the collèges of Nantes Métropole."""
    schools = gpd.read_file(shared / "schools" / "colleges_nantes_metropole.geojson").to_crs(2154)
    qpv = gpd.read_file(shared / "qpv" / "qpv_2015_nantes_metropole.geojson").to_crs(2154)
    code_col = next(c for c in qpv.columns if c.lower() in ("code_qp", "code"))
    out: dict[str, dict[str, float]] = {}
    for _i, q in qpv.iterrows():
        distances = schools.geometry.distance(q.geometry)
        out[str(q[code_col])] = {
            str(uai): float(d)
            for uai, d in zip(schools["uai"], distances, strict=True)
            if d <= distance_m
        }
    return out


def rep_status(shared: Path) -> dict[str, str]:
    """UAI → REP / REP+ / hors EP of the public collèges of the département."""
    path = shared / "schools" / "education_prioritaire_colleges_publics_dep44.csv"
    with path.open(encoding="utf-8") as f:
        return {row["uai"]: row["ep"] for row in csv.DictReader(f)}


def enrolment(shared: Path) -> dict[str, int | None]:
    schools = gpd.read_file(shared / "schools" / "colleges_nantes_metropole.geojson")
    return {
        str(u): (None if e is None or e != e else int(e))
        for u, e in zip(schools["uai"], schools["effectif"], strict=True)
    }


def priority_schools(shared: Path, distance_m: float) -> set[str]:
    near = {uai for found in near_qpv(shared, distance_m).values() for uai in found}
    rep = {uai for uai, ep in rep_status(shared).items() if ep in ("REP", "REP+")}
    return near | (rep & set(enrolment(shared)))
