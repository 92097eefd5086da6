"""Settings every service process reads from its environment (pydantic-settings)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = Field(description="postgresql:// URL of the platform's database")
    kafka_bootstrap_servers: str = Field(description="host:port[,host:port] of the Kafka brokers")
    jwt_secret: SecretStr = Field(description="HMAC secret that signs and verifies bearer tokens")
    kafka_topic_prefix: str = Field(
        default="", description="Prepended to every topic name, so environments can share a cluster"
    )
    kafka_session_timeout_ms: int = Field(
        default=10000, ge=1000,
        description="Consumer group session timeout; a restarted consumer waits about this long "
        "for its old membership to expire, so tests and `ect up` use less",
    )
    host: str = Field(default="127.0.0.1", validation_alias="BIND_HOST")
