"""Fixtures of the map pages' tests: one session template holding the real support actors, the
collèges of Nantes Métropole and the scenario of :mod:`tests.cartes.scenario` (written through
the services), cloned for each test; ``client``, ``live_server`` and ``page`` run on the clone."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from actors.importer import import_file
from exhibitions import service as exhibitions
from exhibitions.annuaire import read_schools
from geo.localdb import LocalCluster
from geo.postgis import connect
from tests.cartes import scenario
from tests.conftest import clone_database, drop_database

MAPS_TEMPLATE = "cg_maps_template"

LAYERS_JS = """() => {
  const out = {};
  for (const key of Object.keys(window)) {
    if (!/^layer_control_.*_layers$/.test(key)) continue;
    const overlays = window[key].overlays;
    for (const name of Object.keys(overlays)) {
      const layer = overlays[name];
      out[name] = layer.getLayers ? layer.getLayers().length
        : (layer._latlngs ? layer._latlngs.length : -1);
    }
  }
  return out;
}"""
"""Number of features/markers/points in each overlay of the page's layer control(s), by name
(names are HTML: the control shows them as such)."""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def layer_count(layers: dict[str, int], prefix: str) -> int:
    """Count of the overlay whose name starts with ``prefix`` (summed over maps)."""
    found = [n for name, n in layers.items() if html.unescape(name).startswith(prefix)]
    assert found, f"no layer {prefix!r} in {sorted(layers)}"
    return sum(found)


@pytest.fixture(scope="session")
def maps_template(
    pg_cluster: LocalCluster, template_db: str, shared_data: Path
) -> tuple[str, scenario.Scenario]:
    """The QPV template + actors + collèges + the scenario, built once per session."""
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(MAPS_TEMPLATE), sql.Identifier(template_db)
            )
        )
    schools = shared_data / "schools"
    with connect(pg_cluster.url(MAPS_TEMPLATE), autocommit=True) as conn:
        import_file(conn, shared_data / "actors" / "actors_dep44.geojson")
        read = read_schools(
            schools / "colleges_nantes_metropole.geojson",
            education_prioritaire=schools / "education_prioritaire_colleges_publics_dep44.csv",
        )
        exhibitions.import_schools(conn, read, "nantes-metropole")
        built = scenario.build(conn)
    return MAPS_TEMPLATE, built


@pytest.fixture
def story(maps_template: tuple[str, scenario.Scenario]) -> scenario.Scenario:
    return maps_template[1]


@pytest.fixture
def db_url(pg_cluster: LocalCluster, maps_template: tuple[str, scenario.Scenario]) -> Iterator[str]:
    """In this package the test database holds the scenario."""
    name = clone_database(pg_cluster, maps_template[0])
    try:
        yield pg_cluster.url(name)
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture
def staff_page(page: Any, story: scenario.Scenario) -> Any:
    """The browser page of the planner (staff bearer token sent with every request)."""
    page.context.set_extra_http_headers(bearer(story.tokens["lea.urba"]))
    return page
