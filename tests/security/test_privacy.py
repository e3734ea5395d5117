"""GDPR: export and erasure with the participant's token, retention purge that keeps the public
aggregates, the French privacy page, and an audit log without personal content."""

from __future__ import annotations

import base64
import json
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from cli.main import app as cli
from tests.security.conftest import MALAKOFF, PASSWORD, World, point
from tests.surveys.conftest import walk_obs


def _publish_many(world: World, who: str, n: int) -> list[str]:
    """``n`` observations of ``who`` in one 200 m cell, published and old enough to count."""
    made = []
    for i in range(n):
        body = walk_obs(world.walk_a["id"], *point(world.conn, MALAKOFF, i, 0), hours_ago=24 * 20)
        resp = world.client.post("/api/observations", json=body, headers=world.h(who))
        assert resp.status_code == 201, resp.text
        resp = world.client.post(
            f"/api/observations/{body['id']}/transitions",
            json={"action": "publier"},
            headers=world.h("moderator"),
        )
        assert resp.status_code == 201
        made.append(body["id"])
    return made


def _public_total(client: TestClient) -> int:
    return int(client.get("/api/public/observations").json()["total_publie"])


def test_export_holds_everything_submitted(world: World) -> None:
    resp = world.client.get("/api/me/export", headers=world.h("participant_a"))
    assert resp.status_code == 200
    assert "attachment" in resp.headers["content-disposition"]
    data = resp.json()
    assert data["participant"]["pseudonym"] == "Aïcha"
    assert data["participant"]["walk"]["id"] == world.walk_a["id"]
    [obs] = data["observations"]
    assert obs["id"] == world.obs_a
    assert obs["versions"][0]["comment"] == "Lampadaire éteint sous la passerelle"
    assert obs["versions"][0]["location"]["type"] == "Point"
    [photo] = obs["photos"]
    assert photo["id"] == world.photo_a
    got = world.client.get(photo["url"], headers=world.h("participant_a"))
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert world.obs_b not in resp.text and "Inès" not in resp.text
    audit = world.conn.execute(
        "SELECT actor_participant_id IS NOT NULL FROM audit_log WHERE action = 'gdpr_export'"
    ).fetchall()
    assert audit == [(True,)]


def test_erasure_removes_everything_and_aggregates_follow(world: World) -> None:
    c = world.client
    theirs = _publish_many(world, "participant_a", 5)
    _publish_many(world, "facilitator_a", 5)
    assert _public_total(c) == 10
    resp = c.delete("/api/me", headers=world.h("participant_a"))
    assert resp.status_code == 200
    assert resp.json() == {"observations": 6, "photos": 1, "participant": True}
    assert c.get("/api/me", headers=world.h("participant_a")).status_code == 401
    for obs_id in [*theirs, world.obs_a]:
        assert c.get(f"/api/observations/{obs_id}", headers=world.h("admin")).status_code == 404
    for table, column in (("observations", "id"), ("observation_versions", "observation_id")):
        row = world.conn.execute(
            f"SELECT count(*) FROM {table} WHERE {column} = ANY(%s::uuid[])", ([*theirs],)
        ).fetchone()
        assert row == (0,)
    assert world.conn.execute(
        "SELECT count(*) FROM participants WHERE pseudonym = 'Aïcha'"
    ).fetchone() == (0,)
    assert _public_total(c) == 5  # the aggregate is recomputed from what remains
    walk = c.get(f"/api/walks/{world.walk_a['id']}", headers=world.h("admin")).json()
    assert walk["observations_count"] == 5 and walk["participants_count"] == 0


