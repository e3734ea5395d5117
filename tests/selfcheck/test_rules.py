"""The rules file is data a lawyer can review: every code is checked on load, every ground of
the law can be answered, every outcome is reachable, and a broken file is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actors import helplines, vocab
from geo.errors import Invalid
from selfcheck import contacts, rules

BOOK = rules.default()


def test_every_ground_of_the_law_can_be_answered() -> None:
    reachable = {g for r in BOOK.reasons for g in r.grounds}
    assert reachable == set(vocab.grounds().codes)
    assert [r.code for r in BOOK.reasons][-2:] == ["autre_raison", "ne_sais_pas"]


def test_each_ground_links_to_its_legal_text_from_the_vocabulary() -> None:
    raw = (Path(vocab.__file__).with_name("vocabularies.toml")).read_text(encoding="utf-8")
    code_penal = re.search(r'code_penal = "([^"]+)"', raw)
    assert code_penal
    for term in vocab.grounds().terms:
        assert term.legal_url == code_penal.group(1)
        assert term.legal_ref and term.legal_ref.startswith("Code pénal, art. 225-1")
    urls = {ref.url for ref in BOOK.references.values()}
    assert urls == {code_penal.group(1), None}  # no link invented beyond the vocabulary's


def test_every_outcome_is_reachable_and_names_known_lines() -> None:
    assert {r.outcome for r in BOOK.rules} == set(BOOK.outcomes)
    known = {line.code for line in contacts.all_lines()}
    for outcome in BOOK.outcomes.values():
        assert set(outcome.contacts) <= known, outcome.code
        assert outcome.title and outcome.summary and outcome.legal_word


def test_contact_lines_have_sources_and_real_numbers_only() -> None:
    lines = contacts.load()
    assert {line.code for line in lines} == {
        "urgence_17_112",
        "cyberharcelement_3018",
        "enfance_danger_119",
        "france_victimes_116006",
    }
    for line in lines:
        assert line.source and line.source_date and line.source_url
        assert line.tel_uri == f"tel:{line.telephone}"
    directory = {line.code for line in helplines.load()}
    assert {"allonantes_discriminations", "defenseur_des_droits_3928"} <= directory


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = rules.DEFAULT_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('grounds = ["lieu_residence"]', 'grounds = ["quartier_chic"]', "motif inconnu"),
        ('domain = "logement"', 'domain = "vacances"', "domaine inconnu"),
        (
            'contacts = ["allonantes_discriminations", "defenseur_des_droits_3928"]',
            'contacts = ["sos_amitie"]',
            "ligne d'écoute inconnue",
        ),
        ('refs = ["cp_225_1", "cp_225_2", "loi_2008_496"]', 'refs = ["cp_999"]', "référence"),
        ('outcome = "a_preciser"', 'outcome = "injure"', "aucune règle"),
        (
            'when = { kind = "*", ground = "*", domain = "*" }',
            'when = { kind = "autre", ground = "*", domain = "*" }',
            "tous les cas",
        ),
    ],
)
def test_a_broken_rules_file_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        rules.load(_broken(tmp_path, old, new))
    assert message in caught.value.message


def test_a_reviewer_can_change_a_rule_without_code(tmp_path: Path) -> None:
    """Taking housing out of the covered domains turns the housing case into « à préciser »."""
    from selfcheck.models import Answers
    from selfcheck.qualify import qualify

    path = _broken(tmp_path, '    "logement",\n', "")
    book = rules.load(path)
    assert qualify(Answers("refus_logement", ("quartier",)), book).outcome == "espace_public"
    assert qualify(Answers("refus_logement", ("quartier",)), BOOK).outcome == (
        "discrimination_possible"
    )
