"""The self-check as data (``selfcheck/rules.toml``): situations, everyday reasons and the
grounds of the law behind them, places (domains), wishes, age bands, evidence to keep, legal
references, outcomes and the ordered qualification rules. Every code is checked on load."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from actors import vocab
from geo.errors import Invalid
from selfcheck.models import Kind, Verdict

DEFAULT_FILE = Path(__file__).with_name("rules.toml")
GROUND_STATES = ("legal", "unknown", "none", "*")
DOMAIN_STATES = ("covered", "not_covered", "unknown", "*")


@dataclass(frozen=True)
class Choice:
    """One answer of a question: its code, everyday words, and what it means for the law."""

    code: str
    everyday: str
    legal: str | None = None
    kind: Kind | None = None
    domain: str | None = None
    grounds: tuple[str, ...] = ()
    unknown: bool = False
    note: str | None = None
    extra: bool = False
    """A ground of the law offered under « D'autres raisons prévues par la loi »."""


@dataclass(frozen=True)
class Reference:
    code: str
    label: str
    url: str | None


@dataclass(frozen=True)
class ActorsWanted:
    """Which places of the directory an outcome shows."""

    none: bool = False
    grounds: bool = False
    domain: str = ""
    """``answer`` (the domain given), a domain code, or empty (no domain filter)."""


@dataclass(frozen=True)
class Outcome:
    code: str
    verdict: Verdict
    title: str
    legal_word: str
    summary: str
    refs: tuple[str, ...]
    contacts: tuple[str, ...]
    actions: tuple[str, ...]
    actors: ActorsWanted


@dataclass(frozen=True)
class Rule:
    kind: str
    ground: str
    domain: str
    outcome: str
    why: str

    def matches(self, kind: str, ground: str, domain_state: str, domain: str | None) -> bool:
        return (
            self.kind in ("*", kind)
            and self.ground in ("*", ground)
            and self.domain in ("*", domain_state, domain or "")
        )


@dataclass(frozen=True)
class Evidence:
    text: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Ruleset:
    version: str
    status: str
    months_offered: int
    months_accepted: int
    covered_domains: frozenset[str]
    situations: tuple[Choice, ...]
    reasons: tuple[Choice, ...]
    places: tuple[Choice, ...]
    wishes: tuple[Choice, ...]
    age_bands: tuple[Choice, ...]
    evidence: tuple[Evidence, ...]
    references: dict[str, Reference]
    outcomes: dict[str, Outcome]
    rules: tuple[Rule, ...]

    def situation(self, code: str) -> Choice:
        return _pick(self.situations, code, "situation inconnue")

    def reason(self, code: str) -> Choice:
        return _pick(self.reasons, code, "raison inconnue")

    def place(self, domain: str) -> Choice:
        return _pick(self.places, domain, "domaine inconnu")

    def wish(self, code: str) -> Choice:
        return _pick(self.wishes, code, "souhait inconnu")

    def age_band(self, code: str) -> Choice:
        return _pick(self.age_bands, code, "tranche d'âge inconnue")

    def evidence_for(self, kind: str) -> list[str]:
        return [e.text for e in self.evidence if "*" in e.kinds or kind in e.kinds]


def _pick(choices: tuple[Choice, ...], code: str, name: str) -> Choice:
    for choice in choices:
        if choice.code == code:
            return choice
    valid = ", ".join(c.code for c in choices)
    raise Invalid(f"{name} : {code!r} (valeurs possibles : {valid})")


def load(path: Path | None = None) -> Ruleset:
    """Read and check a rules file.

    Raises
    ------
    Invalid
        A code that the vocabularies, the help lines or the file itself do not know; an
        outcome no rule leads to; a last rule that does not match everything.
    """
    raw = tomllib.loads((path or DEFAULT_FILE).read_text(encoding="utf-8"))
    code_penal = _code_penal_url()
    references = {
        r["code"]: Reference(r["code"], r["label"], code_penal if r.get("url") else None)
        for r in raw["references"]
    }
    ruleset = Ruleset(
        version=str(raw["version"]),
        status=raw["status"],
        months_offered=int(raw["months_offered"]),
        months_accepted=int(raw["months_accepted"]),
        covered_domains=frozenset(vocab.domains().check(raw["covered_domains"])),
        situations=tuple(_situation(s) for s in raw["situations"]),
        reasons=_reasons(raw["reasons"]),
        places=tuple(
            Choice(vocab.domains().get(p["domain"]).code, p["everyday"]) for p in raw["places"]
        ),
        wishes=tuple(Choice(w["code"], w["everyday"]) for w in raw["wishes"]),
        age_bands=tuple(Choice(a["code"], a["label"]) for a in raw["age_bands"]),
        evidence=tuple(Evidence(e["text"], tuple(e["kinds"])) for e in raw["evidence"]),
        references=references,
        outcomes={o["code"]: _outcome(o) for o in raw["outcomes"]},
        rules=tuple(_rule(r) for r in raw["rules"]),
    )
    _check(ruleset)
    return ruleset


