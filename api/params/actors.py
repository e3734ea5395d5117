"""The resident form of the help pages, as received (strings; checked when used)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query

Text = Annotated[str | None, Query(max_length=100)]


@dataclass(frozen=True)
class ResidentForm:
    """The resident's form as received (strings; checked when used)."""

    besoin: str | None = None
    domain: str | None = None
    ground: str | None = None
    public: str | None = None
    quartier: str | None = None
    commune: str | None = None
    lon: str | None = None
    lat: str | None = None
    open_now: str | None = None
    at: str | None = None

    def query(self, **override: Any) -> str:
        values = {**self.__dict__, **override}
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


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
