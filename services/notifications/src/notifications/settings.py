"""notifications' settings: the platform's, plus its port, schema and consumer group."""

from __future__ import annotations

from pydantic import Field

from ect_platform.settings import PlatformSettings


class NotificationsSettings(PlatformSettings):
    port: int = Field(default=8003, validation_alias="NOTIFICATIONS_PORT")
    db_schema: str = Field(default="notifications", validation_alias="NOTIFICATIONS_DB_SCHEMA")
    consumer_group: str = Field(default="notifications",
                                validation_alias="NOTIFICATIONS_CONSUMER_GROUP")
