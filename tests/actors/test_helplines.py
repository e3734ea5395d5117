"""Help lines come from configuration, with their source; nothing is invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from actors import helplines
from geo.errors import Invalid


def test_shipped_lines_have_sources_and_valid_numbers() -> None:
    lines = helplines.load()
    codes = {line.code for line in lines}
    assert {"allonantes_discriminations", "defenseur_des_droits_3928"} <= codes
    for line in lines:
        assert line.source and line.source_date and line.source_url
        assert line.tel_uri is None or line.tel_uri.startswith("tel:")
    ddd = next(line for line in lines if line.code == "defenseur_des_droits_3928")
    assert ddd.tel_uri == "tel:3928"


CAMPAIGN = {"violences_femmes_info_3919", "allonantes_discriminations", "defenseur_des_droits_3928"}


def test_the_campaigns_lines_show_in_both_situations() -> None:
    # #21: AlloNantes, 3919 and 39 28 in every help flow, whatever the situation
    assert {line.code for line in helplines.for_situation(False)} == CAMPAIGN
    assert {line.code for line in helplines.for_campaign()} == CAMPAIGN
    discrimination = {line.code for line in helplines.for_situation(True)}
    assert discrimination >= CAMPAIGN
    assert all(line.source and line.source_date for line in helplines.for_campaign())


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "lines.toml"
    path.write_text("[[lines]]\ncode='x'\nname='X'\noperator='O'\nabout='A'\n" + body)
    return path


def test_a_line_without_number_says_where_to_find_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "source='S'\nsource_date='2026'\nwhere_to_find='sur le site de la mairie'\n",
    )
    (line,) = helplines.load(path)
    assert line.telephone is None and line.tel_uri is None
    with pytest.raises(Invalid, match="where_to_find"):
        helplines.load(write(tmp_path, "source='S'\nsource_date='2026'\n"))


def test_unsourced_or_malformed_lines_are_refused(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="source"):
        helplines.load(write(tmp_path, "telephone='+33240000000'\n"))
    with pytest.raises(Invalid, match="numéro invalide"):
        helplines.load(write(tmp_path, "source='S'\nsource_date='1'\ntelephone='02 40'\n"))
