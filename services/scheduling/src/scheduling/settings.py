"""scheduling's settings: the platform's, plus its port and database schema."""

from __future__ import annotations

from pydantic import Field

from ect_platform.settings import PlatformSettings


class SchedulingSettings(PlatformSettings):
    port: int = Field(default=8001, validation_alias="SCHEDULING_PORT")
    db_schema: str = Field(default="scheduling", validation_alias="SCHEDULING_DB_SCHEMA")
    inbound_consumer_group: str = Field(default="scheduling-inbound",
                                        validation_alias="SCHEDULING_CONSUMER_GROUP")
    mentor_min_years_teaching: int = Field(default=3, validation_alias="MENTOR_MIN_YEARS_TEACHING")
