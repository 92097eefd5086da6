"""reporting's settings: the platform's, plus its port, schema, consumer group and status thresholds."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from ect_platform.settings import PlatformSettings
from reporting.domain.entitlement_rules import Thresholds


class StatusThresholds(BaseModel):
    """Hub policy for the entitlement status (see ``reporting.domain.entitlement_rules``).

    Set from the environment as ``REPORTING_STATUS__<FIELD>``, e.g.
    ``REPORTING_STATUS__SESSION_SHORTFALL_AMBER=3``.
    """

    model_config = ConfigDict(extra="forbid")

    session_shortfall_amber: int = Field(default=2, ge=1)
    session_shortfall_red: int = Field(default=4, ge=1)
    weeks_without_session_amber: int = Field(default=3, ge=1)
    weeks_without_session_red: int = Field(default=6, ge=1)
    unmentored_days_red: int = Field(default=14, ge=0)
    mentor_training_missed_amber: int = Field(default=1, ge=1)
    catch_ups_overdue_amber: int = Field(default=1, ge=1)
    absence_days_amber: float = Field(default=20, gt=0)
    absence_days_red: float = Field(default=30, gt=0)
    report_overdue_red_days: int = Field(default=10, ge=0)

    def rules(self) -> Thresholds:
        return Thresholds(**self.model_dump())


class ReportingSettings(PlatformSettings):
    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")

    port: int = Field(default=8002, validation_alias="REPORTING_PORT")
    db_schema: str = Field(default="reporting", validation_alias="REPORTING_DB_SCHEMA")
    consumer_group: str = Field(default="reporting-projections",
                                validation_alias="REPORTING_CONSUMER_GROUP")
    status: StatusThresholds = Field(default_factory=StatusThresholds,
                                     validation_alias="REPORTING_STATUS")
    scheduling_url: str = Field(
        default="http://127.0.0.1:8001", validation_alias="SCHEDULING_URL",
        description="The scheduling service, where the dashboard's import page sends uploads")
    refresh_interval_seconds: float = Field(
        default=3600, gt=0, validation_alias="REPORTING_REFRESH_INTERVAL_SECONDS",
        description="How often the consumer recomputes statuses computed on an earlier day")
