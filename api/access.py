"""Who may call which route — one table for the whole app, checked on every request.

Every route of the app must have a line in :data:`RULES`, keyed by (method, path template as
FastAPI reports it). :func:`api.gate.access_gate` (an app-wide dependency) looks the rule up
before anything else runs: a route without a rule answers 404 for everyone (fail closed) and
``tests/security/test_matrix.py`` fails until the line is written. The rule says which roles
may call the route at all (function level: anonymous → 401, other roles → 403); object-level
decisions (*this* walk, *this* observation) stay in the domain policies (``surveys.policy``),
which answer 404 for what the caller may not see.

Adding a route: add one line here next to the routes of its router, e.g.
``("GET", "/api/actors/{actor_id}"): PUBLIC`` or ``…: staff(audit="read_actor_history")``.
A route whose answer can carry an observation's place (or anything computed from it: a map,
an extent, a hotspot centre) says so with ``locations=True``: it must cut what it returns to
the caller's field-level view (``surveys.policy.view``), and
``tests/security/test_locations.py`` checks it for every role (and fails for a route that
returns observation locations without saying so).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from accounts.models import STAFF_ROLES, Principal, Role
from selfcheck.service import SESSION_OPENERS


@dataclass(frozen=True)
class Rule:
    """Access rule of one route.

    Parameters
    ----------
    roles : frozenset of Role, optional
        Roles allowed to call the route; ``None`` means anyone, anonymous callers included.
    scoped : bool
        Object-level checks happen in the domain policy (objects out of scope → 404).
    audit : str, optional
        Action written to the audit log after each successful call (exact locations, exports,
        pseudonyms, account changes).
    limit : str, optional
        Extra rate-limit bucket (per client IP) for this route: ``login``, ``join``; ``ip``
        means none beyond the generous per-IP bucket (anonymous form steps that a whole class
        behind one address sends, which the ``anon_write`` bucket would block).
    budget_ms : int, optional
        Statement timeout of this route's database work, tighter than the pool's default
        (heavy reads open to anonymous callers).
    locations : bool
        The answer can carry observations' places or texts: they go through the caller's
        field-level view (exact point or 100 m cell, texts).
    form : bool
        A back-office form write: the session cookie may authorise it, from this site and
        with the form's CSRF token (:mod:`api.csrf`).
    token_in_route : bool
        The route checks the bearer token itself, in the same statement as its own work (the
        observation submission: one round trip instead of two, measured in bench/). The gate
        only requires the header; the route refuses a dead token (401) or a role outside
        ``roles`` (403) before saying anything about the body.
    """

    roles: frozenset[Role] | None = None
    scoped: bool = False
    audit: str | None = None
    limit: str | None = None
    budget_ms: int | None = None
    locations: bool = False
    form: bool = False
    token_in_route: bool = False

    @property
    def public(self) -> bool:
        return self.roles is None

    def allows(self, principal: Principal | None) -> bool:
        """True when ``principal`` may call the route (before object-level checks)."""
        if self.roles is None:
            return True
        return principal is not None and principal.role in self.roles


P, F, PL, M, A = Role.PARTICIPANT, Role.FACILITATOR, Role.PLANNER, Role.MODERATOR, Role.ADMIN
B = Role.BODY
EVERY_ROLE = frozenset(Role)


def roles(
    *allowed: Role,
    scoped: bool = False,
    audit: str | None = None,
    locations: bool = False,
    form: bool = False,
) -> Rule:
    """A rule for callers holding one of ``allowed``."""
    return Rule(frozenset(allowed), scoped=scoped, audit=audit, locations=locations, form=form)


def staff(scoped: bool = False, audit: str | None = None) -> Rule:
    """Any staff account (facilitator, planner, moderator, admin)."""
    return Rule(STAFF_ROLES, scoped=scoped, audit=audit)


def anyone_with_token(
    scoped: bool = True, audit: str | None = None, locations: bool = False
) -> Rule:
    """Participants and staff (what they see is decided by the domain policy)."""
    return Rule(EVERY_ROLE, scoped=scoped, audit=audit, locations=locations)


PUBLIC = Rule()
PUBLIC_HEAVY = Rule(budget_ms=5_000)
"""Public reads that aggregate or page through many rows: a 5 s statement budget."""
PUBLIC_FORM = Rule(limit="ip")
"""Anonymous form posts of a workshop (self-check steps): only the per-IP bucket."""

RULES: dict[tuple[str, str], Rule] = {
    # --- foundation ---
    ("GET", "/health"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "/api/qpv"): PUBLIC_HEAVY,
    ("GET", "/api/qpv/lookup"): PUBLIC,
    ("GET", "/api/qpv/{code}"): PUBLIC,
    ("GET", "/cartes/qpv"): PUBLIC_HEAVY,
    ("GET", "/ogc"): PUBLIC,
    ("GET", "/ogc/conformance"): PUBLIC,
    # OGC: public collections, and the staff's ``observations`` (extent, items) per caller
    ("GET", "/ogc/collections"): Rule(budget_ms=5_000, locations=True),
    ("GET", "/ogc/collections/{cid}"): Rule(locations=True),
    ("GET", "/ogc/collections/{cid}/items"): Rule(budget_ms=5_000, locations=True),
    ("GET", "/ogc/collections/{cid}/items/{fid}"): Rule(locations=True),
    # --- accounts and sessions ---
    ("POST", "/api/users"): roles(A, audit="user_create"),
    ("GET", "/api/users"): roles(A),
    ("PATCH", "/api/users/{login}"): roles(A, audit="user_update"),
    ("PUT", "/api/users/{login}/password"): roles(A, audit="password_reset"),
    ("GET", "/api/me"): anyone_with_token(scoped=False),
    ("POST", "/api/auth/login"): Rule(limit="login"),
    ("POST", "/api/auth/logout"): anyone_with_token(scoped=False),
    ("POST", "/api/auth/password"): staff(audit="password_change"),
    ("GET", "/api/audit"): roles(A, audit="read_audit"),
    ("GET", "/connexion"): PUBLIC,
    ("POST", "/connexion"): Rule(limit="login"),
    ("POST", "/deconnexion"): PUBLIC,
    # --- privacy (GDPR) ---
    ("GET", "/api/me/export"): roles(P, audit="gdpr_export", locations=True),
    ("DELETE", "/api/me"): roles(P, audit="gdpr_delete"),
    ("GET", "/confidentialite"): PUBLIC,
    # --- Open311 GeoReport v2 for the responsible bodies (their key as api_key) ---
    ("GET", "/open311/v2/services.json"): PUBLIC,
    ("GET", "/open311/v2/requests.json"): roles(B, scoped=True, locations=True),
    ("POST", "/open311/v2/requests.json"): roles(F, PL, A, scoped=True),
    ("GET", "/open311/v2/requests/{request_id}.json"): roles(B, scoped=True, locations=True),
    ("POST", "/open311/v2/requests/{request_id}.json"): roles(B, scoped=True, locations=True),
    # --- walkers' suivi: their own observations' outcome; a read-only link they keep ---
    ("GET", "/api/me/suivi"): roles(P),
    ("POST", "/api/me/suivi/lien"): roles(P),
    ("GET", "/suivi/{token}"): Rule(limit="join"),
    # --- surveys: walks ---
    ("POST", "/api/walks"): roles(F, A),
    ("GET", "/api/walks"): anyone_with_token(),
    ("POST", "/api/walks/join"): Rule(limit="join"),
    ("GET", "/api/walks/{walk_id}"): anyone_with_token(),
    ("POST", "/api/walks/{walk_id}/transitions"): roles(F, A, scoped=True),
    ("GET", "/api/walks/{walk_id}/participants"): roles(F, A, scoped=True, audit="read_pseudonyms"),
    ("GET", "/api/walks/{walk_id}/comparison"): staff(scoped=True),
    # --- surveys: observations ---
    ("POST", "/api/observations"): replace(
        roles(P, F, PL, A, scoped=True, locations=True), token_in_route=True
    ),
    ("POST", "/api/observations/batch"): roles(P, F, PL, A, scoped=True),
    ("POST", "/api/observations/sync-status"): anyone_with_token(),
    ("GET", "/api/observations"): anyone_with_token(audit="read_locations", locations=True),
    ("GET", "/api/observations/{obs_id}"): anyone_with_token(
        audit="read_observation", locations=True
    ),
    ("POST", "/api/observations/{obs_id}/transitions"): roles(
        F, PL, M, A, scoped=True, locations=True
    ),
    ("POST", "/api/observations/{obs_id}/photos"): roles(P, F, PL, A, scoped=True),
    ("GET", "/api/observations/{obs_id}/photos/{photo_id}"): anyone_with_token(audit="read_photo"),
    # --- surveys: follow-up and action plan ---
    ("GET", "/api/routing-rules"): staff(),
    ("PUT", "/api/routing-rules"): roles(PL, A, scoped=True),
    ("DELETE", "/api/routing-rules/{rule_id}"): roles(PL, A, scoped=True),
    ("POST", "/api/actions"): roles(PL, A, scoped=True),
    ("GET", "/api/actions"): staff(scoped=True),
    ("GET", "/api/actions/open"): staff(scoped=True),
    ("GET", "/api/actions/{action_id}"): staff(scoped=True),
    ("POST", "/api/actions/{action_id}/observations"): roles(PL, A, scoped=True),
    ("POST", "/api/actions/{action_id}/transitions"): roles(PL, A, scoped=True),
    # --- surveys: public aggregates ---
    ("GET", "/api/public/observations"): PUBLIC_HEAVY,
    ("GET", "/cartes/observations"): PUBLIC_HEAVY,
    # --- exhibitions ---
    ("GET", "/api/schools"): PUBLIC_HEAVY,
    ("GET", "/api/schools/{uai}"): PUBLIC,
    ("PUT", "/api/schools/{uai}"): roles(PL, A),
    ("GET", "/api/exhibitions"): PUBLIC,
    ("POST", "/api/exhibitions"): roles(PL, A),
    ("GET", "/api/exhibitions/themes"): PUBLIC,
    ("GET", "/api/exhibitions/coverage"): PUBLIC_HEAVY,
    ("GET", "/api/exhibitions/coverage.csv"): PUBLIC_HEAVY,
    ("GET", "/api/exhibitions/{exhibition_id}"): PUBLIC,
    ("POST", "/api/exhibitions/{exhibition_id}/copies"): roles(PL, A),
    ("POST", "/api/exhibitions/{exhibition_id}/showings"): roles(F, PL, A),
    ("GET", "/api/exhibitions/showings"): staff(audit="read_showings"),
    ("GET", "/api/exhibitions/showings/{showing_id}"): staff(),
    ("PATCH", "/api/exhibitions/showings/{showing_id}"): roles(F, PL, A, scoped=True),
    ("DELETE", "/api/exhibitions/showings/{showing_id}"): roles(F, PL, A, scoped=True),
    ("GET", "/expositions/couverture"): PUBLIC_HEAVY,
    # --- walkers' field app: authors correct or delete their own observations ---
    ("GET", "/marche"): PUBLIC,
    ("GET", "/marche/sw.js"): PUBLIC,
    ("GET", "/api/grid"): PUBLIC,
    ("GET", "/api/me/observations"): anyone_with_token(locations=True),
    ("GET", "/api/walks/{walk_id}/aide"): anyone_with_token(),
    ("PATCH", "/api/observations/{obs_id}"): roles(P, F, PL, A, scoped=True, locations=True),
    ("DELETE", "/api/observations/{obs_id}"): roles(P, F, PL, A, scoped=True),
    # --- support-actor directory: public reads, editors write ---
    ("GET", "/api/actors"): PUBLIC_HEAVY,
    ("GET", "/api/actors/nearest"): PUBLIC_HEAVY,
    ("GET", "/api/actors/vocabularies"): PUBLIC,
    ("GET", "/api/actors/helplines"): PUBLIC,
    ("GET", "/api/actors/export"): PUBLIC_HEAVY,
    ("GET", "/api/actors/{actor_id}"): PUBLIC,
    ("GET", "/api/actors/campaign"): roles(PL, A),
    ("GET", "/api/actors/duplicates"): roles(PL, A),
    ("POST", "/api/actors/duplicates/{dup_id}"): roles(PL, A),
    ("GET", "/api/actors/{actor_id}/history"): roles(PL, A),
    ("POST", "/api/actors"): roles(PL, A),
    ("PATCH", "/api/actors/{actor_id}"): roles(PL, A),
    ("POST", "/api/actors/{actor_id}/verify"): roles(PL, A),
    ("GET", "/aide"): PUBLIC,
    ("GET", "/aide/resultats"): PUBLIC_HEAVY,
    ("GET", "/aide/widget"): PUBLIC,
    ("GET", "/aide/integrer"): PUBLIC,
    ("GET", "/aide/carte"): PUBLIC_HEAVY,
    ("GET", "/aide/lieux/{actor_id}"): PUBLIC,
    ("GET", "/aide/campagne"): PUBLIC,
    # the link an actor received by e-mail is its only key (one entry, once, expiring)
    ("GET", "/mise-a-jour/{token}"): Rule(limit="join"),
    ("POST", "/mise-a-jour/{token}"): Rule(limit="join", scoped=True),  # this site only (403)
    # --- youth discrimination self-check: anonymous, testimonies throttled by
    #     the domain itself (per address, or per group session in a workshop) ---
    ("GET", "/api/selfcheck/questions"): PUBLIC,
    ("POST", "/api/selfcheck/check"): PUBLIC_FORM,
    ("POST", "/api/selfcheck/testimonies"): PUBLIC_FORM,
    ("GET", "/api/selfcheck/stats"): PUBLIC,
    ("GET", "/api/selfcheck/stats/staff"): staff(),
    ("POST", "/api/selfcheck/sessions"): roles(*SESSION_OPENERS),
    ("GET", "/api/selfcheck/sessions"): roles(*SESSION_OPENERS),
    ("GET", "/api/selfcheck/sessions/{code}"): roles(*SESSION_OPENERS, scoped=True),
    ("POST", "/api/selfcheck/sessions/{code}/close"): roles(*SESSION_OPENERS, scoped=True),
    ("GET", "/discrimination"): PUBLIC,
    ("POST", "/discrimination"): PUBLIC_FORM,
    ("POST", "/discrimination/temoignage"): PUBLIC_FORM,
    ("GET", "/discrimination/merci"): PUBLIC,
    ("GET", "/discrimination/groupe"): PUBLIC,
    ("POST", "/discrimination/groupe"): PUBLIC_FORM,
    ("GET", "/discrimination/animer"): PUBLIC,
    ("POST", "/discrimination/animer"): Rule(scoped=True),  # the token comes in the form
    ("GET", "/discrimination/seance/{code}"): PUBLIC,
    ("GET", "/discrimination/statistiques"): PUBLIC,
    ("GET", "/discrimination/regles"): PUBLIC,
    # --- maps at scale ---
    ("GET", "/cartes/publique"): PUBLIC_HEAVY,
    ("GET", "/cartes/acteurs"): PUBLIC_HEAVY,
    ("GET", "/cartes/expositions"): PUBLIC_HEAVY,
    ("GET", "/cartes/securite"): anyone_with_token(audit="read_locations", locations=True),
    ("GET", "/cartes/marches/{walk_id}"): anyone_with_token(audit="read_locations", locations=True),
    # --- planners: dashboards, hotspots, reports, exports ---
    ("GET", "/api/qpv/{code}/dashboard"): PUBLIC_HEAVY,
    ("GET", "/api/dashboards/compare"): PUBLIC_HEAVY,
    ("GET", "/api/dashboards/overview"): PUBLIC_HEAVY,
    ("GET", "/api/hotspots"): roles(PL, M, A, scoped=True, audit="read_hotspots", locations=True),
    ("GET", "/api/exports/{collection}.{fmt}"): Rule(audit="export", locations=True),
    ("GET", "/quartiers"): PUBLIC_HEAVY,
    ("GET", "/territoires"): PUBLIC_HEAVY,
    ("GET", "/evaluation"): PUBLIC_HEAVY,
    ("GET", "/api/evaluation"): PUBLIC_HEAVY,
    ("GET", "/evaluation.pdf"): roles(PL, A),
    # --- « Sports et femmes »: facilities, presence counts (dashboard section: k sessions) ---
    ("GET", "/api/sports/facilities"): PUBLIC_HEAVY,
    ("GET", "/api/qpv/{code}/sport"): PUBLIC_HEAVY,
    ("POST", "/api/presence"): roles(P, F, PL, A, scoped=True),
    ("GET", "/equipe/comptage"): roles(F, PL, A),
    ("POST", "/equipe/comptage"): roles(F, PL, A, scoped=True, form=True),
    ("GET", "/api/territories"): PUBLIC_HEAVY,
    ("GET", "/quartiers/comparer"): PUBLIC_HEAVY,
    ("GET", "/quartiers/zones-sensibles"): roles(
        PL, M, A, scoped=True, audit="read_hotspots", locations=True
    ),
    ("GET", "/quartiers/{code}"): PUBLIC_HEAVY,
    ("GET", "/marches/{walk_id}/rapport"): anyone_with_token(audit="read_report", locations=True),
    ("GET", "/marches/{walk_id}/invitation"): roles(F, A, scoped=True),
    ("GET", "/marches"): staff(),
    # --- the staff's back office: forms posted with the session cookie (form=True) ---
    ("GET", "/equipe"): staff(),
    ("GET", "/equipe/marches"): staff(),
    ("GET", "/equipe/marches/nouvelle"): roles(F, A),
    ("POST", "/equipe/marches/nouvelle"): roles(F, A, form=True),
    ("GET", "/equipe/marches/{walk_id}"): Rule(STAFF_ROLES, scoped=True, locations=True),
    ("POST", "/equipe/marches/{walk_id}/etat"): roles(F, A, scoped=True, form=True),
    ("POST", "/equipe/marches/{walk_id}/texte"): roles(F, A, scoped=True, form=True),
    ("GET", "/equipe/marches/{walk_id}/modifier"): roles(F, A, scoped=True),
    ("POST", "/equipe/marches/{walk_id}/modifier"): roles(F, A, scoped=True, form=True),
    ("GET", "/equipe/moderation"): roles(M, A, locations=True),
    ("GET", "/equipe/signalements"): roles(PL, A, scoped=True, locations=True),
    ("GET", "/equipe/signalements/{obs_id}"): roles(
        PL, A, scoped=True, audit="read_observation", locations=True
    ),
    ("POST", "/equipe/signalements/{obs_id}/suivi"): roles(PL, A, scoped=True, form=True),
    ("POST", "/equipe/signalements/{obs_id}/action"): roles(PL, A, scoped=True, form=True),
    ("GET", "/equipe/actions"): roles(PL, A, scoped=True),
    ("GET", "/equipe/orientation"): roles(PL, A, scoped=True),
    ("POST", "/equipe/orientation"): roles(PL, A, scoped=True, form=True),
    ("POST", "/equipe/orientation/{rule_id}/supprimer"): roles(PL, A, scoped=True, form=True),
    ("POST", "/equipe/actions/{action_id}/etat"): roles(PL, A, scoped=True, form=True),
    ("POST", "/equipe/moderation"): roles(M, A, scoped=True, form=True),
    ("GET", "/equipe/expositions"): roles(F, PL, A),
    ("POST", "/equipe/expositions"): roles(PL, A, form=True),
    ("POST", "/equipe/expositions/{exhibition_id}/exemplaire"): roles(PL, A, form=True),
    ("GET", "/equipe/expositions/reserver"): roles(F, PL, A),
    ("POST", "/equipe/expositions/reserver"): roles(F, PL, A, form=True),
    ("GET", "/equipe/annuaire"): roles(PL, A),
    ("GET", "/equipe/annuaire/nouveau"): roles(PL, A),
    ("GET", "/equipe/annuaire/import"): roles(PL, A),
    ("POST", "/equipe/annuaire/import"): roles(PL, A, form=True),
    ("POST", "/equipe/annuaire/import/confirmer"): roles(PL, A, form=True),
    ("GET", "/equipe/annuaire/doublons"): roles(PL, A),
    ("POST", "/equipe/annuaire/doublons/{dup_id}"): roles(PL, A, form=True),
    ("POST", "/equipe/annuaire/nouveau"): roles(PL, A, form=True),
    ("GET", "/equipe/annuaire/imprimer"): roles(PL, A),
    ("POST", "/equipe/annuaire/imprimer/annuaire"): roles(PL, A, form=True),
    ("POST", "/equipe/annuaire/imprimer/affiche"): roles(PL, A, form=True),
    ("GET", "/equipe/annuaire/propositions"): roles(PL, A),
    ("GET", "/equipe/annuaire/propositions/{proposal_id}"): roles(PL, A),
    ("POST", "/equipe/annuaire/propositions/{proposal_id}"): roles(PL, A, form=True),
    ("POST", "/equipe/annuaire/campagne"): roles(PL, A, form=True),
    ("POST", "/equipe/annuaire/{actor_id}/lien"): roles(PL, A, form=True),
    ("GET", "/equipe/annuaire/{actor_id}"): roles(PL, A),
    ("POST", "/equipe/annuaire/{actor_id}"): roles(PL, A, form=True),
    ("POST", "/equipe/annuaire/{actor_id}/verifie"): roles(PL, A, form=True),
    ("GET", "/equipe/comptes"): roles(A),
    ("POST", "/equipe/comptes"): roles(A, audit="user_create", form=True),
    ("POST", "/equipe/comptes/{login}/acces"): roles(A, audit="user_update", form=True),
    ("POST", "/equipe/comptes/{login}/territoire"): roles(A, audit="user_update", form=True),
    ("POST", "/equipe/comptes/{login}/mot-de-passe"): roles(A, audit="password_reset", form=True),
    ("GET", "/equipe/journal"): roles(A, audit="read_audit"),
}
"""(method, path template) → rule. HEAD uses the GET rule."""

PUBLIC_MOUNTS: tuple[str, ...] = ("/static/",)
"""Mounted static files (no routes of their own): public, listed by prefix."""


def rule_for(method: str, template: str | None) -> Rule | None:
    """The rule of a route, or None when it has none (the gate then refuses the request)."""
    if template is None:
        return None
    verb = "GET" if method == "HEAD" else method
    return RULES.get((verb, template))


def location_routes() -> set[tuple[str, str]]:
    """The routes declared to answer with observations' places (``locations=True``)."""
    return {key for key, rule in RULES.items() if rule.locations}


def budgets() -> list[int]:
    """The distinct statement budgets of the rules (each gets its own pool: ``api.main``)."""
    return sorted({rule.budget_ms for rule in RULES.values() if rule.budget_ms})
