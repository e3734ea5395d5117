"""Plausible walks, participants and observations for Nantes Métropole (seeded, vectorised).

Walks are centred on points clustered around the real QPV polygons and a few other
neighbourhoods (:mod:`bench.spatial`); their observations fall within ~150 m of the centre, on
the walk's date at an hour of its time slot (Europe/Paris). Themes, items, ratings and feelings
follow the grid of ``surveys/grid.toml`` (feelings are lower at night). A fifth of the
observations are GUSP diagnostics (a category, half of them outside any walk). The QPV of every
loaded generation are attributed as the app does at insert time (``ST_Intersects``), here with
shapely on the polygons read from the database.

Everything is generated in chunks from one :class:`numpy.random.Generator`: the same plan and
seed always give the same rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from bench.spatial import clustered_points
from surveys.canonical import payload_hash
from surveys.grid import grid
from surveys.models import Kind, ObservationInput

PARIS = ZoneInfo("Europe/Paris")
SLOTS = ("jour", "soiree", "nuit")
SLOT_WEIGHTS = (0.45, 0.30, 0.25)
SLOT_HOURS = {"jour": (9, 8), "soiree": (18, 3), "nuit": (21, 3)}
"""Start hour and duration (hours) of each time slot, local time."""
FEELING_BY_SLOT = {
    "jour": (0.05, 0.15, 0.45, 0.35),
    "soiree": (0.10, 0.30, 0.40, 0.20),
    "nuit": (0.25, 0.40, 0.25, 0.10),
}
RATING = (0.15, 0.35, 0.35, 0.15)
MODERATION = (("publiee", 0.85), ("en_attente", 0.10), ("masquee", 0.05))
GUSP_FOLLOWUP = (
    ("nouveau", 0.25),
    ("pris_en_compte", 0.15),
    ("transmis", 0.20),
    ("en_cours", 0.15),
    ("resolu", 0.20),
    ("rejete", 0.05),
)
COMMENTS = (
    "Éclairage insuffisant le long du chemin",
    "Passage souterrain sombre et mal entretenu",
    "Personne dans la rue après 20 h",
    "Banc cassé près de l'arrêt de tram",
    "Trottoir encombré, difficile avec une poussette",
    "Tag sexiste sur le mur du gymnase",
    "Haie trop haute qui masque la vue",
    "Commerces fermés, aucun lieu où demander de l'aide",
    "Plan du quartier absent à la sortie du tram",
    "Dépôt sauvage au pied de l'immeuble",
    "Agréable en journée, square animé",
    "Groupe qui interpelle les passantes",
)
SIGMA_DEG = np.array([0.0020, 0.00135])  # ~150 m in lon/lat degrees at 47.2° N


@dataclass(frozen=True)
class Walks:
    """Per-walk arrays (index = walk number)."""

    ids: list[uuid.UUID]
    centres: np.ndarray
    dates: list[date]
    slots: list[str]
    participants: list[list[uuid.UUID]]
    statuses: list[str]


@dataclass(frozen=True)
class Qpv:
    """QPV polygons of every generation, ordered like the app orders ``qpv_codes``."""

    codes: list[str]
    polygons: list[BaseGeometry]

    def codes_of(self, lon: np.ndarray, lat: np.ndarray) -> list[list[str]]:
        """For each point, the codes of the QPV it intersects (boundary included)."""
        hits = np.zeros((len(self.codes), len(lon)), dtype=bool)
        for i, poly in enumerate(self.polygons):
            hits[i] = shapely.intersects_xy(poly, lon, lat)
        out: list[list[str]] = [[] for _ in range(len(lon))]
        for i, j in zip(*np.nonzero(hits), strict=True):
            out[j].append(self.codes[i])
        return out


def _feelings(draw: np.ndarray, slots: list[str]) -> list[int]:
    """Feeling of safety 0–3 drawn from the distribution of each observation's time slot."""
    out = np.zeros(len(draw), dtype=int)
    slot_arr = np.array(slots)
    for slot, weights in FEELING_BY_SLOT.items():
        mask = slot_arr == slot
        out[mask] = np.minimum(np.searchsorted(np.cumsum(weights), draw[mask]), 3)
    return [int(v) for v in out]


def new_uuids(rng: np.random.Generator, n: int) -> list[uuid.UUID]:
    """``n`` version-4 UUIDs drawn from ``rng`` (reproducible)."""
    raw = rng.bytes(16 * n)
    return [uuid.UUID(bytes=raw[16 * i : 16 * i + 16], version=4) for i in range(n)]


def make_walks(
    rng: np.random.Generator, polygons: list[BaseGeometry], n: int, days: int, today: date
) -> Walks:
    """``n`` walks around the QPV and neighbourhoods over the last ``days`` days."""
    centres = clustered_points(polygons, n, rng, in_qpv_share=0.7)
    ago = rng.integers(8, days, size=n)
    slots = rng.choice(len(SLOTS), size=n, p=SLOT_WEIGHTS)
    sizes = rng.integers(3, 9, size=n)
    ids = new_uuids(rng, n)
    people = new_uuids(rng, int(sizes.sum()))
    participants, start = [], 0
    for size in sizes:
        participants.append(people[start : start + size])
        start += size
    dates = [today - timedelta(days=int(a)) for a in ago]
    statuses = ["bilan" if a > 365 else "restituee" if a > 60 else "realisee" for a in ago]
    return Walks(ids, centres, dates, [SLOTS[s] for s in slots], participants, statuses)


