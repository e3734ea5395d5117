"""Dependencies shared by the surveys routers (walks, observations, follow-up, public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.deps import SettingsDep
from app.configs import survey_config_from
from surveys.models import SurveyConfig


async def survey_config(settings: SettingsDep) -> SurveyConfig:
    """Dependency (``async``: pure, so it runs on the event loop instead of costing a
    thread-pool hop per request)."""
    return survey_config_from(settings)


SurveyConfigDep = Annotated[SurveyConfig, Depends(survey_config)]
