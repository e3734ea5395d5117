"""Who may see and do what in the surveys domain — the one place that decides.

Every service function asks this module before reading or writing; repositories turn a
:class:`Scope` into a ``WHERE`` clause for lists; :class:`View` is the one field-level rule
every output carrying an observation's place or text goes through.

Rules:

- admin and moderator see every walk and observation; a planner too, unless their account has
  a territory (QPV codes, communes): then the walks and observations of those QPV only;
- a facilitator sees and manages the walks they created or facilitate, and the observations of
  those walks plus the ones they wrote;
- a participant (walk-scoped token) sees their walk, their own observations and the observations
  of their walk that moderation published; never another participant's pseudonym;
- what is not visible is *not found* (404), so ids of other people's data leak nothing; writing
  to a walk one cannot write to is *forbidden* (403);
- only its author corrects or deletes an observation, and only while its walk is open and no one
  of the team has acted on it yet (moderation, follow-up, action plan): otherwise 409.

Field level (:func:`view`): exact points of other people's observations for admins,
facilitators and planners only (moderators and participants get the point rounded to a 100 m
cell); pseudonyms for admins and facilitators only; the history of states for staff. One's own
observations are always shown in full (:func:`own_view` for the author's own lists).

The :class:`View` is the one rule for every output that carries an observation's place or
texts: JSON, lists, the field app, maps, OGC API, exports and hotspots take it, and
``surveys.repo.located`` is its only translation into SQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from accounts.models import Principal, Role
from geo.errors import Conflict, Forbidden, InvariantError, NotFound
from surveys import states
from surveys.models import Kind, ObservationRef, WalkRef

_SEE_ALL = (Role.ADMIN, Role.PLANNER, Role.MODERATOR)
_WRITE_ANY = (Role.ADMIN, Role.PLANNER)


@dataclass(frozen=True)
class Scope:
    """What a principal may list; repositories translate it to SQL."""

    everything: bool = False
    user_id: uuid.UUID | None = None
    participant_id: uuid.UUID | None = None
    walk_id: uuid.UUID | None = None
    published_state: str = "publiee"
    qpv_codes: tuple[str, ...] | None = None
    """A planner's territory: observations and walks of these QPV (and their own)."""
    body: str | None = None
    """A responsible body: the reports routed to it, from their hand-over on."""
    territory: str | None = None
    """With ``everything``: the walks of this territory and the observations in it."""


ROUTED_STATES = ("transmis", "en_cours", "resolu")
"""Follow-up states in which a report is in (or was in) its responsible body's hands."""


COARSE_M = 100
"""Side (metres, EPSG:2154) of the cell a point is rounded to when its exact place is hidden."""


@dataclass(frozen=True)
class View:
    """Which fields of *other people's* observations a principal gets (own ones: all).

    Parameters
    ----------
    exact_location : bool
        The exact point; otherwise the centre of the ``cell_m`` cell (EPSG:2154) holding it,
        and nothing computed from exact points (hotspot centres, extents, mean positions).
    text : bool
        Comments and proposals.
    photos, authors, history : bool
        Photos, pseudonyms (or logins) of the authors, the history of states.
    participant_id, user_id : uuid.UUID, optional
        Who reads: observations written by them are shown in full.
    cell_m : int
        Side of the coarse cell in metres.
    """

    exact_location: bool
    text: bool
    photos: bool
    authors: bool
    history: bool
    participant_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    cell_m: int = COARSE_M

    def owns(self, participant_id: uuid.UUID | None, author_user_id: uuid.UUID | None) -> bool:
        """True when the reader wrote the observation of these authors."""
        return (participant_id is not None and participant_id == self.participant_id) or (
            author_user_id is not None and author_user_id == self.user_id
        )

    def exact_for(self, participant_id: uuid.UUID | None, author_user_id: uuid.UUID | None) -> bool:
        """True when the reader gets the exact point of an observation of these authors."""
        return self.exact_location or self.owns(participant_id, author_user_id)

    def text_for(self, participant_id: uuid.UUID | None, author_user_id: uuid.UUID | None) -> bool:
        """True when the reader gets the texts of an observation of these authors."""
        return self.text or self.owns(participant_id, author_user_id)


