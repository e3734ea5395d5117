"""Demonstration data (``cartegalite surveys demo``): a day and a night walk of the same route
in Malakoff, pseudonymous walkers, moderated observations, GUSP issues routed and an action.

Every row written here is flagged ``demo`` and shown as « données de démonstration »; running it
again replaces the previous demonstration data and never touches real data.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from accounts import repo as accounts_repo
from accounts import service as accounts
from accounts.models import Principal, Role
from geo.errors import Invalid, InvariantError
from surveys.grid import grid
from surveys.models import (
    ActionInput,
    Kind,
    ObservationInput,
    StopInput,
    SurveyConfig,
    TimeSlot,
    TransitionInput,
    WalkInput,
)
from surveys.repo import demo as repo
from surveys.service import actions, followup, observations, walks

QPV = "QP044013"  # Malakoff, Nantes
GUSP_QPV = "QP044005"  # Bellevue
STOPS = (("Sortie du tram", 0, 0), ("Passerelle", 120, 60), ("Square", 240, -40))
WALKERS = ("Awa", "Lucie", "Mina", "Sophie", "Yasmina")
COMMENTS = {
    "reperage": "Pas de plan du quartier à la sortie",
    "visibilite": "Passage sombre, on ne voit pas qui arrive",
    "animation": "Personne après 20 h, commerces fermés",
    "aide": "Aucun lieu ouvert où demander de l'aide",
    "entretien": "Trottoir défoncé, difficile avec une poussette",
    "usages": "Groupe installé qui interpelle les passantes",
}


def _staff(conn: psycopg.Connection[Any], login: str, role: Role) -> Principal:
    user = accounts_repo.get_user_by_login(conn, login)
    if user is None:
        user, _token = accounts.create_staff(conn, login, role, organisation="Démonstration")
    return Principal(role=role, token_id=0, user_id=user.id, login=login)


def generate(conn: psycopg.Connection[Any], config: SurveyConfig, seed: int = 44) -> dict[str, int]:
    """Replace the demonstration data; returns what was written (walks, observations…)."""
    if repo.point_near(conn, QPV, 0, 0) is None:
        raise Invalid(f"le QPV {QPV} n'est pas chargé : importez d'abord les QPV")
    rng = random.Random(seed)  # noqa: S311 (reproducible demonstration data, no secret)
    with conn.transaction():
        repo.remove(conn)
    facilitator = _staff(conn, "demo.animation", Role.FACILITATOR)
    planner = _staff(conn, "demo.urbanisme", Role.PLANNER)
    moderator = _staff(conn, "demo.moderation", Role.MODERATOR)
    day = datetime.now(UTC) - timedelta(days=40)
    night_id = _walk(conn, facilitator, config, TimeSlot.NUIT, day, None)
    day_id = _walk(conn, facilitator, config, TimeSlot.JOUR, day - timedelta(days=1), night_id)
    by_day = _observe(conn, facilitator, config, day_id, day, rng)
    by_night = _observe(conn, facilitator, config, night_id, day, rng)
    for obs_id in by_day + by_night:
        followup.transition(conn, moderator, obs_id, TransitionInput("publier"))
    issues = _gusp(conn, planner, config, day)
    actions.create(
        conn,
        planner,
        ActionInput(
            title="Éclairer la passerelle et le square",
            owner_org="Nantes Métropole",
            description="Préconisation des marches de jour et de nuit (données de démonstration)",
            due_date=(day + timedelta(days=180)).date(),
            observation_ids=(*by_day[:2], *by_night[:2], issues[0]),
        ),
        demo=True,
    )
    return repo.count(conn)


def _walk(
    conn: psycopg.Connection[Any],
    facilitator: Principal,
    config: SurveyConfig,
    slot: TimeSlot,
    when: datetime,
    paired: uuid.UUID | None,
) -> uuid.UUID:
    stops = []
    for name, dx, dy in STOPS:
        lon, lat = repo.point_near(conn, QPV, dx, dy) or (0.0, 0.0)
        stops.append(StopInput(name, lon, lat))
    data = WalkInput(
        title=f"Malakoff, marche exploratoire de {slot.value} (démonstration)",
        walk_date=when.date(),
        time_slot=slot,
        qpv_codes=(QPV,),
        organiser="Association de démonstration",
        group_size=len(WALKERS),
        women_only=True,
        stops=tuple(stops),
        paired_walk_id=paired,
    )
    return uuid.UUID(walks.create_walk(conn, facilitator, data, config, demo=True)["id"])


def _observe(
    conn: psycopg.Connection[Any],
    facilitator: Principal,
    config: SurveyConfig,
    walk_id: uuid.UUID,
    when: datetime,
    rng: random.Random,
) -> list[uuid.UUID]:
    walk = walks.get_walk(conn, facilitator, walk_id)
    stored = []
    for pseudonym in WALKERS:
        token = walks.join(conn, walk["invite_code"], pseudonym)["token"]
        walker = accounts.resolve(conn, token)
        if walker is None:
            raise InvariantError("expected walker is not None")
        for stop in walk["stops"]:
            theme = rng.choice(grid().principles)
            lon, lat = stop["location"]["coordinates"]
            obs = ObservationInput(
                id=uuid.uuid4(),
                kind=Kind.MARCHE,
                lon=lon + rng.uniform(-2e-4, 2e-4),
                lat=lat + rng.uniform(-1.5e-4, 1.5e-4),
                observed_at=when,
                walk_id=walk_id,
                stop_id=uuid.UUID(stop["id"]),
                theme=theme.code,
                items=(rng.choice(theme.items).code,),
                rating=rng.randint(0, 3),
                feeling=rng.randint(0, 3),
                works_well=rng.random() < 0.2,
                comment=COMMENTS[theme.code],
            )
            observations.submit(conn, walker, obs, config)
            stored.append(obs.id)
    walks.transition(conn, facilitator, walk_id, "realiser", "marche faite (démonstration)")
    return stored


def _gusp(
    conn: psycopg.Connection[Any], planner: Principal, config: SurveyConfig, when: datetime
) -> list[uuid.UUID]:
    ids = []
    for i, category in enumerate(("hall_parties_communes", "eclairage_panne", "tag_haineux")):
        lon, lat = repo.point_near(conn, GUSP_QPV, 40 * i, 30 * i) or (0.0, 0.0)
        obs = ObservationInput(
            id=uuid.uuid4(),
            kind=Kind.GUSP,
            lon=lon,
            lat=lat,
            observed_at=when,
            category=category,
            comment="Signalement de démonstration",
        )
        result = observations.submit(conn, planner, obs, config, demo=True)
        ids.append(obs.id)
        if result.observation["demo"] is not True:
            raise InvariantError('expected result.observation["demo"] is True')
    followup.transition(conn, planner, ids[0], TransitionInput("transmettre"))
    followup.transition(conn, planner, ids[1], TransitionInput("transmettre"))
    followup.transition(conn, planner, ids[1], TransitionInput("resoudre", "Lampe remplacée"))
    return ids
