"""Route × role matrix: every route the app serves (enumerated from the app itself) has an access
rule in ``api/access.py`` and is called for real by nine identities, each answer compared with
what the rule and the object-level policy say.

A new route without a rule fails :func:`test_every_route_has_an_access_rule`; a new route
without a case below is still called by every identity with placeholder parameters
(:func:`test_routes_without_a_case_still_honour_their_rule`), so its role gate is checked from
day one; adding a case here then pins its object-level behaviour too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from accounts.models import Role
from api import access
from tests.actors.test_write_api import NEW as ACTOR
from tests.equipe.helpers import ORIGIN
from tests.security.conftest import IDENTITIES, MALAKOFF, PASSWORD, SCHOOL, World, point
from tests.surveys.conftest import walk_obs

ROLE_OF = {
    "participant_a": Role.PARTICIPANT,
    "participant_b": Role.PARTICIPANT,
    "facilitator_a": Role.FACILITATOR,
    "facilitator_b": Role.FACILITATOR,
    "planner_in": Role.PLANNER,
    "planner_out": Role.PLANNER,
    "moderator": Role.MODERATOR,
    "admin": Role.ADMIN,
    "body": Role.BODY,
}
OUT_A = frozenset({"participant_b", "facilitator_b", "planner_out", "body"})
"""Identities that may not see walk A's objects."""

Made = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """How to call a route, and what allowed identities get (denied ones: 401/403)."""

    make: Callable[[World, str], Made]
    ok: int = 200
    out: frozenset[str] = frozenset()
    out_code: int = 404
    other: dict[str, int] = field(default_factory=dict)


def get(url: str) -> Callable[[World, str], Made]:
    return lambda w, who: (url.format(w=w), {})


def body(url: str, build: Callable[[World, str], Any]) -> Callable[[World, str], Made]:
    return lambda w, who: (url.format(w=w), {"json": build(w, who)})


def _walk_body(w: World, who: str) -> dict[str, Any]:
    return {
        "title": f"Marche {w.n()}",
        "date": "2026-05-02",
        "time_slot": "jour",
        "qpv_codes": [MALAKOFF],
    }


def _obs_a(w: World, who: str) -> dict[str, Any]:
    return walk_obs(w.walk_a["id"], *point(w.conn, MALAKOFF, w.n() % 40, 5))


def _logout(w: World, who: str) -> Made:
    fresh = (
        w.join(w.walk_a)
        if who.startswith("participant")
        else (w.login(who) if who != "anonymous" else {})
    )
    return "/api/auth/logout", {"headers": fresh}


def _erase(w: World, who: str) -> Made:
    fresh = {}
    if who == "participant_a":
        fresh = w.join(w.walk_a)
    elif who == "participant_b":
        fresh = w.join(w.walk_b)
    return "/api/me", {"headers": fresh} if fresh else {}


def _password_reset(w: World, who: str) -> Made:
    login = f"cible{w.n()}"
    resp = w.client.post(
        "/api/users", json={"login": login, "role": "moderator"}, headers=w.h("admin")
    )
    assert resp.status_code == 201
    return f"/api/users/{login}/password", {"json": {"password": PASSWORD}}


def _walk_transition(w: World, who: str) -> Made:
    walk = w.new_walk("facilitator_a")
    return f"/api/walks/{walk['id']}/transitions", {"json": {"action": "realiser"}}


def _staff_walk_step(w: World, who: str) -> Made:
    walk = w.new_walk("facilitator_a")
    return f"/equipe/marches/{walk['id']}/etat", {
        "data": {"action": "realiser"},
        "follow_redirects": False,
    }


def _staff_moderation(w: World, who: str) -> Made:
    obs = w.observation("participant_a")
    return "/equipe/moderation", {
        "data": {"ids": [str(obs)], "action": "publier"},
        "follow_redirects": False,
    }


def form(url: str, build: Callable[[World, str], dict[str, Any]]) -> Callable[[World, str], Made]:
    """A back-office form post (bearer header: no CSRF token needed), redirect not followed."""
    return lambda w, who: (url, {"data": build(w, who), "follow_redirects": False})


def _obs_transition(w: World, who: str) -> Made:
    obs = w.observation("participant_a")
    action = "publier" if who in ("moderator", "admin") else "ouvrir"
    return f"/api/observations/{obs}/transitions", {"json": {"action": action}}


def _photo(w: World, who: str) -> Made:
    from tests.surveys.images import phone_jpeg

    return f"/api/observations/{w.obs_a}/photos", {
        "files": {"file": ("p.jpg", phone_jpeg(), "image/jpeg")},
        "data": {"photo_id": str(uuid.uuid4())},
    }


