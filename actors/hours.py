"""Opening hours: OpenStreetMap ``opening_hours`` syntax parsed and evaluated by the maintained
``opening-hours-py`` library (Rust ``opening-hours`` crate), always in Europe/Paris time.

Also the conversions of the source formats met in the real data: France services give a dict
day → ``"HH:MM - HH:MM / HH:MM - HH:MM"`` (converted faithfully), the Défenseur des droits a list
of ``{jour, moment}`` such as « 2e JEUDI / JOURNEE » with no clock times (kept as text: turning
« journée » into hours would invent them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State

from actors.models import HoursOrigin
from geo.errors import Invalid

PARIS = ZoneInfo("Europe/Paris")

OSM_DAYS = {
    "lundi": "Mo",
    "mardi": "Tu",
    "mercredi": "We",
    "jeudi": "Th",
    "vendredi": "Fr",
    "samedi": "Sa",
    "dimanche": "Su",
}
FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_SPAN = r"\d{2}:\d{2}\s*-\s*\d{2}:\d{2}"
_FS_DAY = re.compile(rf"^{_SPAN}(\s*/\s*{_SPAN})*$")
MAX_LENGTH = 500


@lru_cache(maxsize=4096)
def parse(expression: str) -> OpeningHours:
    """Parse an OSM ``opening_hours`` expression (cached; the library needs a ZoneInfo).

    Raises
    ------
    Invalid
        With a French message when the expression is not valid OSM syntax.
    """
    text = expression.strip()
    if not text:
        raise Invalid("horaires vides")
    if len(text) > MAX_LENGTH:
        raise Invalid(f"horaires trop longs (plus de {MAX_LENGTH} caractères)")
    try:
        return OpeningHours(text, timezone=PARIS, country="FR")
    except Exception as exc:  # the library raises ParserError (and SyntaxError in some versions)
        raise Invalid(
            f"horaires illisibles (format OpenStreetMap attendu, ex. « Mo-Fr 09:00-12:00 ») : "
            f"{text!r}"
        ) from exc


def check(expression: str) -> str:
    """Return ``expression`` stripped when it is valid OSM syntax; :class:`Invalid` otherwise."""
    parse(expression)
    return expression.strip()


def paris_now(at: datetime | None = None) -> datetime:
    """``at`` (or now) as an aware Europe/Paris datetime; a naive ``at`` is Paris time."""
    if at is None:
        return datetime.now(PARIS)
    if at.tzinfo is None:
        return at.replace(tzinfo=PARIS)
    return at.astimezone(PARIS)


@dataclass(frozen=True)
class Opening:
    """Whether a place is open at a moment, and a French sentence saying so."""

    state: str
    """``open``, ``closed`` or ``unknown``."""
    label: str
    next_change: datetime | None = None

    @property
    def open_now(self) -> bool | None:
        return None if self.state == "unknown" else self.state == "open"


def opening(expression: str | None, at: datetime | None = None, has_text: bool = False) -> Opening:
    """Evaluate OSM hours at ``at`` (Europe/Paris).

    Parameters
    ----------
    expression : str, optional
        OSM ``opening_hours``; None when the hours are unknown or text-only.
    at : datetime, optional
        Moment of evaluation (now by default).
    has_text : bool
        The hours exist as text only: the label says to read them.
    """
    if not expression:
        label = "horaires à vérifier (voir le détail)" if has_text else "horaires non renseignés"
        return Opening("unknown", label)
    return _opening_at(expression, paris_now(at).replace(second=0, microsecond=0))


@lru_cache(maxsize=16_384)
def _opening_at(expression: str, moment: datetime) -> Opening:
    """Cached per expression and minute: many places share the same hours."""
    try:
        oh = parse(expression)
        state, _comment = oh.state(moment)
        change = oh.next_change(moment)
    except Invalid:
        return Opening("unknown", "horaires illisibles")
    nxt = change.astimezone(PARIS) if change is not None else None
    if state == State.OPEN:
        until = f", ferme {when(nxt, moment)}" if nxt else ""
        return Opening("open", f"ouvert en ce moment{until}", nxt)
    if state == State.CLOSED:
        return Opening("closed", "fermé en ce moment" + _reopening(oh, nxt, moment), nxt)
    detail = f"{_comment} ; " if (_comment := oh.state(moment)[1]) else ""
    return Opening("unknown", f"aujourd'hui : {detail}heures non précisées", nxt)


def _reopening(oh: OpeningHours, nxt: datetime | None, moment: datetime) -> str:
    """« , ouvre mardi à 9 h », or for a day whose hours are unknown « ; prochaine date :
    lundi (permanence, journée ; heures non précisées) »."""
    if nxt is None or nxt - moment >= timedelta(days=32):
        return ""
    state, comment = oh.state(nxt)
    if state == State.UNKNOWN:
        detail = f"{comment} ; " if comment else ""
        return f" ; prochaine date : {day_when(nxt, moment)} ({detail}heures non précisées)"
    return f", ouvre {when(nxt, moment)}"


def day_when(moment: datetime, now: datetime) -> str:
    """« aujourd'hui », « demain », « lundi 7 décembre »."""
    days = (moment.date() - now.date()).days
    if days == 0:
        return "aujourd'hui"
    if days == 1:
        return "demain"
    number = "1er" if moment.day == 1 else str(moment.day)
    return f"{FRENCH_DAYS[moment.weekday()]} {number} {FRENCH_MONTHS[moment.month - 1]}"