def view(principal: Principal) -> View:
    """The field-level view of ``principal`` (see the module docstring)."""
    role = principal.role
    return View(
        exact_location=role in (Role.ADMIN, Role.FACILITATOR, Role.PLANNER),
        text=True,
        photos=role is not Role.BODY,
        authors=role in (Role.ADMIN, Role.FACILITATOR),
        history=principal.is_staff,
        participant_id=principal.participant_id,
        user_id=principal.user_id if role is not Role.PARTICIPANT else None,
    )


def role_view(role: Role) -> View:
    """The view of a reader holding ``role`` who wrote none of the observations (what an e-mail
    to a responsible body may carry)."""
    return view(Principal(role=role, token_id=0))


def own_view(principal: Principal) -> View:
    """The view of an author's own list (the field app): every field but pseudonyms and the
    staff history; lists built with it must hold only the author's observations."""
    is_participant = principal.role is Role.PARTICIPANT
    return View(
        exact_location=True,
        text=True,
        photos=True,
        authors=False,
        history=False,
        participant_id=principal.participant_id if is_participant else None,
        user_id=None if is_participant else principal.user_id,
    )


def _territory(principal: Principal) -> tuple[str, ...] | None:
    """A restricted planner's QPV codes; None for everyone else."""
    if principal.role is Role.PLANNER and principal.territory is not None:
        return tuple(sorted(principal.territory.qpv))
    return None


def _sees_all(principal: Principal) -> bool:
    return principal.has_role(*_SEE_ALL) and _territory(principal) is None


def scope(principal: Principal) -> Scope:
    """The listing scope of ``principal``."""
    territory = _territory(principal)
    if territory is not None:
        return Scope(user_id=principal.user_id, qpv_codes=territory)
    if principal.has_role(*_SEE_ALL):
        return Scope(everything=True, territory=principal.home)
    if principal.role is Role.FACILITATOR:
        return Scope(user_id=principal.user_id)
    if principal.role is Role.PARTICIPANT:
        return Scope(participant_id=principal.participant_id, walk_id=principal.walk_id)
    if principal.role is Role.BODY:
        return Scope(body=principal.organisation or "")
    return Scope()


def _in_territory(principal: Principal, codes: tuple[str, ...]) -> bool:
    territory = _territory(principal)
    return territory is not None and any(code in territory for code in codes)


def _leads(principal: Principal, walk: WalkRef) -> bool:
    return principal.user_id is not None and principal.user_id in (
        walk.created_by,
        walk.facilitator_id,
    )


def _elsewhere(principal: Principal, walk: WalkRef | None, obs: ObservationRef | None) -> bool:
    """The object belongs to another territory than the one the staff member works in
    (``principal.home``, set by the gate to the request's territory)."""
    if principal.home is None:
        return False
    if walk is not None:
        return walk.territory != principal.home
    return obs is not None and obs.territories is not None and principal.home not in obs.territories


def can_read_walk(principal: Principal, walk: WalkRef) -> bool:
    """Staff who see everything, planners of its QPV, the walk's facilitator, its
    participants — staff in the walk's territory only."""
    if _elsewhere(principal, walk, None):
        return False
    if _sees_all(principal):
        return True
    if principal.role is Role.PLANNER:
        return _in_territory(principal, walk.qpv_codes) or _leads(principal, walk)
    if principal.role is Role.FACILITATOR:
        return _leads(principal, walk)
    return principal.role is Role.PARTICIPANT and principal.walk_id == walk.id


def check_read_walk(principal: Principal, walk: WalkRef | None) -> WalkRef:
    """``walk`` when visible to ``principal``; :class:`NotFound` otherwise."""
    if walk is None or not can_read_walk(principal, walk):
        raise NotFound("marche introuvable")
    return walk


