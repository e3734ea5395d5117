"""The qualification on a table of cases (pure: the shipped rules, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from geo.errors import Invalid
from selfcheck import contacts, rules
from selfcheck.answers import RawAnswers, parse
from selfcheck.models import Answers, Verdict
from selfcheck.qualify import qualify

BOOK = rules.default()
TODAY = date(2026, 12, 7)

# situation, reasons, domain chosen → outcome, verdict, grounds of the law, domain used
CASES = [
    # a refused job because of origin: the three elements → may be a discrimination
    ("refus_emploi", ["origine"], None, "discrimination_possible", "oui", {"origine"}, "emploi"),
    # the done-when case: an internship refused because of her name
    (
        "refus_emploi",
        ["nom"],
        "emploi",
        "discrimination_possible",
        "oui",
        {"patronyme", "origine"},
        "emploi",
    ),
    # a flat refused because of the neighbourhood → « lieu de résidence »
    (
        "refus_logement",
        ["quartier"],
        None,
        "discrimination_possible",
        "oui",
        {"lieu_residence"},
        "logement",
    ),
    # an insult in the street: not a discrimination, an insult (also punished)
    (
        "insulte",
        ["origine"],
        "espace_public",
        "injure_discriminatoire",
        "non",
        {"origine"},
        "espace_public",
    ),
    ("insulte", ["ne_sais_pas"], None, "injure", "non", set(), None),
    # treated worse in the street: outside the domains of discrimination
    ("rue", ["religion"], None, "espace_public", "non", {"religion"}, "espace_public"),
    # unknown ground, covered domain → depends on the reason
    (
        "refus_service",
        ["ne_sais_pas"],
        None,
        "discrimination_raison_a_verifier",
        "peut_etre",
        set(),
        "biens_services",
    ),
    # a reason the law does not list
    ("ecole", ["autre_raison"], None, "pas_un_critere", "non", set(), "education"),
    # no domain at all (situation without one, « je ne sais pas » at step 3)
    (
        "moins_bien_ailleurs",
        ["age"],
        "ne_sais_pas",
        "discrimination_domaine_a_preciser",
        "peut_etre",
        {"age"},
        None,
    ),
    ("autre", ["handicap"], None, "a_preciser", "peut_etre", {"handicap"}, None),
    # the person's own domain wins over the situation's
    (
        "moins_bien_ailleurs",
        ["sante"],
        "sante",
        "discrimination_possible",
        "oui",
        {"etat_sante"},
        "sante",
    ),
    # police: a discrimination by a person holding public authority
    (
        "police",
        ["couleur_peau"],
        None,
        "discrimination_cas_police",
        "oui",
        {"pretendue_race", "origine"},
        "police_justice",
    ),
    # harassment: discriminatory in a covered domain, else harassment
    (
        "harcelement",
        ["orientation"],
        "education",
        "harcelement_discriminatoire",
        "peut_etre",
        {"orientation_sexuelle"},
        "education",
    ),
    ("harcelement", ["orientation"], None, "harcelement", "non", {"orientation_sexuelle"}, None),
    # violence comes first, whatever the reason
    ("violence", ["origine"], "emploi", "violence", "non", {"origine"}, "emploi"),
    # several grounds, one of them outside the law: still a discrimination
    (
        "refus_entree",
        ["autre_raison", "apparence", "couleur_peau"],
        None,
        "discrimination_possible",
        "oui",
        {"apparence_physique", "pretendue_race", "origine"},
        "biens_services",
    ),
    # a ground offered under « d'autres raisons prévues par la loi »
    (
        "travail",
        ["activites_syndicales"],
        None,
        "discrimination_possible",
        "oui",
        {"activites_syndicales"},
        "emploi",
    ),
]


@pytest.mark.parametrize(
    ("situation", "reasons", "domain", "outcome", "verdict", "grounds", "used"), CASES
)
def test_qualification_table(
    situation: str,
    reasons: list[str],
    domain: str | None,
    outcome: str,
    verdict: str,
    grounds: set[str],
    used: str | None,
) -> None:
    answers = parse(RawAnswers(situation, tuple(reasons), domain), BOOK, TODAY)
    q = qualify(answers, BOOK)
    assert (q.outcome, q.verdict.value, set(q.grounds), q.domain) == (
        outcome,
        verdict,
        grounds,
        used,
    )


def test_insult_shows_the_insult_and_harassment_contacts_not_only_discrimination_lines() -> None:
    q = qualify(Answers("insulte", ("origine",), "espace_public"), BOOK)
    assert q.verdict == Verdict.NO
    outcome = BOOK.outcomes[q.outcome]
    lines = [line.code for line in contacts.pick(outcome.contacts)]
    assert "france_victimes_116006" in lines and "cyberharcelement_3018" in lines
    assert "injure" in outcome.legal_word
    assert "loi_1881_injure" in outcome.refs


def test_a_discrimination_names_allonantes_and_3928() -> None:
    q = qualify(Answers("refus_emploi", ("origine",)), BOOK)
    codes = [line.code for line in contacts.pick(BOOK.outcomes[q.outcome].contacts)]
    assert codes[:2] == ["allonantes_discriminations", "defenseur_des_droits_3928"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (RawAnswers("licenciement_abusif"), "situation inconnue"),
        (RawAnswers("refus_emploi", ("couleur_des_yeux",)), "raison inconnue"),
        (RawAnswers("refus_emploi", (), "cinema"), "domaine inconnu"),
        (RawAnswers("refus_emploi", (), None, None, None, ("danser",)), "souhait inconnu"),
        (RawAnswers("refus_emploi", (), None, "12 rue de la Paix"), "lieu inconnu"),
        (RawAnswers("refus_emploi", (), None, None, "2027-01"), "mois dans le futur"),
        (RawAnswers("refus_emploi", (), None, None, "2019-12"), "mois trop ancien"),
        (RawAnswers("refus_emploi", (), None, None, "12/2026"), "mois invalide"),
        (RawAnswers(None), "situation manquante"),
    ],
)
def test_unknown_codes_are_refused_naming_them(raw: RawAnswers, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse(raw, BOOK, TODAY)
    assert message in caught.value.message


def test_months_and_places_parse() -> None:
    answers = parse(RawAnswers("refus_emploi", (), None, "qp044013", "2026-12"), BOOK, TODAY)
    assert answers.place.qpv == "QP044013" and answers.month == date(2026, 12, 1)
    assert parse(RawAnswers("refus_emploi", (), None, "44109", "avant"), BOOK, TODAY).month is None
    assert (
        parse(RawAnswers("refus_emploi", (), None, "44109"), BOOK, TODAY).place.commune == "44109"
    )