def _showing(w: World, who: str) -> dict[str, Any]:
    start = datetime(2026, 1, 5, tzinfo=UTC).date() + timedelta(days=7 * w.n())
    return {
        "copy_number": 2,
        "uai": w.uai,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
    }


def _own_obs(method: str) -> Callable[[World, str], Made]:
    def make(w: World, who: str) -> Made:
        obs = w.observation("participant_a")
        kwargs: dict[str, Any] = {}
        if method == "PATCH":
            body = _obs_a(w, who)
            for key in ("id", "kind", "walk_id", "observed_at"):
                body.pop(key)
            kwargs["json"] = {**body, "base_version": 1, "comment": "Corrigé"}
        return f"/api/observations/{obs}", kwargs

    return make


AUTHOR_ONLY = {"facilitator_a": 403, "planner_in": 403, "admin": 403}
"""Visible but written by someone else: correcting or deleting is the author's alone."""


def _actor(w: World, _who: str) -> dict[str, Any]:
    return {**ACTOR, "nom": f"Point d'écoute {w.n()}"}


def _presence(w: World, who: str) -> Made:
    """A count at the first stop of walk A (a new id each call)."""
    row = w.conn.execute(
        "SELECT id::text FROM walk_stops WHERE walk_id = %s ORDER BY position LIMIT 1",
        (w.walk_a["id"],),
    ).fetchone()
    assert row is not None
    stop = row[0]
    return "/api/presence", {
        "json": {
            "id": str(uuid.uuid4()),
            "walk_id": w.walk_a["id"],
            "stop_id": stop,
            "observed_at": datetime.now(UTC).isoformat(),
            "counts": {"femmes": 2, "hommes": 5, "enfants": 1},
        }
    }