def _code_penal_url() -> str:
    """The Code pénal URL of ``actors/vocabularies.toml`` (each ground carries it)."""
    url = vocab.grounds().get("origine").legal_url
    if not url:
        raise Invalid("actors/vocabularies.toml : URL du Code pénal manquante")
    return url


def _situation(raw: dict[str, Any]) -> Choice:
    domain = raw.get("domain")
    if domain:
        vocab.domains().get(domain)
    return Choice(raw["code"], raw["everyday"], raw["legal"], Kind(raw["kind"]), domain)


def _reasons(raw: list[dict[str, Any]]) -> tuple[Choice, ...]:
    """The reasons of the file, then every ground they do not name (with its everyday words),
    « je ne sais pas » and « une autre raison » kept last."""
    given = [
        Choice(
            r["code"],
            r["everyday"],
            grounds=tuple(vocab.grounds().check(r.get("grounds", []))),
            unknown=bool(r.get("unknown", False)),
            note=r.get("note"),
        )
        for r in raw
    ]
    named = {g for r in given for g in r.grounds}
    codes = {r.code for r in given}
    extra = tuple(
        Choice(t.code, t.everyday or t.label, grounds=(t.code,), extra=True)
        for t in vocab.grounds().terms
        if t.code not in named and t.code not in codes
    )
    last = [r for r in given if r.unknown or not r.grounds]
    first = [r for r in given if r not in last]
    return (*first, *extra, *last)


def _outcome(raw: dict[str, Any]) -> Outcome:
    actors = raw.get("actors", {})
    return Outcome(
        code=raw["code"],
        verdict=Verdict(raw["discrimination"]),
        title=raw["title"],
        legal_word=raw["legal_word"],
        summary=raw["summary"],
        refs=tuple(raw.get("refs", [])),
        contacts=tuple(raw.get("contacts", [])),
        actions=tuple(raw.get("actions", [])),
        actors=ActorsWanted(
            none=bool(actors.get("none", False)),
            grounds=bool(actors.get("grounds", False)),
            domain=str(actors.get("domain", "")),
        ),
    )


def _rule(raw: dict[str, Any]) -> Rule:
    when = raw["when"]
    return Rule(when["kind"], when["ground"], when["domain"], raw["outcome"], raw.get("why", ""))


def _check(ruleset: Ruleset) -> None:
    from selfcheck import contacts

    kinds = {k.value for k in Kind} | {"*"}
    domains = set(vocab.domains().codes)
    lines = {line.code for line in contacts.all_lines()}
    for outcome in ruleset.outcomes.values():
        for ref in outcome.refs:
            if ref not in ruleset.references:
                raise Invalid(f"issue {outcome.code!r} : référence inconnue {ref!r}")
        for line in outcome.contacts:
            if line not in lines:
                raise Invalid(f"issue {outcome.code!r} : ligne d'écoute inconnue {line!r}")
        wanted = outcome.actors.domain
        if wanted not in ("", "answer") and wanted not in domains:
            raise Invalid(f"issue {outcome.code!r} : domaine inconnu {wanted!r}")
    for rule in ruleset.rules:
        if rule.kind not in kinds or rule.ground not in GROUND_STATES:
            raise Invalid(f"règle vers {rule.outcome!r} : condition inconnue")
        if rule.domain not in DOMAIN_STATES and rule.domain not in domains:
            raise Invalid(f"règle vers {rule.outcome!r} : domaine inconnu {rule.domain!r}")
        if rule.outcome not in ruleset.outcomes:
            raise Invalid(f"règle : issue inconnue {rule.outcome!r}")
    last = ruleset.rules[-1] if ruleset.rules else None
    if last is None or (last.kind, last.ground, last.domain) != ("*", "*", "*"):
        raise Invalid("la dernière règle doit s'appliquer à tous les cas (*, *, *)")
    unused = set(ruleset.outcomes) - {r.outcome for r in ruleset.rules}
    if unused:
        raise Invalid(f"issues auxquelles aucune règle ne mène : {sorted(unused)}")


@cache
def default() -> Ruleset:
    """The shipped rules (cached)."""
    return load()
