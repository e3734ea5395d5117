"""Request schemas of the walkers' field app: corrections of one's own observations."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import Field, field_validator

from api.schemas import StrictModel
from api.schemas_surveys import Code, Rating, Text, point_lon_lat
from surveys.models import CorrectionInput


class CorrectionIn(StrictModel):
    """The new content of an observation (identity, kind, walk and time are kept)."""

    base_version: int = Field(
        ge=1,
        le=100_000,
        strict=True,
        description="Version corrigée (celle que montre le téléphone)",
    )
    location: dict[str, Any] = Field(description="GeoJSON Point [lon, lat] (WGS84)")
    stop_id: uuid.UUID | None = None
    theme: Code | None = None
    items: list[Code] = Field(default_factory=list, max_length=20)
    rating: Rating | None = None
    feeling: Rating | None = None
    works_well: bool = Field(False, strict=True)
    comment: Text | None = None
    proposal: Text | None = None
    category: Code | None = None
    photo_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10,
        description="Photos gardées ou annoncées ; les photos absentes de la liste sont effacées",
    )

    @field_validator("location")
    @classmethod
    def _point(cls, value: dict[str, Any]) -> dict[str, Any]:
        point_lon_lat(value)
        return value

    def to_input(self) -> CorrectionInput:
        lon, lat = point_lon_lat(self.location)
        return CorrectionInput(
            base_version=self.base_version,
            lon=lon,
            lat=lat,
            stop_id=self.stop_id,
            theme=self.theme,
            items=tuple(self.items),
            rating=self.rating,
            feeling=self.feeling,
            works_well=self.works_well,
            comment=self.comment or None,
            proposal=self.proposal or None,
            category=self.category,
            photo_ids=tuple(self.photo_ids),
        )
