"""The resident form of the help pages, as received (strings; checked when used)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from app.resident import ResidentForm

Text = Annotated[str | None, Query(max_length=100)]


def resident_form(
    besoin: Text = None,
    domain: Text = None,
    ground: Text = None,
    public: Text = None,
    quartier: Text = None,
    commune: Text = None,
    lon: Text = None,
    lat: Text = None,
    open_now: Text = None,
    at: Text = None,
) -> ResidentForm:
    return ResidentForm(besoin, domain, ground, public, quartier, commune, lon, lat, open_now, at)


FormDep = Annotated[ResidentForm, Depends(resident_form)]
