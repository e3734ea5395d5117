from __future__ import annotations

import pytest

from actors import vocab
from geo.errors import Invalid


def test_grounds_are_the_24_of_225_1_plus_harassment() -> None:
    g = vocab.grounds()
    assert len([t for t in g.terms if t.legal_ref == "Code pénal, art. 225-1"]) == 24
    assert g.get("harcelement_sexuel").legal_ref == "Code pénal, art. 225-1-1"
    assert len(set(g.codes)) == len(g.codes)
    assert all(t.everyday and t.legal_url for t in g.terms)


def test_unknown_code_lists_valid_ones() -> None:
    with pytest.raises(Invalid, match="valeurs possibles : emploi, logement"):
        vocab.domains().check(["emploi", "cinema"])
