"""Pure parts: UAI check letter, school years, themes, the annuaire reader."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from exhibitions import themes
from exhibitions.models import SchoolYear
from exhibitions.uai import check_letter, normalise_uai
from geo.errors import Invalid


def test_every_shared_uai_has_a_valid_check_letter(schools_dir: Path) -> None:
    features = json.loads((schools_dir / "colleges_dep44.geojson").read_text())["features"]
    assert len(features) == 175
    for f in features:
        uai = f["properties"]["uai"]
        assert normalise_uai(uai.lower()) == uai
    assert check_letter("0440286") == "X"


@pytest.mark.parametrize("bad", ["0440286Y", "044028X", "O440286X", "0440286XX", "", 440286])
def test_bad_uai_is_invalid_in_french(bad: object) -> None:
    with pytest.raises(Invalid, match="UAI invalide"):
        normalise_uai(bad)


def test_school_years() -> None:
    year = SchoolYear.parse("2025-2026")
    assert (year.start, year.end) == (date(2025, 9, 1), date(2026, 8, 31))
    assert SchoolYear.of(date(2026, 8, 31)) == year == SchoolYear.of(date(2025, 9, 1))
    assert str(year.minus(2)) == "2023-2024"
    for bad in ("2025-2025", "25-26", "2025/2026"):
        with pytest.raises(Invalid, match="année scolaire invalide"):
            SchoolYear.parse(bad)


def test_themes_expand_aliases_and_keep_order() -> None:
    assert themes.normalise(["Racisme", "handicap", "égalité filles-garçons", "origine"]) == (
        "origine",
        "pretendue_race",
        "handicap",
        "sexe",
    )
    assert themes.label("nation").startswith("Appartenance ou non-appartenance")
    with pytest.raises(Invalid, match="thème inconnu : 'sport'"):
        themes.normalise(["sport"])
