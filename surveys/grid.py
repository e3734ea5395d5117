"""The observation grid as data (``surveys/grid.toml``): the six principles of the French method
of the marches exploratoires with their items, the rating scales, and the GUSP categories."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from geo.errors import Invalid

_FILE = Path(__file__).with_name("grid.toml")


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    help: tuple[str, ...] = ()
    """Grounds of discrimination whose help the field app shows when the item is chosen."""


@dataclass(frozen=True)
class Principle:
    code: str
    label: str
    items: tuple[Entry, ...]

    @property
    def item_codes(self) -> tuple[str, ...]:
        """Codes of the principle's items."""
        return tuple(i.code for i in self.items)


@dataclass(frozen=True)
class Presence:
    """The count item of the grid: groups of people counted during a few minutes."""

    groups: tuple[Entry, ...]
    minutes: int
    max_per_group: int
    share_of: str
    share_among: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.groups)


@dataclass(frozen=True)
class Grid:
    principles: tuple[Principle, ...]
    categories: tuple[Entry, ...]
    scales: dict[str, dict[int, str]]
    presence: Presence | None = None

    @property
    def themes(self) -> tuple[str, ...]:
        """Codes of the six principles (the ``theme`` of a walk observation)."""
        return tuple(p.code for p in self.principles)

    @property
    def category_codes(self) -> tuple[str, ...]:
        """Codes of the GUSP categories."""
        return tuple(c.code for c in self.categories)

    def principle(self, theme: str) -> Principle:
        """The principle ``theme``, or :class:`Invalid` listing the known ones."""
        for principle in self.principles:
            if principle.code == theme:
                return principle
        raise Invalid(f"thème inconnu : {theme!r} (thèmes possibles : {', '.join(self.themes)})")

    def check_items(self, theme: str, items: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """``items`` sorted and de-duplicated when they all belong to ``theme``."""
        principle = self.principle(theme)
        for item in items:
            if item not in principle.item_codes:
                raise Invalid(
                    f"élément inconnu pour le thème « {theme} » : {item!r} "
                    f"(éléments possibles : {', '.join(principle.item_codes)})"
                )
        return tuple(sorted(set(items)))

    def check_category(self, category: str) -> str:
        """``category`` when known; :class:`Invalid` listing the known ones."""
        if category not in self.category_codes:
            raise Invalid(
                f"catégorie GUSP inconnue : {category!r} "
                f"(catégories possibles : {', '.join(self.category_codes)})"
            )
        return category

    def help_items(self) -> dict[str, tuple[str, ...]]:
        """Item code → the grounds whose help its choice shows (items that trigger help)."""
        return {i.code: i.help for p in self.principles for i in p.items if i.help}

    def label_of(self, code: str) -> str:
        """French label of a theme or a GUSP category (the code itself when unknown)."""
        for principle in self.principles:
            if principle.code == code:
                return principle.label
        for category in self.categories:
            if category.code == code:
                return category.label
        return code


@cache
def grid() -> Grid:
    """The grid shipped with the project (loaded once, checked)."""
    raw = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    principles = tuple(
        Principle(
            p["code"],
            p["label"],
            tuple(Entry(i["code"], i["label"], tuple(i.get("help", ()))) for i in p["items"]),
        )
        for p in raw["principles"]
    )
    categories = tuple(Entry(c["code"], c["label"]) for c in raw["categories"])
    scales = {
        name: {int(k): v for k, v in scale.items() if k.isdigit()}
        for name, scale in raw["scales"].items()
    }
    codes = [p.code for p in principles] + [c.code for c in categories]
    if len(set(p.code for p in principles)) != len(principles) or len(
        set(c.code for c in categories)
    ) != len(categories):
        raise ValueError(f"duplicate code in {_FILE.name}: {codes}")
    return Grid(principles, categories, scales, _presence(raw.get("presence")))


def _presence(raw: dict[str, Any] | None) -> Presence | None:
    if raw is None:
        return None
    groups = tuple(Entry(g["code"], g["label"]) for g in raw["groups"])
    codes = {g.code for g in groups}
    among = tuple(raw["share_among"])
    if raw["share_of"] not in among or not set(among) <= codes or len(codes) != len(groups):
        raise ValueError(f"{_FILE.name}: [presence] share_of/share_among must name its groups")
    return Presence(
        groups, int(raw["minutes"]), int(raw["max_per_group"]), str(raw["share_of"]), among
    )


@cache
def grid_document() -> dict[str, object]:
    """The grid as served to the field app: principles with their items, the two scales with
    their French names and value labels, and the GUSP categories."""
    g = grid()
    raw = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    return {
        "principles": [
            {
                "code": p.code,
                "label": p.label,
                "items": [
                    {"code": i.code, "label": i.label, **({"help": list(i.help)} if i.help else {})}
                    for i in p.items
                ],
            }
            for p in g.principles
        ],
        "scales": {
            name: {
                "label": str(raw["scales"][name].get("label", name)),
                "values": [{"value": v, "label": label} for v, label in sorted(values.items())],
            }
            for name, values in g.scales.items()
        },
        "categories": [{"code": c.code, "label": c.label} for c in g.categories],
        **(
            {
                "presence": {
                    "groups": [{"code": x.code, "label": x.label} for x in g.presence.groups],
                    "minutes": g.presence.minutes,
                    "max_per_group": g.presence.max_per_group,
                }
            }
            if g.presence
            else {}
        ),
    }
