"""Request parameters and dependencies shared by several routers."""

from __future__ import annotations

from app.settings import Settings
from planning.models import PlanningConfig
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


def planning_config_from(settings: Settings, generation: int | None = None) -> PlanningConfig:
    """The planning part of the settings, as the domain services take it."""
    return PlanningConfig(
        territory=settings.territory,
        generation=generation or settings.qpv_generation,
        public_min_count=settings.public_min_count,
        public_delay_days=settings.public_delay_days,
        actor_distance_m=settings.planning_actor_distance_m,
        school_distance_m=settings.exhibitions_qpv_distance_m,
    )
