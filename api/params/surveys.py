"""Dependencies shared by the surveys routers (walks, observations, follow-up, public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.deps import SettingsDep
from app.settings import Settings
from surveys.models import SurveyConfig


def survey_config_from(settings: Settings) -> SurveyConfig:
    """The surveys part of the settings, as the domain services take it."""
    return SurveyConfig(
        territory=settings.territory,
        clock_skew_s=settings.clock_skew_s,
        public_min_count=settings.public_min_count,
        public_delay_days=settings.public_delay_days,
        participant_token_days=settings.participant_token_days,
    )


async def survey_config(settings: SettingsDep) -> SurveyConfig:
    """Dependency (``async``: pure, so it runs on the event loop instead of costing a
    thread-pool hop per request)."""
    return survey_config_from(settings)


SurveyConfigDep = Annotated[SurveyConfig, Depends(survey_config)]
