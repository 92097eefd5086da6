"""reporting's settings: the platform's, plus its port, schema and consumer group."""

from __future__ import annotations

from pydantic import Field

from ect_platform.settings import PlatformSettings


class ReportingSettings(PlatformSettings):
    port: int = Field(default=8002, validation_alias="REPORTING_PORT")
    db_schema: str = Field(default="reporting", validation_alias="REPORTING_DB_SCHEMA")
    consumer_group: str = Field(default="reporting-projections",
                                validation_alias="REPORTING_CONSUMER_GROUP")
