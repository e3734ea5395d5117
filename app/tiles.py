"""The base map of every map the service draws, from the settings."""

from __future__ import annotations

from app.settings import Settings
from maps.styles import Tiles


def tiles_of(settings: Settings) -> Tiles | None:
    """The configured tile template (``CARTEGALITE_TILE_URL``), or None when switched off."""
    return Tiles(settings.tile_url) if settings.tile_url else None
