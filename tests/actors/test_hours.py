"""Opening hours: conversions of the real source formats and « open now » in Paris time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from actors import hours
from actors.models import HoursOrigin
from geo.errors import Invalid

FRANCE_SERVICES = {
    "lundi": "08:30 - 12:30 / 14:00 - 17:00",
    "mercredi": "08:30 - 12:30",
    "vendredi": "09:00 - 17:00",
}


def test_france_services_days_become_osm_rules() -> None:
    converted = hours.from_source(FRANCE_SERVICES)
    assert converted.origin == HoursOrigin.CONVERTED
    assert converted.osm == "Mo 08:30-12:30,14:00-17:00; We 08:30-12:30; Fr 09:00-17:00"
    oh = hours.parse(converted.osm)
    paris = ZoneInfo("Europe/Paris")
    assert oh.is_open(datetime(2026, 12, 7, 15, 0, tzinfo=paris))  # a Monday afternoon
    assert not oh.is_open(datetime(2026, 12, 7, 13, 0, tzinfo=paris))  # lunch break
    assert not oh.is_open(datetime(2026, 12, 8, 10, 0, tzinfo=paris))  # Tuesday: not listed


def test_unrecognised_day_format_is_kept_as_text_not_guessed() -> None:
    converted = hours.from_source({"lundi": "le matin", "mardi": "09:00 - 12:00"})
    assert converted.osm is None
    assert converted.origin == HoursOrigin.TEXT
    assert "lundi : le matin" in (converted.text or "")


def test_defenseur_des_droits_days_are_known_hours_are_not() -> None:
    converted = hours.from_source(
        {"permanences_delegues": [{"jour": "2e JEUDI", "moment": "JOURNEE"}]}
    )
    assert converted.osm == 'Th[2] unknown "permanence, journée"'
    assert converted.text == "Permanences des délégué·es : 2e jeudi (journée)"
    second_thursday = datetime(2026, 12, 10, 10, 0)
    other_day = datetime(2026, 12, 7, 10, 0)
    assert hours.opening(converted.osm, second_thursday).state == "unknown"
    closed = hours.opening(converted.osm, other_day)
    assert closed.state == "closed"
    assert "prochaine date : jeudi 10 décembre" in closed.label


def test_defenseur_des_droits_exception_and_ordinals() -> None:
    converted = hours.from_source(
        {
            "permanences_delegues": [
                {"jour": "sauf 2e JEUDI", "moment": "JOURNEE"},
                {"jour": "1e - 2e et 3e MERCREDI", "moment": "JOURNEE"},
            ]
        }
    )
    assert converted.osm is not None
    assert hours.opening(converted.osm, datetime(2026, 12, 3, 10)).state == "unknown"  # 1st Th
    assert hours.opening(converted.osm, datetime(2026, 12, 10, 10)).state == "closed"  # 2nd Th
    assert hours.opening(converted.osm, datetime(2026, 12, 23, 10)).state == "closed"  # 4th We


def test_unknown_permanence_wording_stays_text() -> None:
    converted = hours.from_source(
        {"permanences_delegues": [{"jour": "sur rendez-vous", "moment": "JOURNEE"}]}
    )
    assert converted.osm is None and converted.origin == HoursOrigin.TEXT


def test_malformed_osm_is_refused_or_kept_as_text_when_lenient() -> None:
    bad = "Mo 09:30-12:00,14:00-17:00; Tu 12:30"  # real value of the médiation numérique data
    with pytest.raises(Invalid, match="horaires illisibles"):
        hours.from_source(bad)
    lenient = hours.from_source(bad, lenient=True)
    assert lenient.osm is None and lenient.text == bad and lenient.origin == HoursOrigin.TEXT


def test_open_now_is_evaluated_in_paris_time_whatever_the_input_zone() -> None:
    expression = "Mo-Fr 09:00-12:00"
    # 08:30 UTC in winter is 09:30 in Paris; 07:30 UTC in summer is 09:30 in Paris.
    assert hours.opening(expression, datetime(2026, 12, 1, 8, 30, tzinfo=UTC)).state == "open"
    assert hours.opening(expression, datetime(2026, 7, 1, 7, 30, tzinfo=UTC)).state == "open"
    assert hours.opening(expression, datetime(2026, 12, 1, 11, 30, tzinfo=UTC)).state == "closed"
    naive_paris = datetime(2026, 12, 1, 11, 59)
    assert hours.opening(expression, naive_paris).label == "ouvert en ce moment, ferme à 12 h"


def test_closed_label_says_when_it_reopens() -> None:
    result = hours.opening("Mo 09:00-12:00", datetime(2026, 12, 1, 12, 30))  # Tuesday
    assert result.state == "closed"
    assert result.label == "fermé en ce moment, ouvre lundi à 9 h"
    assert result.open_now is False


def test_no_hours_is_unknown_never_open() -> None:
    assert hours.opening(None, datetime(2026, 12, 1, 10)).open_now is None
    assert hours.opening(None, None, has_text=True).label.startswith("horaires à vérifier")


def test_week_lists_seven_days_with_spans() -> None:
    week = hours.week("Mo-Fr 09:00-12:00,14:00-17:00; Sa 10:00-24:00", datetime(2026, 12, 1))
    assert len(week) == 7
    assert week[0] == ("mardi 1er décembre", ["9 h – 12 h", "14 h – 17 h"])
    assert week[4] == ("samedi 5 décembre", ["10 h – 24 h"])
    assert week[5] == ("dimanche 6 décembre", [])