CASES: dict[tuple[str, str], Case] = {
    ("GET", "/health"): Case(get("/health")),
    ("GET", "/openapi.json"): Case(get("/openapi.json")),
    ("GET", "/docs"): Case(get("/docs")),
    ("GET", "/"): Case(get("/")),
    ("GET", "/api/qpv"): Case(get("/api/qpv")),
    ("GET", "/api/qpv/lookup"): Case(get("/api/qpv/lookup?lon=-1.5536&lat=47.2173")),
    ("GET", "/api/qpv/{code}"): Case(get(f"/api/qpv/{MALAKOFF}")),
    ("GET", "/cartes/qpv"): Case(get("/cartes/qpv")),
    ("GET", "/cartes/observations"): Case(get("/cartes/observations")),
    ("GET", "/expositions/couverture"): Case(get("/expositions/couverture")),
    ("GET", "/confidentialite"): Case(get("/confidentialite")),
    ("GET", "/ogc"): Case(get("/ogc")),
    ("GET", "/ogc/conformance"): Case(get("/ogc/conformance")),
    ("GET", "/ogc/collections"): Case(get("/ogc/collections")),
    ("GET", "/ogc/collections/{cid}"): Case(get("/ogc/collections/qpv-2015")),
    ("GET", "/ogc/collections/{cid}/items"): Case(get("/ogc/collections/qpv-2015/items")),
    ("GET", "/ogc/collections/{cid}/items/{fid}"): Case(
        get(f"/ogc/collections/qpv-2015/items/{MALAKOFF}")
    ),
    # accounts
    ("POST", "/api/users"): Case(
        body("/api/users", lambda w, _: {"login": f"compte{w.n()}", "role": "moderator"}), 201
    ),
    ("GET", "/api/users"): Case(get("/api/users")),
    ("PATCH", "/api/users/{login}"): Case(
        body("/api/users/hugo.urba", lambda w, _: {"display_name": "Hugo"})
    ),
    ("PUT", "/api/users/{login}/password"): Case(_password_reset, 204),
    ("GET", "/api/me"): Case(get("/api/me")),
    ("POST", "/api/auth/login"): Case(
        body("/api/auth/login", lambda w, _: {"login": "samir.anim", "password": PASSWORD})
    ),
    ("POST", "/api/auth/logout"): Case(_logout, 204),
    ("POST", "/api/auth/password"): Case(
        body(
            "/api/auth/password",
            lambda w, _: {"current_password": PASSWORD, "new_password": PASSWORD},
        ),
        204,
    ),
    ("GET", "/api/audit"): Case(get("/api/audit")),
    ("GET", "/api/me/export"): Case(get("/api/me/export")),
    ("DELETE", "/api/me"): Case(_erase),
    # walks
    ("POST", "/api/walks"): Case(body("/api/walks", _walk_body), 201),
    ("GET", "/api/walks"): Case(get("/api/walks")),
    ("POST", "/api/walks/join"): Case(
        body(
            "/api/walks/join",
            lambda w, _: {"invite_code": w.walk_a["invite_code"], "pseudonym": "Zoé"},
        )
    ),
    ("GET", "/api/walks/{walk_id}"): Case(get("/api/walks/{w.walk_a[id]}"), out=OUT_A),
    ("GET", "/api/walks/{walk_id}/aide"): Case(get("/api/walks/{w.walk_a[id]}/aide"), out=OUT_A),
    ("GET", "/equipe/marches/{walk_id}"): Case(
        get("/equipe/marches/{w.walk_a[id]}"), out=frozenset({"facilitator_b", "planner_out"})
    ),
    ("POST", "/equipe/marches/{walk_id}/etat"): Case(
        _staff_walk_step, 303, out=frozenset({"facilitator_b"})
    ),
    ("POST", "/equipe/moderation"): Case(_staff_moderation, 303),
    ("GET", "/equipe/marches/{walk_id}/modifier"): Case(
        get("/equipe/marches/{w.walk_a[id]}/modifier"), out=frozenset({"facilitator_b"})
    ),
    ("POST", "/equipe/marches/{walk_id}/modifier"): Case(
        lambda w, _: (
            f"/equipe/marches/{w.new_walk('facilitator_a')['id']}/modifier",
            {
                "data": {"title": "Marche modifiée", "date": "2026-05-03", "time_slot": "nuit"},
                "follow_redirects": False,
            },
        ),
        303,
        out=frozenset({"facilitator_b"}),
    ),
    ("POST", "/equipe/marches/{walk_id}/texte"): Case(
        lambda w, _: (
            f"/equipe/marches/{w.walk_a['id']}/texte",
            {"data": {"version": "restitution", "text": "Restitué"}, "follow_redirects": False},
        ),
        303,
        out=frozenset({"facilitator_b"}),
    ),
    ("POST", "/api/walks/{walk_id}/transitions"): Case(
        _walk_transition, out=frozenset({"facilitator_b"})
    ),
    ("GET", "/api/walks/{walk_id}/participants"): Case(
        get("/api/walks/{w.walk_a[id]}/participants"), out=frozenset({"facilitator_b"})
    ),
    ("GET", "/api/walks/{walk_id}/comparison"): Case(
        get("/api/walks/{w.walk_a[id]}/comparison"),
        out=frozenset({"facilitator_b", "planner_out"}),
    ),
    # observations
    ("POST", "/api/observations"): Case(
        body("/api/observations", _obs_a), 201, out=OUT_A, out_code=422
    ),
    ("POST", "/api/observations/batch"): Case(
        body("/api/observations/batch", lambda w, who: {"items": [_obs_a(w, who)]})
    ),
    ("POST", "/api/observations/sync-status"): Case(
        body("/api/observations/sync-status", lambda w, _: {"ids": [w.obs_a]})
    ),
    ("GET", "/api/observations"): Case(get("/api/observations")),
    ("GET", "/api/observations/{obs_id}"): Case(get("/api/observations/{w.obs_a}"), out=OUT_A),
    ("POST", "/api/observations/{obs_id}/transitions"): Case(
        _obs_transition, 201, out=frozenset({"facilitator_b", "planner_out"})
    ),
    ("POST", "/api/observations/{obs_id}/photos"): Case(_photo, 201, out=OUT_A),
    ("GET", "/api/observations/{obs_id}/photos/{photo_id}"): Case(
        get("/api/observations/{w.obs_a}/photos/{w.photo_a}"), out=OUT_A
    ),
    # follow-up and action plan
    ("GET", "/api/routing-rules"): Case(get("/api/routing-rules")),
    ("PUT", "/api/routing-rules"): Case(
        body(
            "/api/routing-rules",
            lambda w, _: {"category": "proprete", "qpv_code": MALAKOFF, "body": "Régie"},
        ),
        out=frozenset({"planner_out"}),  # another QPV's rule: not theirs to see
    ),
    ("DELETE", "/api/routing-rules/{rule_id}"): Case(
        lambda w, _: (f"/api/routing-rules/{w.new_rule()}", {}),
        204,
        out=frozenset({"planner_out"}),
    ),
    ("POST", "/api/actions"): Case(
        body(
            "/api/actions",
            lambda w, _: {
                "title": "Éclairer",
                "owner_org": "Nantes Métropole",
                "observation_ids": [w.obs_a],
            },
        ),
        201,
        out=frozenset({"planner_out"}),
        out_code=422,
    ),
    ("GET", "/api/actions"): Case(get("/api/actions")),
    ("GET", "/equipe/signalements"): Case(get("/equipe/signalements")),
    ("GET", "/api/me/suivi"): Case(get("/api/me/suivi")),
    ("GET", "/open311/v2/services.json"): Case(get("/open311/v2/services.json")),
    ("POST", "/open311/v2/requests.json"): Case(
        lambda w, _: (
            "/open311/v2/requests.json",
            {
                "data": {
                    "service_code": "depot_sauvage",
                    "lat": str(point(w.conn, MALAKOFF, w.n() % 40, 7)[1]),
                    "long": str(point(w.conn, MALAKOFF, w.n() % 40, 7)[0]),
                }
            },
        ),
        201,
    ),
    ("GET", "/open311/v2/requests.json"): Case(get("/open311/v2/requests.json")),
    ("GET", "/open311/v2/requests/{request_id}.json"): Case(
        get("/open311/v2/requests/{w.obs_a}.json"),
        404,  # nothing of A is routed to the body
    ),
    ("POST", "/open311/v2/requests/{request_id}.json"): Case(
        lambda w, _: (f"/open311/v2/requests/{w.obs_a}.json", {"data": {"status": "closed"}}),
        404,
    ),
    ("POST", "/api/me/suivi/lien"): Case(lambda w, _: ("/api/me/suivi/lien", {}), 201),
    ("GET", "/suivi/{token}"): Case(get("/suivi/cg_inconnu"), 404),
    ("GET", "/mise-a-jour/{token}"): Case(get("/mise-a-jour/" + "x" * 43), 404),
    ("GET", "/equipe/comptage"): Case(get("/equipe/comptage")),
    ("POST", "/equipe/comptage"): Case(
        form("/equipe/comptage", lambda w, _: {"id": str(uuid.uuid4()), "minutes": "x"}), 422
    ),
    ("POST", "/api/presence"): Case(
        _presence, 201, out=frozenset({"participant_b", "facilitator_b", "planner_out"})
    ),
    ("POST", "/mise-a-jour/{token}"): Case(
        lambda w, who: (
            "/mise-a-jour/" + "x" * 43,
            {"data": {"action": "inchange"}, "headers": {**w.h(who), "Origin": ORIGIN}},
        ),
        404,
    ),
    ("GET", "/equipe"): Case(get("/equipe")),
    ("GET", "/equipe/marches"): Case(get("/equipe/marches")),
    ("GET", "/equipe/marches/nouvelle"): Case(get("/equipe/marches/nouvelle")),
    ("POST", "/equipe/marches/nouvelle"): Case(
        form(
            "/equipe/marches/nouvelle",
            lambda w, _: {"title": f"Marche {w.n()}", "date": "2026-05-02", "time_slot": "jour"},
        ),
        303,
    ),
    ("GET", "/equipe/moderation"): Case(get("/equipe/moderation")),
    ("GET", "/equipe/comptes"): Case(get("/equipe/comptes")),
    ("POST", "/equipe/comptes"): Case(
        form("/equipe/comptes", lambda w, _: {"login": f"compte.{w.n()}", "role": "moderator"}),
        303,
    ),
    ("POST", "/equipe/comptes/{login}/acces"): Case(
        form("/equipe/comptes/hugo.urba/acces", lambda w, _: {"disabled": "false"}), 303
    ),
    ("POST", "/equipe/comptes/{login}/territoire"): Case(
        form("/equipe/comptes/hugo.urba/territoire", lambda w, _: {"scope_qpv": "QP044005"}), 303
    ),
    ("POST", "/equipe/comptes/{login}/mot-de-passe"): Case(
        form("/equipe/comptes/hugo.urba/mot-de-passe", lambda w, _: {"password": "court"}),
        422,  # a weak password: refused, and the account's sessions stay open
    ),
    ("GET", "/equipe/journal"): Case(get("/equipe/journal")),
    ("GET", "/equipe/annuaire"): Case(get("/equipe/annuaire")),
    ("GET", "/equipe/annuaire/import"): Case(get("/equipe/annuaire/import")),
    ("POST", "/equipe/annuaire/import"): Case(
        form("/equipe/annuaire/import", lambda w, _: {}), 422
    ),
    ("POST", "/equipe/annuaire/import/confirmer"): Case(
        form("/equipe/annuaire/import/confirmer", lambda w, _: {"token": "0" * 32}), 404
    ),
    ("GET", "/equipe/annuaire/doublons"): Case(get("/equipe/annuaire/doublons")),
    ("POST", "/equipe/annuaire/doublons/{dup_id}"): Case(
        form("/equipe/annuaire/doublons/999999", lambda w, _: {"decision": "distinct"}), 404
    ),
    ("GET", "/equipe/annuaire/nouveau"): Case(get("/equipe/annuaire/nouveau")),
    ("POST", "/equipe/annuaire/nouveau"): Case(
        form("/equipe/annuaire/nouveau", lambda w, _: {"nom": ""}), 422
    ),
    ("GET", "/equipe/annuaire/{actor_id}"): Case(get(f"/equipe/annuaire/{uuid.uuid4()}"), 404),
    ("GET", "/equipe/annuaire/propositions"): Case(get("/equipe/annuaire/propositions")),
    ("GET", "/equipe/annuaire/propositions/{proposal_id}"): Case(
        get("/equipe/annuaire/propositions/999999"), 404
    ),
    ("POST", "/equipe/annuaire/propositions/{proposal_id}"): Case(
        form("/equipe/annuaire/propositions/999999", lambda w, _: {"decision": "refuser"}), 404
    ),
    ("POST", "/equipe/annuaire/campagne"): Case(
        form("/equipe/annuaire/campagne", lambda w, _: {}), 422
    ),
    ("POST", "/equipe/annuaire/{actor_id}/lien"): Case(
        form(f"/equipe/annuaire/{uuid.uuid4()}/lien", lambda w, _: {"to": "a@example.org"}), 404
    ),
    ("POST", "/equipe/annuaire/{actor_id}"): Case(
        form(f"/equipe/annuaire/{uuid.uuid4()}", lambda w, _: {"nom": "x"}), 404
    ),
    ("POST", "/equipe/annuaire/{actor_id}/verifie"): Case(
        form(f"/equipe/annuaire/{uuid.uuid4()}/verifie", lambda w, _: {}), 404
    ),
    ("GET", "/equipe/expositions"): Case(get("/equipe/expositions")),
    ("POST", "/equipe/expositions"): Case(
        form("/equipe/expositions", lambda w, _: {"title": f"Expo {w.n()}", "copies": "1"}), 303
    ),
    ("GET", "/equipe/expositions/reserver"): Case(get("/equipe/expositions/reserver")),
    ("POST", "/equipe/expositions/{exhibition_id}/exemplaire"): Case(
        form(f"/equipe/expositions/{uuid.uuid4()}/exemplaire", lambda w, _: {}), 404
    ),
    ("POST", "/equipe/expositions/reserver"): Case(
        form("/equipe/expositions/reserver", lambda w, _: {}), 422
    ),
    ("GET", "/equipe/signalements/{obs_id}"): Case(
        get("/equipe/signalements/{w.obs_a}"), out=frozenset({"planner_out"})
    ),
    ("POST", "/equipe/signalements/{obs_id}/suivi"): Case(
        lambda w, _: (
            f"/equipe/signalements/{w.observation('participant_a')}/suivi",
            {"data": {"action": "ouvrir"}, "follow_redirects": False},
        ),
        303,
        out=frozenset({"planner_out"}),
    ),
    ("POST", "/equipe/signalements/{obs_id}/action"): Case(
        lambda w, _: (
            f"/equipe/signalements/{w.obs_a}/action",
            {
                "data": {"title": "Éclairer", "owner_org": "Nantes Métropole"},
                "follow_redirects": False,
            },
        ),
        303,
        out=frozenset({"planner_out"}),
    ),
    ("GET", "/equipe/actions"): Case(get("/equipe/actions")),
    ("GET", "/equipe/orientation"): Case(get("/equipe/orientation")),
    ("POST", "/equipe/orientation"): Case(
        form(
            "/equipe/orientation",
            lambda w, _: {"category": "proprete", "qpv": MALAKOFF, "body": "Régie"},
        ),
        303,
        out=frozenset({"planner_out"}),  # another QPV's rule: refused on the form
        out_code=422,
    ),
    ("POST", "/equipe/orientation/{rule_id}/supprimer"): Case(
        lambda w, _: (
            f"/equipe/orientation/{w.new_rule()}/supprimer",
            {"data": {}, "follow_redirects": False},
        ),
        303,
        out=frozenset({"planner_out"}),
    ),
    ("POST", "/equipe/actions/{action_id}/etat"): Case(
        lambda w, _: (
            f"/equipe/actions/{w.new_action()}/etat",
            {"data": {"action": "valider"}, "follow_redirects": False},
        ),
        303,
        out=frozenset({"planner_out"}),
    ),
    ("GET", "/api/actions/open"): Case(get("/api/actions/open")),
    ("GET", "/api/actions/{action_id}"): Case(
        get("/api/actions/{w.action}"), out=frozenset({"planner_out"})
    ),
    ("POST", "/api/actions/{action_id}/observations"): Case(
        body("/api/actions/{w.action}/observations", lambda w, _: {"observation_ids": [w.obs_a]}),
        out=frozenset({"planner_out"}),
    ),
    ("POST", "/api/actions/{action_id}/transitions"): Case(
        lambda w, _: (
            f"/api/actions/{w.new_action()}/transitions",
            {"json": {"action": "valider"}},
        ),
        out=frozenset({"planner_out"}),
    ),
    ("GET", "/api/public/observations"): Case(get("/api/public/observations")),
    # exhibitions
    ("GET", "/api/schools"): Case(get("/api/schools")),
    ("GET", "/api/schools/{uai}"): Case(get("/api/schools/{w.uai}")),
    ("PUT", "/api/schools/{uai}"): Case(body("/api/schools/{w.uai}", lambda w, _: SCHOOL)),
    ("GET", "/api/exhibitions"): Case(get("/api/exhibitions")),
    ("POST", "/api/exhibitions"): Case(
        body("/api/exhibitions", lambda w, _: {"title": f"Parcours {w.n()}"}), 201
    ),
    ("GET", "/api/exhibitions/themes"): Case(get("/api/exhibitions/themes")),
    ("GET", "/api/exhibitions/coverage"): Case(get("/api/exhibitions/coverage")),
    ("GET", "/api/exhibitions/coverage.csv"): Case(get("/api/exhibitions/coverage.csv")),
    ("GET", "/api/exhibitions/{exhibition_id}"): Case(get("/api/exhibitions/{w.exhibition}")),
    ("POST", "/api/exhibitions/{exhibition_id}/copies"): Case(
        body("/api/exhibitions/{w.exhibition}/copies", lambda w, _: {"label": "Valise"}), 201
    ),
    ("POST", "/api/exhibitions/{exhibition_id}/showings"): Case(
        body("/api/exhibitions/{w.exhibition}/showings", _showing), 201
    ),
    ("GET", "/api/exhibitions/showings"): Case(get("/api/exhibitions/showings")),
    ("GET", "/api/exhibitions/showings/{showing_id}"): Case(
        get("/api/exhibitions/showings/{w.showing}")
    ),
    ("PATCH", "/api/exhibitions/showings/{showing_id}"): Case(
        body("/api/exhibitions/showings/{w.showing}", lambda w, _: {"pupils": 24}),
        other={"facilitator_b": 403},
    ),
    ("DELETE", "/api/exhibitions/showings/{showing_id}"): Case(
        lambda w, _: (f"/api/exhibitions/showings/{w.new_showing()}", {}),
        204,
        other={"facilitator_b": 403},
    ),
    # field app
    ("GET", "/marche"): Case(get("/marche")),
    ("GET", "/marche/sw.js"): Case(get("/marche/sw.js")),
    ("GET", "/api/grid"): Case(get("/api/grid")),
    ("GET", "/api/me/observations"): Case(get("/api/me/observations")),
    ("PATCH", "/api/observations/{obs_id}"): Case(_own_obs("PATCH"), out=OUT_A, other=AUTHOR_ONLY),
    ("DELETE", "/api/observations/{obs_id}"): Case(
        _own_obs("DELETE"), 204, out=OUT_A, other=AUTHOR_ONLY
    ),
    # support-actor directory
    ("GET", "/api/actors"): Case(get("/api/actors")),
    ("GET", "/api/actors/nearest"): Case(get("/api/actors/nearest?lon=-1.5536&lat=47.2173")),
    ("GET", "/api/actors/vocabularies"): Case(get("/api/actors/vocabularies")),
    ("GET", "/api/actors/helplines"): Case(get("/api/actors/helplines")),
    ("GET", "/api/actors/export"): Case(get("/api/actors/export")),
    ("GET", "/api/actors/{actor_id}"): Case(get("/api/actors/{w.actor}")),
    ("GET", "/api/actors/campaign"): Case(get("/api/actors/campaign")),
    ("GET", "/api/actors/duplicates"): Case(get("/api/actors/duplicates")),
    ("GET", "/api/actors/{actor_id}/history"): Case(get("/api/actors/{w.actor}/history")),
    ("POST", "/api/actors"): Case(body("/api/actors", _actor), 201),
    ("PATCH", "/api/actors/{actor_id}"): Case(
        body("/api/actors/{w.actor}", lambda w, _: {"telephone": "02 40 41 95 96"})
    ),
    ("POST", "/api/actors/{actor_id}/verify"): Case(
        body("/api/actors/{w.actor}/verify", lambda w, _: {})
    ),
    ("GET", "/aide"): Case(get("/aide")),
    ("GET", "/aide/resultats"): Case(get("/aide/resultats?commune=Nantes")),
    ("GET", "/aide/widget"): Case(get("/aide/widget")),
    ("GET", "/aide/integrer"): Case(get("/aide/integrer")),
    ("GET", "/aide/carte"): Case(get("/aide/carte?commune=Nantes")),
    ("GET", "/aide/lieux/{actor_id}"): Case(get("/aide/lieux/{w.actor}")),
    # youth self-check
    ("GET", "/api/selfcheck/questions"): Case(get("/api/selfcheck/questions")),
    ("GET", "/api/selfcheck/stats"): Case(get("/api/selfcheck/stats")),
    ("GET", "/api/selfcheck/stats/staff"): Case(get("/api/selfcheck/stats/staff")),
    ("POST", "/api/selfcheck/sessions"): Case(
        body("/api/selfcheck/sessions", lambda w, _: {"label": "3e B"}), 201
    ),
    ("GET", "/api/selfcheck/sessions"): Case(get("/api/selfcheck/sessions")),
    ("GET", "/api/selfcheck/sessions/{code}"): Case(
        get("/api/selfcheck/sessions/{w.session}"), out=frozenset({"facilitator_b"})
    ),
    ("POST", "/api/selfcheck/sessions/{code}/close"): Case(
        lambda w, _: (f"/api/selfcheck/sessions/{w.new_session()}/close", {}),
        out=frozenset({"facilitator_b"}),
    ),
    ("GET", "/discrimination"): Case(get("/discrimination")),
    ("GET", "/discrimination/groupe"): Case(get("/discrimination/groupe")),
    ("GET", "/discrimination/animer"): Case(get("/discrimination/animer")),
    ("POST", "/discrimination/animer"): Case(
        lambda w, _: (
            "/discrimination/animer",
            {"data": {"jeton": w.h("facilitator_a")["Authorization"][7:], "nom": "3e"}},
        ),
        201,
    ),
    ("GET", "/discrimination/statistiques"): Case(get("/discrimination/statistiques")),
    ("GET", "/discrimination/regles"): Case(get("/discrimination/regles")),
    # maps
    ("GET", "/cartes/publique"): Case(get("/cartes/publique")),
    ("GET", "/cartes/acteurs"): Case(get("/cartes/acteurs")),
    ("GET", "/cartes/expositions"): Case(get("/cartes/expositions")),
    ("GET", "/cartes/securite"): Case(
        get("/cartes/securite"), other={"participant_a": 404, "participant_b": 404, "body": 404}
    ),
    ("GET", "/cartes/marches/{walk_id}"): Case(get("/cartes/marches/{w.walk_a[id]}"), out=OUT_A),
    # planners
    ("GET", "/api/qpv/{code}/dashboard"): Case(get(f"/api/qpv/{MALAKOFF}/dashboard")),
    ("GET", "/api/dashboards/compare"): Case(
        get(f"/api/dashboards/compare?codes={MALAKOFF},QP044005")
    ),
    ("GET", "/api/dashboards/overview"): Case(get("/api/dashboards/overview")),
    ("GET", "/api/hotspots"): Case(
        get("/api/hotspots"), other={"planner_in": 403, "planner_out": 403}
    ),
    ("GET", "/api/exports/{collection}.{fmt}"): Case(get("/api/exports/actors.csv")),
    ("GET", "/quartiers"): Case(get("/quartiers")),
    ("GET", "/quartiers/comparer"): Case(get(f"/quartiers/comparer?codes={MALAKOFF},QP044005")),
    ("GET", "/quartiers/zones-sensibles"): Case(
        get("/quartiers/zones-sensibles"), other={"planner_in": 403, "planner_out": 403}
    ),
    ("GET", "/quartiers/{code}"): Case(get(f"/quartiers/{MALAKOFF}")),
    ("GET", "/marches/{walk_id}/rapport"): Case(
        get("/marches/{w.walk_a[id]}/rapport"), out=OUT_A, other={"participant_a": 403}
    ),
    ("GET", "/marches/{walk_id}/invitation"): Case(
        get("/marches/{w.walk_a[id]}/invitation"), out=frozenset({"facilitator_b"})
    ),
    ("GET", "/marches"): Case(get("/marches")),
}


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, from the app itself."""
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            continue
        for method in sorted(context.methods or ()):
            if method != "HEAD":
                found.append((method, str(context.path_format)))
    return found


def expected(rule: access.Rule, case: Case | None, who: str) -> int | None:
    if who == "anonymous" and not rule.public:
        return 401
    if who != "anonymous" and rule.roles is not None and ROLE_OF[who] not in rule.roles:
        return 403
    if case is None:
        return None
    if who in case.other:
        return case.other[who]
    return case.out_code if who in case.out else case.ok


def test_every_route_has_an_access_rule(client: TestClient) -> None:
    routes = app_routes(client.app)  # type: ignore[arg-type]
    assert len(routes) > 60
    missing = [f"{m} {p}" for m, p in routes if access.rule_for(m, p) is None]
    assert missing == [], f"routes without a rule in api/access.py: {missing}"
    mounts = [
        str(c.path_format)
        for c in iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
        if isinstance(c.original_route, Mount)
    ]
    assert mounts and all(m.startswith(access.PUBLIC_MOUNTS) for m in mounts), mounts
    stale = sorted(set(access.RULES) - set(routes))
    assert stale == [], f"rules for routes that do not exist: {stale}"


def test_a_route_without_a_rule_is_refused_and_fails_the_check(client: TestClient) -> None:
    """The check above can fail: a route added without a rule is found, and refused (404)."""
    app: FastAPI = client.app  # type: ignore[assignment]

    @app.get("/api/sans-regle")
    def no_rule() -> dict[str, str]:
        return {"secret": "exposé"}

    assert ("GET", "/api/sans-regle") in app_routes(app)
    assert access.rule_for("GET", "/api/sans-regle") is None
    resp = client.get("/api/sans-regle")
    assert resp.status_code == 404 and "secret" not in resp.text


def test_route_role_matrix(world: World) -> None:
    """Every route with a case × nine identities: the exact status of each call."""
    routes = app_routes(world.client.app)  # type: ignore[arg-type]
    failures = []
    for method, path in routes:
        case = CASES.get((method, path))
        if case is None:
            continue
        rule = access.rule_for(method, path)
        assert rule is not None
        for who in IDENTITIES:
            url, kwargs = case.make(world, who)
            headers = kwargs.pop("headers", world.h(who))
            resp = world.client.request(method, url, headers=headers, **kwargs)
            want = expected(rule, case, who)
            if resp.status_code != want:
                failures.append(
                    f"{method} {path} as {who}: {resp.status_code} ≠ {want} {resp.text[:120]}"
                )
            assert resp.status_code < 500
    assert failures == [], "\n".join(failures)
    # object-level routes need a hand-written case (the placeholder check cannot judge them)
    scoped = {r for r in routes if (rule := access.rule_for(*r)) is not None and rule.scoped}
    assert scoped - set(CASES) == set(), sorted(scoped - set(CASES))
    assert len(set(routes) & set(CASES)) >= 0.85 * len(routes)


PLACEHOLDER = {
    "login": "hugo.urba",
    "code": MALAKOFF,
    "uai": "0440286X",
    "cid": "qpv-2015",
    "rule_id": "1",
}


def test_routes_without_a_case_still_honour_their_rule(world: World) -> None:
    """Function-level check for every route, with placeholder ids and an empty body: anonymous
    gets 401 and other roles 403 where the rule says so; the others never a 401 or a 5xx, nor
    a 403 unless the rule leaves a finer decision to the domain policy (``scoped``)."""
    for method, path in app_routes(world.client.app):  # type: ignore[arg-type]
        rule = access.rule_for(method, path)
        assert rule is not None
        url = path
        for name in [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]:
            url = url.replace("{" + name + "}", PLACEHOLDER.get(name, str(uuid.uuid4())))
        for who in IDENTITIES:
            if (method, path) in {
                ("POST", "/api/auth/logout"),
                ("DELETE", "/api/me"),
                ("POST", "/api/auth/password"),
            }:
                continue  # destructive for the identity: covered by the matrix
            kwargs: dict[str, Any] = {} if method in ("GET", "DELETE") else {"json": {}}
            resp = world.client.request(method, url, headers=world.h(who), **kwargs)
            want = expected(rule, None, who)
            if want is not None:
                assert resp.status_code == want, (method, path, who, resp.text)
            else:
                # the gate let it through; a scoped route's policy may still refuse (403/404)
                refused = (401,) if rule.scoped else (401, 403)
                assert resp.status_code not in refused, (method, path, who, resp.text)
                assert resp.status_code < 500, (method, path, who, resp.text)
