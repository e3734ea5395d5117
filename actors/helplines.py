"""Help lines (AlloNantes Discriminations, the Défenseur des droits' 39 28…) from a reviewable
configuration file with their sources. Nothing is guessed: a line without a known number is
shown without one, with where to find it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo.errors import Invalid

DEFAULT_FILE = Path(__file__).with_name("helplines.toml")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_SHORT = re.compile(r"^([13]\d{3}|1[5-9]|11[0-9])$")
"""French short numbers: « numéros courts » 1XXX and 3BPQ (e.g. 3928) and the emergency numbers
(15, 17, 18, 112, 114, 119…)."""
SITUATIONS = frozenset({"discrimination", "observation", "campaign", "always"})
"""``observation``: shown by the field app when a walker records harassment or hate;
``campaign``: the lines of the AlloNantes campaign (AlloNantes, 3919, 39 28), shown in every
help flow (resident search in both situations, field app, self-check)."""


@dataclass(frozen=True)
class HelpLine:
    code: str
    name: str
    operator: str
    about: str
    source: str
    source_date: str
    show_for: tuple[str, ...]
    telephone: str | None = None
    telephone_display: str | None = None
    website: str | None = None
    hours: str | None = None
    cost: str | None = None
    area: str | None = None
    where_to_find: str | None = None
    source_url: str | None = None
    sms: bool = False
    """The number takes text messages (the 114: for people who cannot speak or hear)."""

    @property
    def tel_uri(self) -> str | None:
        return f"tel:{self.telephone}" if self.telephone else None

    @property
    def sms_uri(self) -> str | None:
        return f"sms:{self.telephone}" if self.telephone and self.sms else None


def load(path: Path | None = None) -> tuple[HelpLine, ...]:
    """Read and check a help-line file.

    Raises
    ------
    Invalid
        When a line lacks its source, has a malformed number, or has no number and no
        ``where_to_find``.
    """
    return read(path or DEFAULT_FILE)


def read(
    file: Path,
    short_numbers: re.Pattern[str] = _SHORT,
    situations: frozenset[str] = SITUATIONS,
    show_for: tuple[str, ...] | None = None,
) -> tuple[HelpLine, ...]:
    """Read and check a file of help lines (``[[lines]]`` tables): this directory's, and the
    self-check's contacts, which accept other short numbers (15, 17, 119…) and are all shown
    for one situation (``show_for``)."""
    raw = tomllib.loads(file.read_text(encoding="utf-8"))
    lines = []
    for item in raw.get("lines", []):
        line = HelpLine(
            code=item["code"],
            name=item["name"],
            operator=item["operator"],
            about=item["about"],
            source=item.get("source", ""),
            source_date=str(item.get("source_date", "")),
            show_for=show_for or tuple(item.get("show_for", ["discrimination"])),
            telephone=item.get("telephone"),
            telephone_display=item.get("telephone_display"),
            website=item.get("website"),
            hours=item.get("hours"),
            cost=item.get("cost"),
            area=item.get("area"),
            where_to_find=item.get("where_to_find"),
            source_url=item.get("source_url"),
            sms=bool(item.get("sms", False)),
        )
        _check(line, file, short_numbers, situations)
        lines.append(line)
    return tuple(lines)


def _check(
    line: HelpLine, file: Path, short_numbers: re.Pattern[str], situations: frozenset[str]
) -> None:
    where = f"{file.name}, ligne d'écoute {line.code!r}"
    if not line.source or not line.source_date:
        raise Invalid(f"{where} : source et date de la source obligatoires")
    if line.telephone and not (_E164.match(line.telephone) or short_numbers.match(line.telephone)):
        raise Invalid(f"{where} : numéro invalide {line.telephone!r} (E.164 ou numéro court)")
    if not line.telephone and not line.where_to_find:
        raise Invalid(f"{where} : sans numéro, dire où le trouver (where_to_find)")
    if not set(line.show_for) <= situations:
        known = ", ".join(sorted(situations))
        raise Invalid(f"{where} : show_for inconnu {line.show_for} ({known})")


@cache
def _cached(path: str) -> tuple[HelpLine, ...]:
    return load(Path(path)) if path else load()


def for_situation(discrimination: bool, path: Path | None = None) -> list[HelpLine]:
    """The lines to show a resident: always-lines and the campaign's, plus discrimination
    lines when relevant."""
    lines = _cached(str(path) if path else "")
    return [
        line
        for line in lines
        if "always" in line.show_for
        or "campaign" in line.show_for
        or (discrimination and "discrimination" in line.show_for)
    ]


def for_campaign(path: Path | None = None) -> list[HelpLine]:
    """The campaign's lines (AlloNantes, 3919, 39 28), in the file's order."""
    lines = _cached(str(path) if path else "")
    return [line for line in lines if "campaign" in line.show_for]


def for_observation(path: Path | None = None) -> list[HelpLine]:
    """The lines the field app shows when a walker records harassment or hate."""
    lines = _cached(str(path) if path else "")
    return [line for line in lines if "observation" in line.show_for]


def as_dict(line: HelpLine) -> dict[str, str | None]:
    return {
        "code": line.code,
        "name": line.name,
        "operator": line.operator,
        "about": line.about,
        "telephone": line.telephone,
        "telephone_display": line.telephone_display or line.telephone,
        "tel_uri": line.tel_uri,
        "sms_uri": line.sms_uri,
        "website": line.website,
        "hours": line.hours,
        "cost": line.cost,
        "area": line.area,
        "where_to_find": line.where_to_find,
        "source": line.source,
        "source_url": line.source_url,
        "source_date": line.source_date,
    }
