"""Dates and times as the staff read them: French order, Paris time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(moment: datetime, seconds: bool = False) -> str:
    """« 05/12/2026 15:58 » in Paris time (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M" + (":%S" if seconds else ""))