def can_manage_walk(principal: Principal, walk: WalkRef) -> bool:
    """Change the walk's lifecycle, see its invite code and participants."""
    if principal.role is Role.ADMIN:
        return True
    return principal.role is Role.FACILITATOR and _leads(principal, walk)


def check_manage_walk(principal: Principal, walk: WalkRef) -> None:
    """:class:`NotFound` when invisible, :class:`Forbidden` when visible only."""
    check_read_walk(principal, walk)
    if not can_manage_walk(principal, walk):
        raise Forbidden("seule l'animatrice ou l'animateur de la marche peut faire cela")


def check_create_walk(principal: Principal) -> None:
    """Facilitators and admins create walks."""
    if not principal.has_role(Role.FACILITATOR, Role.ADMIN):
        raise Forbidden("création de marche réservée aux rôles : facilitator, admin")


def check_write_observation(principal: Principal, kind: Kind, walk: WalkRef | None) -> None:
    """May ``principal`` submit an observation of ``kind`` to ``walk`` (None = no walk)?"""
    if principal.role is Role.PLANNER and walk is not None and not can_read_walk(principal, walk):
        raise Forbidden("cette marche est hors du territoire de ce compte")
    if principal.has_role(*_WRITE_ANY):
        return
    if principal.role is Role.PARTICIPANT:
        if walk is not None and walk.id == principal.walk_id:
            return
        raise Forbidden("ce jeton ne permet d'écrire que dans sa propre marche")
    if principal.role is Role.FACILITATOR:
        if walk is None and kind is Kind.GUSP:
            return
        if walk is not None and _leads(principal, walk):
            return
        raise Forbidden("cette marche n'est pas animée par ce compte")
    raise Forbidden("ce rôle ne peut pas saisir d'observation")


def is_author(principal: Principal, obs: ObservationRef) -> bool:
    """True when ``principal`` wrote ``obs``."""
    if principal.role is Role.PARTICIPANT:
        return principal.participant_id is not None and obs.participant_id == (
            principal.participant_id
        )
    return principal.user_id is not None and obs.author_user_id == principal.user_id


def can_read_observation(principal: Principal, obs: ObservationRef, walk: WalkRef | None) -> bool:
    """See the module docstring for the rules."""
    if _elsewhere(principal, walk, obs):
        return False
    if _sees_all(principal) or is_author(principal, obs):
        return True
    if principal.role is Role.PLANNER:
        return _in_territory(principal, obs.qpv_codes) or (
            walk is not None and can_read_walk(principal, walk)
        )
    if principal.role is Role.FACILITATOR:
        return walk is not None and _leads(principal, walk)
    if principal.role is Role.PARTICIPANT:
        published = states.moderation().in_category(obs.moderation, "visible")
        return published and walk is not None and walk.id == principal.walk_id
    if principal.role is Role.BODY:
        return (
            bool(principal.organisation)
            and obs.responsible_body == principal.organisation
            and obs.followup in ROUTED_STATES
        )
    return False


def check_read_observation(
    principal: Principal, obs: ObservationRef | None, walk: WalkRef | None
) -> ObservationRef:
    """``obs`` when visible to ``principal``; :class:`NotFound` otherwise."""
    if obs is None or not can_read_observation(principal, obs, walk):
        raise NotFound("observation introuvable")
    return obs


def check_add_photo(principal: Principal, obs: ObservationRef, walk: WalkRef | None) -> None:
    """Photos are added by the observation's author or by staff who may write to its walk."""
    check_read_observation(principal, obs, walk)
    if is_author(principal, obs):
        return
    check_write_observation(principal, Kind(obs.kind), walk)
    if principal.role is Role.PARTICIPANT:
        raise Forbidden("seule l'autrice ou l'auteur de l'observation peut y ajouter des photos")


def check_transition(principal: Principal, obs: ObservationRef, walk: WalkRef | None) -> None:
    """Scope part of an observation transition (the roles are checked by the state machine)."""
    check_read_observation(principal, obs, walk)
    if principal.role is Role.FACILITATOR and not (walk is not None and _leads(principal, walk)):
        raise Forbidden("cette observation n'appartient pas à une marche animée par ce compte")


