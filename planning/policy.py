"""Who sees what of the planning outputs — decided here, on top of ``surveys.policy``.

- Dashboards: the detailed version is for staff who see every observation (admins, planners,
  moderators: ``surveys.policy.scope(...).everything``); everyone else, anonymous included, gets
  the public version (aggregated, small counts suppressed).
- Hotspots: clusters of observations, for the same staff only, as precise as their field-level
  view (``surveys.policy.view``): exact points and observation ids for admins and planners;
  for moderators the points are first moved to the centre of their 100 m cell, and only zones
  of at least *k* observations (the public suppression threshold) are shown, without ids.
- Walk reports: staff who may read the walk (its facilitator, or staff who see every walk);
  participants and anonymous callers get nothing (the plan of action is for staff).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Principal
from geo.errors import Forbidden, Unauthenticated
from planning.models import Audience
from surveys import policy
from surveys.models import WalkRef


def sees_everything(principal: Principal | None) -> bool:
    """Staff whose observation scope is unrestricted."""
    return principal is not None and policy.scope(principal).everything


def audience(principal: Principal | None) -> Audience:
    """The dashboard version ``principal`` gets."""
    return Audience.STAFF if sees_everything(principal) else Audience.PUBLIC


def check_hotspots(principal: Principal | None) -> Principal:
    """Hotspots are exact clusters: staff who see every observation."""
    if principal is None:
        raise Unauthenticated("authentification requise (en-tête Authorization: Bearer …)")
    if not sees_everything(principal):
        raise Forbidden("points sensibles réservés aux rôles : planner, moderator, admin")
    return principal


@dataclass(frozen=True)
class HotspotView:
    """How precise the hotspots of one principal are.

    Parameters
    ----------
    exact : bool
        Clusters of exact points, with the ids of their observations.
    cell_m : int, optional
        When not exact: side (metres, EPSG:2154) of the cell whose centre replaces each point
        before clustering, so that no centre or outline is computed from an exact point.
    min_count : int
        Smallest zone shown (and smallest ``min_points`` used).
    """

    exact: bool
    cell_m: int | None
    min_count: int


def hotspot_view(principal: Principal | None, k: int) -> HotspotView:
    """The hotspots ``principal`` may see (:func:`check_hotspots` first); ``k`` is the
    smallest count published to those who do not see exact points."""
    view = policy.view(check_hotspots(principal))
    if view.exact_location:
        return HotspotView(exact=True, cell_m=None, min_count=1)
    return HotspotView(exact=False, cell_m=view.cell_m, min_count=k)


PRESENTED = ("restituee", "bilan")
"""Walk states once the restitution was presented: its report is then the walkers' too."""


def check_report(principal: Principal | None, walk: WalkRef | None, bilan: bool = False) -> WalkRef:
    """The walk when ``principal`` may print its report (404 when the walk is not visible).

    Staff who may see the walk always; the walkers of that walk once the restitution was
    presented (and the bilan version once the walk reached its bilan) — the report holds only
    published content, as for everyone.
    """
    if principal is None:
        raise Unauthenticated("authentification requise (en-tête Authorization: Bearer …)")
    found = policy.check_read_walk(principal, walk)
    if principal.is_staff:
        return found
    if found.status not in PRESENTED:
        raise Forbidden("le rapport sera lisible par les participantes après la restitution")
    if bilan and found.status != "bilan":
        raise Forbidden("le bilan à un an n'est pas encore fait")
    return found
