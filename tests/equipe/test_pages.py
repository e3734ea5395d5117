"""The back office over HTTP: forms that keep values and say what is wrong next to the field,
post/redirect/get with a success message, the same access rules and policies as the API."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.equipe.helpers import make_staff, post_form, sign_in

STOPS = "Place Mendès-France ; 47.2062 ; -1.6150\nMaison de quartier ; 47.2075 ; -1.6120"
WALK = {"title": "Bellevue de nuit", "date": "2026-11-20", "time_slot": "nuit", "stops": STOPS}


def test_anonymous_is_sent_to_sign_in_and_roles_are_checked(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    page = client.get("/equipe", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/connexion")
    make_staff(client, admin_headers, "mo.dere", "moderator")
    sign_in(client, "mo.dere")
    home = client.get("/equipe")
    assert home.status_code == 200 and "Modération" in home.text and "Comptes" not in home.text
    assert client.get("/equipe/marches/nouvelle").status_code == 403
    assert client.get("/equipe/comptes").status_code == 403


def test_walk_form_keeps_values_and_places_errors(
    client: TestClient, conn: Any, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "claire.anim", "facilitator")
    sign_in(client, "claire.anim")
    bad = {**WALK, "group_size": "douze", "stops": "Place ; -1.6150 ; 47.2062"}
    resp = post_form(client, "/equipe/marches/nouvelle", bad)
    assert resp.status_code == 422
    html = resp.text
    assert 'value="Bellevue de nuit"' in html  # kept
    assert "Place ; -1.6150 ; 47.2062</textarea>" in html
    assert 'id="f-group_size-erreur"' in html and "nombre entier attendu" in html
    assert 'id="f-stops-erreur"' in html and "inversées" in html
    assert 'aria-describedby="f-stops-aide f-stops-erreur"' in html
    assert "Le formulaire contient 2 erreurs" in html
    assert conn.execute("SELECT count(*) FROM walks").fetchone()[0] == 0
    missing = post_form(client, "/equipe/marches/nouvelle", {**WALK, "title": ""})
    assert missing.status_code == 422 and "donnez un titre" in missing.text


def test_create_pair_and_move_a_walk_along(
    client: TestClient, conn: Any, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "claire.anim", "facilitator")
    sign_in(client, "claire.anim")
    night = post_form(client, "/equipe/marches/nouvelle", WALK)
    assert night.status_code == 303
    night_id = night.headers["location"].split("/")[-1].split("?")[0]
    page = client.get(night.headers["location"])
    assert "La marche est créée." in page.text and "Maison de quartier" in page.text
    assert re.search(r"Code d'invitation</dt><dd><strong>[A-Z0-9-]+</strong>", page.text)
    day = post_form(
        client,
        "/equipe/marches/nouvelle",
        {**WALK, "title": "Bellevue de jour", "time_slot": "jour", "paired": night_id},
        page=f"/equipe/marches/nouvelle?apparier={night_id}",
    )
    assert day.status_code == 303
    day_page = client.get(day.headers["location"]).text
    assert f'href="/equipe/marches/{night_id}">Bellevue de nuit</a>' in day_page
    step = post_form(
        client,
        f"/equipe/marches/{night_id}/etat",
        {"action": "realiser", "comment": "faite avec 9 habitantes"},
        page=f"/equipe/marches/{night_id}",
    )
    assert step.status_code == 303
    after = client.get(f"/equipe/marches/{night_id}").text
    assert "Réalisée" in after and "faite avec 9 habitantes" in after
    illegal = post_form(
        client,
        f"/equipe/marches/{night_id}/etat",
        {"action": "faire_bilan"},
        page=f"/equipe/marches/{night_id}",
    )
    assert illegal.status_code == 409 and "transition impossible" in illegal.text


def test_moderation_queue_publishes_in_bulk_and_hides_with_a_reason(
    client: TestClient, conn: Any, admin_headers: dict[str, str]
) -> None:
    from tests.equipe.seed import walk_with_observations

    ids = walk_with_observations(client, admin_headers, 3)
    make_staff(client, admin_headers, "mo.dere", "moderator")
    sign_in(client, "mo.dere")
    queue = client.get("/equipe/moderation").text
    assert all(i in queue for i in ids)
    assert queue.index(ids[0]) < queue.index(ids[2])  # oldest first
    no_reason = post_form(client, "/equipe/moderation", {"ids": [ids[0]], "action": "masquer"})
    assert no_reason.status_code == 422 and "motif est obligatoire" in no_reason.text
    hide = post_form(
        client,
        "/equipe/moderation",
        {"ids": [ids[0]], "action": "masquer", "reason": "nom d'une personne"},
    )
    assert hide.status_code == 303
    ok = post_form(client, "/equipe/moderation", {"ids": ids[1:], "action": "publier"})
    assert ok.status_code == 303
    states = dict(conn.execute("SELECT id::text, moderation FROM observations").fetchall())
    assert states == {ids[0]: "masquee", ids[1]: "publiee", ids[2]: "publiee"}
    reason = conn.execute(
        "SELECT comment FROM observation_transitions WHERE observation_id = %s", (ids[0],)
    ).fetchone()
    assert reason == ("nom d'une personne",)
    assert "Aucune observation en attente" in client.get("/equipe/moderation").text


def test_admin_creates_a_scoped_planner_and_sees_the_audit(
    client: TestClient, conn: Any, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "ad.min", "admin")
    sign_in(client, "ad.min")
    weak = post_form(
        client,
        "/equipe/comptes",
        {"login": "urba.bellevue", "role": "planner", "password": "court", "scope_qpv": ""},
    )
    assert weak.status_code == 422 and 'value="urba.bellevue"' in weak.text
    assert 'id="f-password-erreur"' in weak.text
    made = post_form(
        client,
        "/equipe/comptes",
        {
            "login": "urba.bellevue",
            "role": "planner",
            "password": "Un-mot-de-passe-solide-2026",
            "scope_qpv": "QP044005",
            "display_name": "Urbanisme",
        },
    )
    assert made.status_code == 303
    row = conn.execute("SELECT role, scope_qpv FROM users WHERE login = 'urba.bellevue'").fetchone()
    assert row == ("planner", ["QP044005"])
    off = post_form(
        client, "/equipe/comptes/urba.bellevue/acces", {"disabled": "true"}, page="/equipe/comptes"
    )
    assert off.status_code == 303
    assert conn.execute(
        "SELECT disabled_at IS NOT NULL FROM users WHERE login = 'urba.bellevue'"
    ).fetchone()[0]
    journal = client.get("/equipe/journal?action=user_create").text
    assert "user_create" in journal and "ad.min" in journal
    assert "user_update" not in journal.split("<tbody>")[1]


def test_edit_a_walk_its_route_and_stops_until_observations_name_them(
    client: TestClient, conn: Any, admin_headers: dict[str, str]
) -> None:
    import uuid
    from datetime import UTC, datetime, timedelta

    make_staff(client, admin_headers, "claire.anim", "facilitator")
    sign_in(client, "claire.anim")
    made = post_form(client, "/equipe/marches/nouvelle", WALK)
    walk_id = made.headers["location"].split("/")[-1].split("?")[0]
    edit = f"/equipe/marches/{walk_id}/modifier"
    form = client.get(edit).text
    assert (
        'value="Bellevue de nuit"' in form and "Place Mendès-France ; 47.206200 ; -1.615000" in form
    )
    route = "47.2062 ; -1.6150\n47.2075 ; -1.6120"
    bad = post_form(client, edit, {**WALK, "route": "47.2062 ; -1.6150"})
    assert bad.status_code == 422 and "au moins deux points" in bad.text
    saved = post_form(
        client,
        edit,
        {
            **WALK,
            "title": "Bellevue de nuit (2)",
            "route": route,
            "stops": STOPS + "\nTram ; 47.2080 ; -1.6100",
        },
    )
    assert saved.status_code == 303, saved.text
    row = conn.execute(
        "SELECT title, ST_NPoints(geom), (SELECT count(*) FROM walk_stops WHERE walk_id = w.id) "
        "FROM walks w WHERE id = %s",
        (walk_id,),
    ).fetchone()
    assert row == ("Bellevue de nuit (2)", 2, 3)
    # an observation at the first stop: the stops are fixed from then on
    walk = client.get(f"/api/walks/{walk_id}", headers=admin_headers).json()
    joined = client.post(
        "/api/walks/join", json={"invite_code": walk["invite_code"], "pseudonym": "Awa"}
    ).json()
    stop = walk["stops"][0]
    obs = client.post(
        "/api/observations",
        json={
            "id": str(uuid.uuid4()),
            "kind": "marche",
            "walk_id": walk_id,
            "stop_id": stop["id"],
            "location": stop["location"],
            "observed_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "theme": "visibilite",
            "rating": 1,
        },
        headers={"Authorization": f"Bearer {joined['token']}"},
    )
    assert obs.status_code == 201, obs.text
    fixed = post_form(
        client, edit, {**WALK, "title": "Bellevue", "stops": "Ailleurs ; 47.21 ; -1.60"}
    )
    assert fixed.status_code == 422 and "les arrêts ne peuvent plus changer" in fixed.text
    kept = client.get(edit).text
    same = post_form(
        client,
        edit,
        {
            **WALK,
            "title": "Bellevue de nuit (3)",
            "stops": kept.split('name="stops" rows="6"')[1]
            .split(">", 1)[1]
            .split("</textarea>")[0]
            .replace("&#39;", "'"),
            "route": route,
        },
    )
    assert same.status_code == 303  # the same stops: the other fields still change


def test_walk_list_sorts_and_pages_on_the_server(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    for i in range(27):
        made = client.post(
            "/api/walks",
            json={
                "title": f"Marche {i:02d}",
                "date": f"2026-{1 + i % 12:02d}-10",
                "time_slot": "jour",
            },
            headers=admin_headers,
        )
        assert made.status_code == 201
    make_staff(client, admin_headers, "ad.min", "admin")
    sign_in(client, "ad.min")
    first = client.get("/equipe/marches?tri=title&ordre=asc").text
    titles = re.findall(r">(Marche \d\d)</a>", first)
    assert titles == [f"Marche {i:02d}" for i in range(25)]
    assert 'aria-sort="ascending"' in first and "Page 1 sur 2" in first
    assert 'href="/equipe/marches?tri=title&amp;ordre=asc&amp;page=2"' in first
    second = client.get("/equipe/marches?tri=title&ordre=asc&page=2").text
    assert re.findall(r">(Marche \d\d)</a>", second) == ["Marche 25", "Marche 26"]
    down = client.get("/equipe/marches?tri=title&ordre=desc").text
    assert re.findall(r">(Marche \d\d)</a>", down)[0] == "Marche 26"
    assert client.get("/equipe/marches?tri=nimporte&page=x").status_code == 200


def test_admin_changes_a_planners_territory(
    client: TestClient, conn: Any, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "ad.min", "admin")
    make_staff(client, admin_headers, "urba.nantes", "planner")
    sign_in(client, "ad.min")
    page = "/equipe/comptes"
    bad = post_form(client, "/equipe/comptes/urba.nantes/territoire", {"communes": "nantes"}, page)
    assert bad.status_code == 422 and "code INSEE" in bad.text
    ok = post_form(
        client, "/equipe/comptes/urba.nantes/territoire", {"scope_qpv": "QP044005"}, page
    )
    assert ok.status_code == 303
    row = conn.execute("SELECT scope_qpv FROM users WHERE login = 'urba.nantes'").fetchone()
    assert row == (["QP044005"],)


def test_refusals_in_the_back_office_are_french_pages(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "mo.dere", "moderator")
    sign_in(client, "mo.dere")
    forbidden = client.get("/equipe/comptes")
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith("text/html")
    assert "<h1>Accès refusé</h1>" in forbidden.text and "Retour à l'espace" in forbidden.text
    missing = client.get("/equipe/marches/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "<h1>Page introuvable</h1>" in missing.text
    api = client.get("/equipe/comptes", headers=admin_headers | {"x": "1"})
    assert api.status_code == 200
    json_client = client.get(
        "/equipe/marches/00000000-0000-4000-8000-000000000000", headers=admin_headers
    )
    assert json_client.status_code == 404 and json_client.json()["detail"]