def clock(moment: datetime) -> str:
    """French clock time: ``9 h``, ``14 h 30``."""
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def when(moment: datetime | None, now: datetime) -> str:
    """« à 14 h 30 », « demain à 9 h », « mardi à 9 h », « le 3 janvier à 9 h »."""
    if moment is None:
        return ""
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"à {clock(moment)}"
    if days == 1:
        return f"demain à {clock(moment)}"
    if days < 7:
        return f"{FRENCH_DAYS[moment.weekday()]} à {clock(moment)}"
    return f"le {french_date(moment.date())} à {clock(moment)}"


def french_date(day: date) -> str:
    """``1er janvier 2027``, ``15 mars 2027``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def week(expression: str, start: datetime | None = None) -> list[tuple[str, list[str]]]:
    """The next seven days from ``start``: (« lundi 1er décembre », [« 9 h – 12 h », …]).

    Empty list of spans means closed that day; a day whose hours are unknown says so.
    """
    begin = paris_now(start).replace(hour=0, minute=0, second=0, microsecond=0)
    oh = parse(expression)
    days: list[tuple[str, list[str]]] = []
    for offset in range(7):
        day_start = (begin + timedelta(days=offset)).replace(tzinfo=PARIS)
        day_end = day_start + timedelta(days=1)
        spans = []
        for lo, hi, state, comment in oh.intervals(day_start, day_end):
            lo_p, hi_p = lo.astimezone(PARIS), hi.astimezone(PARIS)
            if state == State.OPEN:
                end = "24 h" if hi_p >= day_end else clock(hi_p)
                spans.append(f"{clock(lo_p)} – {end}")
            elif state == State.UNKNOWN:
                spans.append(
                    f"{comment} (heures non précisées)" if comment else "heures non précisées"
                )
        number = "1er" if day_start.day == 1 else str(day_start.day)
        month = FRENCH_MONTHS[day_start.month - 1]
        days.append((f"{FRENCH_DAYS[day_start.weekday()]} {number} {month}", spans))
    return days


# --- Conversions from the source formats -----------------------------------------------------


@dataclass(frozen=True)
class Hours:
    """Hours as stored: OSM expression and/or text, and where they come from."""

    osm: str | None
    text: str | None
    origin: HoursOrigin | None


NO_HOURS = Hours(None, None, None)


def from_source(value: Any, lenient: bool = False) -> Hours:
    """Convert a source ``horaires`` value (any of the shapes of the real data).

    A string is OSM syntax (validated: :class:`Invalid` when malformed, unless ``lenient``, in
    which case it is kept as text); a dict day → spans is converted to OSM when every day is in
    the France services form, else kept as text; a ``permanences_delegues`` list is text.
    """
    if value is None or value == "" or value == {}:
        return NO_HOURS
    if isinstance(value, str):
        try:
            return Hours(check(value), None, HoursOrigin.SOURCE_OSM)
        except Invalid:
            if lenient:
                return Hours(None, value.strip()[:MAX_LENGTH], HoursOrigin.TEXT)
            raise
    if isinstance(value, dict) and "permanences_delegues" in value:
        entries = value["permanences_delegues"]
        text = _permanences_text(entries)
        osm = _permanences_osm(entries)
        return Hours(osm, text, HoursOrigin.CONVERTED if osm else HoursOrigin.TEXT)
    if isinstance(value, dict):
        return _from_day_dict(value)
    raise Invalid(f"horaires dans un format inconnu : {str(value)[:80]!r}")


def _from_day_dict(days: dict[str, Any]) -> Hours:
    text = "; ".join(f"{day} : {spans}" for day, spans in days.items())[:MAX_LENGTH]
    rules = []
    for day in FRENCH_DAYS:
        spans = days.get(day)
        if spans is None:
            continue
        if not isinstance(spans, str) or not _FS_DAY.match(spans.strip()):
            return Hours(None, text, HoursOrigin.TEXT)
        parts = [re.sub(r"\s+", "", part) for part in spans.split("/")]
        rules.append(f"{OSM_DAYS[day]} {','.join(parts)}")
    unknown = set(days) - set(FRENCH_DAYS)
    if unknown or not rules:
        return Hours(None, text, HoursOrigin.TEXT)
    expression = "; ".join(rules)
    try:
        return Hours(check(expression), None, HoursOrigin.CONVERTED)
    except Invalid:  # e.g. 25:00 in a source: not faithful, keep the text
        return Hours(None, text, HoursOrigin.TEXT)


_MOMENTS = {"JOURNEE": "journée", "MATIN": "matin", "APRES-MIDI": "après-midi", "SOIR": "soir"}


def _permanences_text(entries: Any) -> str | None:
    if not isinstance(entries, list):
        return None
    parts = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        jour = str(entry.get("jour") or "").strip().lower()
        moment = str(entry.get("moment") or "").strip().upper()
        moment_fr = _MOMENTS.get(moment, moment.lower())
        parts.append(f"{jour} ({moment_fr})" if moment_fr else jour)
    if not parts:
        return None
    return ("Permanences des délégué·es : " + " ; ".join(parts))[:MAX_LENGTH]


_OSM_DAY_UPPER = {day.upper(): code for day, code in OSM_DAYS.items()}
_ORDINAL = re.compile(r"(\d)\s*(?:e|er|ère|ème)\b", re.IGNORECASE)


def _permanences_osm(entries: Any) -> str | None:
    """Office days of the Défenseur des droits' delegates as OSM rules with state ``unknown``
    (the day is known, the hours are not: « journée » gives none), e.g. « 2e JEUDI /
    JOURNEE » → ``Th[2] unknown "permanence, journée"``. None when any entry is not in a
    recognised form (the text is kept anyway)."""
    if not isinstance(entries, list) or not entries:
        return None
    rules: list[str] = []
    for entry in entries:
        rule = _permanence_rule(entry) if isinstance(entry, dict) else None
        if rule is None:
            return None
        rules.append(rule)
    expression = "; ".join(rules)
    try:
        return check(expression)
    except Invalid:
        return None


def _permanence_rule(entry: dict[str, Any]) -> str | None:
    jour = str(entry.get("jour") or "").strip().upper()
    moment = _MOMENTS.get(str(entry.get("moment") or "").strip().upper())
    words = jour.replace("-", " ").split()
    if not words or words[-1] not in _OSM_DAY_UPPER or moment is None:
        return None
    day = _OSM_DAY_UPPER[words[-1]]
    head = " ".join(words[:-1])
    negated = head.startswith("SAUF")
    ordinals = [int(n) for n in _ORDINAL.findall(head)]
    rest = _ORDINAL.sub("", head.removeprefix("SAUF")).replace("ET", "").replace(",", "")
    if rest.strip() or any(not 1 <= n <= 5 for n in ordinals):
        return None
    comment = f'"permanence, {moment}"'
    selector = f"{day}[{','.join(map(str, ordinals))}]" if ordinals else day
    if negated:
        return f"{day} unknown {comment}; {selector} off" if ordinals else None
    return f"{selector} unknown {comment}"
