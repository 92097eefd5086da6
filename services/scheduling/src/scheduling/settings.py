"""scheduling's settings: the platform's, plus its port and database schema."""

from __future__ import annotations

from pydantic import Field

from ect_platform.settings import PlatformSettings


class SchedulingSettings(PlatformSettings):
    port: int = Field(default=8001, validation_alias="SCHEDULING_PORT")
    db_schema: str = Field(default="scheduling", validation_alias="SCHEDULING_DB_SCHEMA")
    retention_years: int = Field(
        default=6, ge=6, validation_alias="RETENTION_YEARS_AFTER_INDUCTION",
        description="How many years after an induction record closes its personal data is kept "
        "before the retention schedule erases it: at least 6 (statutory guidance 2.77)")
    inbound_consumer_group: str = Field(default="scheduling-inbound",
                                        validation_alias="SCHEDULING_CONSUMER_GROUP")
    aggregate_cache_size: int = Field(default=10000, ge=0, validation_alias="SCHEDULING_AGGREGATE_CACHE")
    mentor_min_years_teaching: int = Field(default=3, validation_alias="MENTOR_MIN_YEARS_TEACHING")
