"""Type rules: derived from the actor type only, reviewable, never overriding a given value."""

from __future__ import annotations

from pathlib import Path

import pytest

from actors import rules, vocab
from geo.errors import Invalid


def test_defenseur_des_droits_handles_every_ground_and_domain() -> None:
    derived = rules.derive({"actor_type": "defenseur_des_droits_permanence"})
    assert derived["grounds"] == list(vocab.grounds().codes)
    assert derived["domains"] == list(vocab.domains().codes)
    assert "grounds" in derived["derived_fields"]
    assert derived["derivation_rule"].startswith("defenseur_des_droits_permanence@")


def test_france_travail_is_employment_without_grounds() -> None:
    derived = rules.derive({"actor_type": "france_travail_agence"})
    assert derived["domains"] == ["emploi"]
    assert derived["grounds"] == [] and "grounds" not in derived["derived_fields"]


def test_values_given_by_the_record_win() -> None:
    derived = rules.derive({"actor_type": "france_services", "publics": ["jeunes"]})
    assert "publics" not in derived
    assert rules.derive({"actor_type": "inconnu"}) == {}


def test_every_rule_says_why_and_where_from() -> None:
    book = rules.default()
    assert set(book.rules) >= {
        "france_services",
        "france_travail_agence",
        "defenseur_des_droits_permanence",
        "acces_au_droit_cdad",
        "mediation_numerique",
    }
    assert all(r.why and r.source and r.label for r in book.rules.values())


def test_a_rule_with_an_unknown_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        'version = "t"\n[[rules]]\nactor_type = "x"\nlabel = "X"\nwhy = "w"\nsource = "s"\n'
        'domains = ["emploi", "astrologie"]\n'
    )
    with pytest.raises(Invalid, match="astrologie"):
        rules.load(path)
