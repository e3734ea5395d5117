"""The catalogue of feature collections served by OGC API Features and the exports: the QPV of
both generations, the actors, the schools, the public grid and (staff) the observations cut to
the caller's field-level view; :func:`find` answers NotFound for what the caller may not read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from accounts.models import STAFF_ROLES, Principal, Role
from app.settings import Settings
from exhibitions.models import SchoolYear
from geo.errors import NotFound
from geo.features import FeatureSource
from geo.qpv import repo as qpv_repo
from planning.repo import collections
from surveys import policy, states
from surveys.service.public import CELL_M


@dataclass(frozen=True)
class Collection:
    source: FeatureSource
    roles: frozenset[Role] | None = None  # None: public

    def readable_by(self, principal: Principal | None) -> bool:
        return self.roles is None or (principal is not None and principal.role in self.roles)


def _registry(principal: Principal | None, settings: Settings) -> list[Collection]:
    found = [Collection(qpv_repo.feature_source(2015)), Collection(qpv_repo.feature_source(2024))]
    for provider in PROVIDERS:
        found.extend(provider(principal, settings))
    return found


Provider = Callable[[Principal | None, Settings], list[Collection]]


PROVIDERS: list[Provider] = []
"""Domain packages' collections, appended by api.main at import time (one line each). A provider
gets the caller and the settings and returns its collections (with the roles allowed)."""


def visible(principal: Principal | None, settings: Settings) -> dict[str, Collection]:
    """The collections ``principal`` may read, by id."""
    return {c.source.id: c for c in _registry(principal, settings) if c.readable_by(principal)}


def find(principal: Principal | None, settings: Settings, cid: str) -> Collection:
    """The collection ``cid`` when ``principal`` may read it; :class:`NotFound` otherwise."""
    found = visible(principal, settings).get(cid)
    if found is None:
        raise NotFound(f"collection inconnue : {cid}")
    return found


def ogc_collections(principal: Principal | None, settings: Settings) -> list[Collection]:
    """``actors``, ``schools`` (current school year), ``observations-public`` (public) and
    ``observations`` (staff only, within the caller's scope, points and texts cut to the
    caller's field-level view)."""
    year = SchoolYear.of(date.today())
    found = [
        Collection(collections.actors()),
        Collection(collections.schools(str(year), year.start, year.end)),
        Collection(
            collections.public_grid(
                CELL_M,
                settings.public_min_count,
                settings.public_delay_days,
                states.moderation().states_in("visible")[0],
            )
        ),
    ]
    if principal is not None and principal.is_staff:
        found.append(
            Collection(
                collections.observations(policy.scope(principal), policy.view(principal)),
                roles=STAFF_ROLES,
            )
        )
    return found


PROVIDERS.append(ogc_collections)
