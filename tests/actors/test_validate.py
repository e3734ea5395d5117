"""Field validation: every problem of a record is named, phones become E.164."""

from __future__ import annotations

import pytest

from actors import validate
from actors.errors import InvalidRecord
from geo.errors import Invalid


def test_phones_become_e164() -> None:
    assert validate.phone("02 40 97 35 23") == "+33240973523"
    assert validate.phone("06.20.36.72.94") == "+33620367294"
    assert validate.phone("+33 9 77 81 55 98") == "+33977815598"
    assert validate.phone(None) is None


@pytest.mark.parametrize("bad", ["+3322820252000", "0240", "pas de numéro", "12"])
def test_malformed_phones_are_refused(bad: str) -> None:
    with pytest.raises(Invalid, match="telephone invalide"):
        validate.phone(bad)


def test_email_syntax_only() -> None:
    assert validate.email("Franceservices@bouvron.eu") == "Franceservices@bouvron.eu"
    with pytest.raises(Invalid, match="courriel invalide"):
        validate.email("https://www.saint-herblain.fr/Nous-contacter")


@pytest.mark.parametrize(
    "bad", ["www.exemple.fr", "javascript:alert(1)", "ftp://exemple.fr", "https://localhost"]
)
def test_urls_must_be_absolute_http(bad: str) -> None:
    with pytest.raises(Invalid, match="site_web invalide"):
        validate.url("site_web", bad)


def test_unknown_code_lists_the_valid_ones() -> None:
    with pytest.raises(Invalid) as caught:
        validate.codes("grounds", ["origine", "couleur_des_chaussettes"])
    assert "couleur_des_chaussettes" in caught.value.message
    assert "valeurs possibles : origine, sexe" in caught.value.message


def test_codes_accept_separated_strings() -> None:
    assert validate.codes("domains", "emploi|logement, sante") == ["emploi", "logement", "sante"]


def test_swapped_or_projected_positions_are_refused() -> None:
    assert validate.position("-1,55", "47,21") == (-1.55, 47.21)
    with pytest.raises(Invalid, match="inversées"):
        validate.position(47.21, -1.55)
    with pytest.raises(Invalid):
        validate.position(355000, 6690000)  # Lambert-93 metres


def test_record_collects_every_reason_and_keeps_text_as_text() -> None:
    with pytest.raises(InvalidRecord) as caught:
        validate.record(
            {
                "nom": "Point d'accueil",
                "telephone": "0240",
                "courriel": "pas-un-courriel",
                "horaires_accueil": "lundi matin",
                "lon": -1.55,
                "lat": 47.21,
            }
        )
    reasons = " | ".join(caught.value.reasons)
    assert "telephone" in reasons and "courriel" in reasons and "horaires" in reasons
    payload = '<script>alert("x")</script> Maison & Cie'
    clean = validate.record({"nom": payload, "lon": -1.55, "lat": 47.21})
    assert clean["nom"] == payload  # stored as text; escaping is the output's job


def test_control_characters_and_missing_name() -> None:
    with pytest.raises(InvalidRecord, match="caractères de contrôle"):
        validate.record({"nom": "A\x00B", "lon": -1.55, "lat": 47.21})
    with pytest.raises(InvalidRecord, match="nom : obligatoire"):
        validate.record({"lon": -1.55, "lat": 47.21})


def test_source_date_labels_give_a_date() -> None:
    assert str(validate.date_from_label("2019-11")) == "2019-11-01"
    assert str(validate.date_from_label("2024-12-18 (file date)")) == "2024-12-18"
    assert validate.date_from_label("inconnue") is None