def test_retention_purge_keeps_aggregates(world: World, db_url: str) -> None:
    c = world.client
    ids = _publish_many(world, "participant_a", 5)
    before = c.get("/api/public/observations").json()["features"]
    world.conn.execute(
        "UPDATE observations SET received_at = now() - interval '25 months' WHERE id = ANY(%s)",
        ([*ids, world.obs_a],),
    )
    world.conn.execute(
        "UPDATE participants SET joined_at = now() - interval '25 months' WHERE pseudonym = 'Aïcha'"
    )
    env = {"DATABASE_URL": db_url, "CARTEGALITE_RETENTION_MONTHS": "24"}
    result = CliRunner().invoke(cli, ["privacy", "purge"], env=env)
    assert result.exit_code == 0, result.output
    assert "photos effacées" in result.output
    rows = world.conn.execute(
        "SELECT comment, proposal, purged_at IS NOT NULL FROM observation_versions "
        "WHERE observation_id = ANY(%s)",
        ([*ids, world.obs_a],),
    ).fetchall()
    assert rows and all(r == (None, None, True) for r in rows)
    assert world.conn.execute(
        "SELECT count(*) FROM observation_photos WHERE observation_id = %s", (world.obs_a,)
    ).fetchone() == (0,)
    assert world.conn.execute(
        "SELECT count(*) FROM participants WHERE pseudonym = 'Aïcha'"
    ).fetchone() == (0,)
    # the newer observation of B is untouched
    assert world.conn.execute(
        "SELECT comment IS NOT NULL FROM observation_versions WHERE observation_id = %s",
        (world.obs_b,),
    ).fetchone() == (True,)
    after = c.get("/api/public/observations").json()["features"]
    assert after == before
    again = CliRunner().invoke(cli, ["privacy", "purge"], env=env)
    assert "observations dont le texte a été effacé" in again.output


def test_purge_runs_at_start(settings: Any, conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "INSERT INTO audit_log (action, at) VALUES ('read_locations', now() - interval '2 years')"
    )
    with TestClient(create_app(settings)):
        pass
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)


def test_privacy_page_is_french_and_uses_the_configuration(settings: Any) -> None:
    with TestClient(create_app(settings)) as c:
        page = c.get("/confidentialite")
        assert page.status_code == 200
        assert '<html lang="fr">' in page.text
        assert "Contact non configuré" in page.text
        assert "24 mois" in page.text and "180 jours" in page.text
    configured = settings.with_(
        privacy_contact="dpo@exemple-collectivite.fr",
        privacy_controller="Ville d'exemple",
        retention_months=18,
    )
    with TestClient(create_app(configured)) as c:
        text = c.get("/confidentialite").text
        assert "dpo@exemple-collectivite.fr" in text and "Ville d&#39;exemple" in text
        assert "18 mois" in text and "non configuré" not in text


def test_audit_log_has_no_personal_content(world: World) -> None:
    c = world.client
    for who in ("admin", "planner_in", "facilitator_a"):
        assert c.get("/api/observations", headers=world.h(who)).status_code == 200
        assert c.get(f"/api/observations/{world.obs_a}", headers=world.h(who)).status_code == 200
    c.get(f"/api/observations/{world.obs_a}/photos/{world.photo_a}", headers=world.h("admin"))
    c.get(f"/api/walks/{world.walk_a['id']}/participants", headers=world.h("facilitator_a"))
    reset = c.put(
        "/api/users/marc.modo/password", json={"password": PASSWORD}, headers=world.h("admin")
    )
    assert reset.status_code == 204
    log = c.get("/api/audit?limit=1000", headers=world.h("admin"))
    assert log.status_code == 200
    actions = {e["action"] for e in log.json()}
    assert {
        "read_locations",
        "read_observation",
        "read_photo",
        "read_pseudonyms",
        "user_create",
        "password_reset",
    } <= actions
    read = [e for e in log.json() if e["action"] == "read_observation"]
    assert {e["object_id"] for e in read} == {world.obs_a} and len(read) >= 3
    dump = json.dumps(
        [list(r) for r in world.conn.execute("SELECT * FROM audit_log").fetchall()], default=str
    )
    lon, lat = point(world.conn, MALAKOFF)
    for secret in (
        "Aïcha",
        "Inès",
        "Lampadaire",
        PASSWORD,
        "cg_",
        str(lon)[:7],
        str(lat)[:7],
        base64.b64encode("Aïcha".encode()).decode(),
    ):
        assert secret not in dump, secret