def sees_authors(principal: Principal) -> bool:
    """Pseudonyms are for the people who run the walks (facilitators) and admins."""
    return view(principal).authors


def check_plan(principal: Principal) -> None:
    """Routing rules and the action plan belong to planners (and admins)."""
    if not principal.has_role(Role.PLANNER, Role.ADMIN):
        raise Forbidden("action réservée aux rôles : planner, admin")


def can_see_rule(principal: Principal, qpv_code: str | None) -> bool:
    """Routing rules valid everywhere are read by all staff; a rule of one QPV by staff who
    see everything and by planners whose territory holds that QPV."""
    territory = _territory(principal)
    return territory is None or qpv_code is None or qpv_code in territory


def check_write_rule(principal: Principal, qpv_code: str | None) -> None:
    """Create, replace or delete the routing rule of ``qpv_code`` (None: valid everywhere).

    Admins and planners without a territory write every rule; a planner with a territory
    writes only the rules of their own QPV (:class:`NotFound` for another QPV's rule, which
    they cannot see; :class:`Forbidden` for the rules valid everywhere).
    """
    check_plan(principal)
    territory = _territory(principal)
    if territory is None:
        return
    if qpv_code is None:
        raise Forbidden(
            "les règles valables partout sont réservées à l'administration et aux comptes "
            "sans territoire"
        )
    if qpv_code not in territory:
        raise NotFound(f"règle d'orientation hors du territoire de ce compte : {qpv_code}")


def check_read_plan(principal: Principal) -> None:
    """The action plan and routing rules are read by staff only."""
    if not principal.is_staff:
        raise Forbidden("plan d'action réservé à l'équipe")


def can_read_action(principal: Principal, action: dict[str, object]) -> bool:
    """Staff read the action plan; a planner with a territory reads the actions answering
    observations of their QPV, and the ones they created."""
    if not principal.is_staff:
        return False
    territory = _territory(principal)
    if territory is None:
        return True
    codes = action.get("qpv_codes") or []
    if not isinstance(codes, list):
        raise InvariantError("expected isinstance(codes, list)")
    return action.get("created_by") == principal.login or any(c in territory for c in codes)


def check_own_observation(
    principal: Principal, obs: ObservationRef | None, walk: WalkRef | None
) -> ObservationRef:
    """Corrections and deletions are for the author only: :class:`NotFound` when ``obs`` is
    invisible to ``principal`` (another participant's pending observation), :class:`Forbidden`
    when visible but written by someone else."""
    obs = check_read_observation(principal, obs, walk)
    if not is_author(principal, obs):
        raise Forbidden(
            "seule l'autrice ou l'auteur de l'observation peut la corriger ou la supprimer"
        )
    if principal.role is Role.PARTICIPANT and (walk is None or walk.id != principal.walk_id):
        raise NotFound("observation introuvable")
    return obs


def edit_refusal(obs: ObservationRef, walk: WalkRef | None, in_action: bool) -> str | None:
    """Why the author may no longer correct or delete ``obs`` (French), or None when she may.

    The walk must still be open (``preparee``/``realisee``: a facilitator closes it with
    ``restituer``), and the team must not have acted on the observation yet: still awaiting
    moderation, in its initial follow-up state, linked to no action.
    """
    if walk is not None and not states.walk().in_category(walk.status, "open"):
        return "la marche est close"
    if obs.moderation != states.moderation().initial:
        return "elle a déjà été relue par la modération"
    if obs.followup != states.followup().initial_for(obs.kind):
        return "elle est déjà suivie par l'équipe"
    if in_action:
        return "elle est liée à une action du plan"
    return None


def check_editable(obs: ObservationRef, walk: WalkRef | None, in_action: bool) -> None:
    """:class:`Conflict` naming the reason when :func:`edit_refusal` refuses."""
    reason = edit_refusal(obs, walk, in_action)
    if reason is not None:
        raise Conflict(f"cette observation ne peut plus être modifiée : {reason}")
