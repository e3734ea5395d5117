"""Who sees what of the planning outputs — decided here, on top of ``surveys.policy``.

- Dashboards: the detailed version is for staff who see every observation (admins, planners,
  moderators: ``surveys.policy.scope(...).everything``); everyone else, anonymous included, gets
  the public version (aggregated, small counts suppressed).
- Hotspots: exact clusters of observations, for the same staff only.
- Walk reports: staff who may read the walk (its facilitator, or staff who see every walk);
  participants and anonymous callers get nothing (the plan of action is for staff).
"""

from __future__ import annotations

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


def check_report(principal: Principal | None, walk: WalkRef | None) -> WalkRef:
    """The walk when ``principal`` may print its report (404 when the walk is not visible)."""
    if principal is None:
        raise Unauthenticated("authentification requise (en-tête Authorization: Bearer …)")
    found = policy.check_read_walk(principal, walk)
    if not principal.is_staff:
        raise Forbidden("rapport de marche réservé à l'équipe")
    return found
