"""Type rules (``actors/type_rules.toml``): what an actor handles, derived from its type only.

A rule fills the derivable fields (grounds, domains, publics…) that a record leaves empty and
records which ones it filled, so the directory can say « d'après le type de structure » and a
later import never overwrites a value staff set by hand.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from actors import vocab
from actors.models import DERIVABLE_FIELDS

RULES_FILE = Path(__file__).with_name("type_rules.toml")

_VOCABS = {
    "grounds": vocab.grounds,
    "domains": vocab.domains,
    "publics": vocab.publics,
    "networks": vocab.networks,
    "modes_accueil": vocab.modes_accueil,
}


@dataclass(frozen=True)
class TypeRule:
    actor_type: str
    label: str
    about: str
    why: str
    source: str
    values: dict[str, Any] = field(default_factory=dict)
    """Derivable field → value (lists already expanded from ``"*"``; ``frais`` a string)."""


@dataclass(frozen=True)
class RuleBook:
    version: str
    rules: dict[str, TypeRule]

    def get(self, actor_type: str | None) -> TypeRule | None:
        return self.rules.get(actor_type or "")

    def label(self, actor_type: str | None) -> str | None:
        rule = self.get(actor_type)
        return rule.label if rule else None


def load(path: Path = RULES_FILE) -> RuleBook:
    """Read and check a rule file (unknown codes raise :class:`geo.errors.Invalid`)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = {}
    for item in raw.get("rules", []):
        values: dict[str, Any] = {}
        for name in DERIVABLE_FIELDS:
            if name not in item:
                continue
            value = item[name]
            if name in _VOCABS:
                value = list(_VOCABS[name]().codes) if value == "*" else value
                _VOCABS[name]().check(value)
            if name == "frais":
                vocab.frais().get(value)
            values[name] = value
        rules[item["actor_type"]] = TypeRule(
            actor_type=item["actor_type"],
            label=item["label"],
            about=item.get("about", ""),
            why=item["why"],
            source=item["source"],
            values=values,
        )
    return RuleBook(str(raw["version"]), rules)


@cache
def default() -> RuleBook:
    """The rules shipped with the package."""
    return load()


def derive(record: Mapping[str, Any], book: RuleBook | None = None) -> dict[str, Any]:
    """The fields a type rule adds to ``record`` (only those the record leaves empty).

    Returns a dict to merge into the record: the derived values, ``derived_fields`` and
    ``derivation_rule`` (``"<actor_type>@<version>"``); empty when no rule applies.
    """
    book = book or default()
    rule = book.get(record.get("actor_type"))
    if rule is None:
        return {}
    out: dict[str, Any] = {}
    for name, value in rule.values.items():
        if record.get(name) in (None, "", []):
            out[name] = list(value) if isinstance(value, list) else value
    if not out:
        return {}
    out["derived_fields"] = sorted(k for k in out if out[k] not in (None, "", []))
    out["derivation_rule"] = f"{rule.actor_type}@{book.version}"
    return out