@dataclass(frozen=True)
class ObservationRow:
    """One generated observation, in the columns of ``observations`` + version 1."""

    obs: ObservationInput
    participant_id: uuid.UUID | None
    author_user_id: uuid.UUID | None
    payload_hash: bytes
    moderation: str
    followup: str
    received_at: datetime
    qpv_codes: list[str]


def observation_chunks(
    rng: np.random.Generator,
    walks: Walks,
    qpv: Qpv,
    n: int,
    author_user_id: uuid.UUID,
    chunk: int = 50_000,
    gusp_share: float = 0.2,
    hashed: bool = True,
) -> Iterator[list[ObservationRow]]:
    """``n`` observations in chunks; walk observations are spread evenly over ``walks``.

    ``hashed=False`` skips the payload hash (left empty), for files meant for the importer.
    """
    done = 0
    while done < n:
        size = min(chunk, n - done)
        yield _chunk(rng, walks, qpv, done, size, n, author_user_id, gusp_share, hashed)
        done += size


def _chunk(
    rng: np.random.Generator,
    walks: Walks,
    qpv: Qpv,
    first: int,
    size: int,
    total: int,
    author: uuid.UUID,
    gusp_share: float,
    hashed: bool,
) -> list[ObservationRow]:
    g = grid()
    walk_of = ((np.arange(first, first + size) * len(walks.ids)) // max(total, 1)).tolist()
    is_gusp = rng.random(size) < gusp_share
    no_walk = (is_gusp & (rng.random(size) < 0.5)).tolist()
    coords = walks.centres[walk_of] + rng.normal(size=(size, 2)) * SIGMA_DEG
    qpv_codes = qpv.codes_of(coords[:, 0], coords[:, 1])
    lons, lats = coords[:, 0].tolist(), coords[:, 1].tolist()
    minutes = rng.random(size).tolist()
    theme_idx = rng.integers(0, len(g.principles), size=size).tolist()
    item_draw = (rng.random((size, 6)) < 0.3).tolist()
    rating = rng.choice(4, size=size, p=RATING).tolist()
    feeling = _feelings(rng.random(size), [walks.slots[w] for w in walk_of])
    cat_idx = rng.integers(0, len(g.categories), size=size).tolist()
    comment_idx = rng.integers(-len(COMMENTS), len(COMMENTS), size=size).tolist()
    moderation = rng.choice(len(MODERATION), size=size, p=[w for _, w in MODERATION]).tolist()
    followup = rng.choice(len(GUSP_FOLLOWUP), size=size, p=[w for _, w in GUSP_FOLLOWUP])
    delay = rng.exponential(3600, size=size).tolist()
    who = rng.random(size).tolist()
    ids = new_uuids(rng, size)
    midnight = {}
    rows = []
    for i in range(size):
        w = walk_of[i]
        slot = walks.slots[w]
        start, hours = SLOT_HOURS[slot]
        if w not in midnight:
            midnight[w] = datetime.combine(walks.dates[w], datetime.min.time(), PARIS)
        local = midnight[w] + timedelta(hours=start, minutes=int(minutes[i] * hours * 60))
        observed = local.astimezone(UTC)
        gusp = bool(is_gusp[i])
        theme, items, category = None, (), None
        if gusp:
            category = g.categories[cat_idx[i]].code
        else:
            principle = g.principles[theme_idx[i]]
            theme = principle.code
            items = tuple(
                sorted(c for c, d in zip(principle.item_codes, item_draw[i], strict=False) if d)
            )
        people = walks.participants[w]
        participant = None if no_walk[i] else people[int(who[i] * len(people))]
        obs = ObservationInput(
            id=ids[i],
            kind=Kind.GUSP if gusp else Kind.MARCHE,
            lon=lons[i],
            lat=lats[i],
            observed_at=observed,
            walk_id=None if no_walk[i] else walks.ids[w],
            theme=theme,
            items=items,
            rating=None if gusp else rating[i],
            feeling=feeling[i],
            works_well=rating[i] == 3 and item_draw[i][5],
            comment=COMMENTS[comment_idx[i]] if comment_idx[i] >= 0 else None,
            category=category,
        )
        rows.append(
            ObservationRow(
                obs=obs,
                participant_id=participant,
                author_user_id=author if participant is None else None,
                payload_hash=payload_hash(obs) if hashed else b"",
                moderation=MODERATION[moderation[i]][0],
                followup=GUSP_FOLLOWUP[int(followup[i])][0] if gusp else "hors_suivi",
                received_at=observed + timedelta(seconds=delay[i]),
                qpv_codes=qpv_codes[i],
            )
        )
    return rows
