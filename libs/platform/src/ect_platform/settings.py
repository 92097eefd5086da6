"""Settings every service process reads from its environment (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from ect_platform.chain import ChainKey, ChainKeyError
from ect_platform.identity import MAX_LIFETIME_SECONDS, IdentityProvider, TokenIssuer
from ect_platform.kafka_security import KafkaConnection, KafkaSecuritySettings
from ect_platform.keystore import KeyEncryptionKey, Keystore, PostgresKeystore


# The Kafka security settings (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*) and their
# checks come from KafkaSecuritySettings, which also secures a bare servers string (ect dlq).
class PlatformSettings(KafkaSecuritySettings):
    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = Field(description="postgresql:// URL of the platform's database")
    database_owner_url: str | None = Field(
        default=None, description="postgresql:// URL, on the same database, of the role that owns "
        "the schemas and the hash-chained tables. Set, the service creates them as that role and "
        "runs as DATABASE_URL's role, which can then neither disable nor drop the chain's "
        "triggers (ect_platform.ownership)")
    kafka_bootstrap_servers: str = Field(description="host:port[,host:port] of the Kafka brokers")
    jwt_secret: SecretStr = Field(
        description="HMAC secret that signs and verifies bearer tokens; at least 32 bytes "
        "(checked when the token issuer is built, so processes that verify no token need none)")
    jwt_max_lifetime_seconds: int = Field(
        default=MAX_LIFETIME_SECONDS, gt=0,
        description="The longest a bearer token may live (exp - iat); longer ones are refused")
    jwt_jwks_url: str | None = Field(
        default=None, description="Where the identity provider publishes its signing keys (JWKS); "
        "set, RS256 tokens it signs are accepted alongside the HS256 ones")
    jwt_jwks_issuer: str | None = Field(
        default=None, description="The identity provider's issuer (its tokens' iss claim)")
    jwt_jwks_audience: str | None = Field(
        default=None, description="The audience (aud claim) the identity provider issues tokens for")
    jwt_accept_hs256: bool = Field(
        default=True, description="Accept HS256 tokens signed with JWT_SECRET (development, the "
        "platform's own tools); set false in production once JWT_JWKS_URL is set")
    kafka_topic_prefix: str = Field(
        default="", description="Prepended to every topic name, so environments can share a cluster"
    )
    kafka_session_timeout_ms: int = Field(
        default=10000, ge=1000,
        description="Consumer group session timeout; a restarted consumer waits about this long "
        "for its old membership to expire, so tests and `ect up` use less",
    )
    host: str = Field(default="127.0.0.1", validation_alias="BIND_HOST")
    metrics_port: int | None = Field(
        default=None, validation_alias="METRICS_PORT", description="A process without the API "
        "part serves /metrics alone on this port (on BIND_HOST); unset, it serves nothing. A "
        "process with the API serves /metrics on the API's port")
    # How many connections a process may hold, so every container together fits the server's
    # max_connections (docker-compose.yml sets them; tests/architecture/test_compose.py adds
    # them up). The event store's pool is only the services that keep one (scheduling, reporting).
    database_pool_size: int = Field(
        default=10, ge=1, le=100, description="Connections of the process's asyncpg pool (at most)")
    event_store_pool_size: int = Field(
        default=10, ge=1, le=100, description="Connections eventsourcing's pool keeps")
    event_store_max_overflow: int = Field(
        default=10, ge=0, le=100, description="Connections eventsourcing's pool may open beyond "
        "EVENT_STORE_POOL_SIZE under load")
    chain_key: SecretStr | None = Field(
        default=None, description="The key the stored logs' hash chain is sealed with "
        "(HMAC-SHA-256), at least 32 bytes, e.g. `openssl rand -hex 32`. Kept outside the database: "
        "every service that writes a chained log needs it, and so does `ect audit verify`")
    chain_checkpoint_dir: Path | None = Field(
        default=None, description="Where signed checkpoints of each chained log's head are "
        "appended, outside PostgreSQL (storage the database's administrators cannot rewrite); "
        "unset, none are kept and removing the newest records goes unnoticed")
    chain_checkpoint_seconds: float = Field(
        default=60.0, gt=0, description="How often each service checkpoints its logs' heads")

    personal_data_key: SecretStr | None = Field(
        default=None, description="The key-encryption key the key store wraps each person's data "
        "key with, at least 32 bytes (`openssl rand -hex 32`); unset, one is derived from "
        "CHAIN_KEY. Kept outside the database, like CHAIN_KEY (ect_platform.keystore)")
    keystore_url: str | None = Field(
        default=None, description="postgresql:// URL of the database holding the key store (the "
        "keystore schema); unset, the platform's own database. Back it up apart from the event "
        "stores, on a shorter rotation: an erased person's key must not outlive its erasure")
    keystore_cache_seconds: float = Field(
        default=1.0, ge=0, description="How long a process may remember a person's data key; an "
        "erasure in another process takes effect here within this time")

    def keystore(self) -> Keystore:
        """The key store of personal data keys, its schema made. Without a key to wrap them
        under nothing personal could be read or stored: refused, never a store in memory that
        would read every sealed field as erased."""
        secret = self.personal_data_key or self.chain_key
        if secret is None:
            raise ChainKeyError("PERSONAL_DATA_KEY (or CHAIN_KEY, which it defaults from) is not "
                                "set: personal data is sealed under keys wrapped with it")
        store = PostgresKeystore(self.keystore_url or self.database_url,
                                 KeyEncryptionKey(secret.get_secret_value().strip().encode()),
                                 cache_seconds=self.keystore_cache_seconds)
        store.setup()
        return store

    def kafka(self) -> KafkaConnection:
        """What this process's Kafka clients are built from (ect_platform.kafka_security)."""
        return KafkaConnection(self.kafka_bootstrap_servers, self.kafka_security())

    @model_validator(mode="after")
    def _provider_is_whole(self) -> Self:
        if self.jwt_jwks_url and not (self.jwt_jwks_issuer and self.jwt_jwks_audience):
            raise ValueError("JWT_JWKS_URL needs JWT_JWKS_ISSUER and JWT_JWKS_AUDIENCE too: "
                             "a provider's tokens are accepted only for this issuer and audience")
        if not self.jwt_accept_hs256 and not self.jwt_jwks_url:
            raise ValueError("JWT_ACCEPT_HS256=false needs JWT_JWKS_URL: otherwise no token at all "
                             "would be accepted")
        return self

    def chain(self) -> ChainKey:
        """The chain key; a process that writes a chained log cannot start without it."""
        if self.chain_key is None:
            raise ChainKeyError("CHAIN_KEY is not set: the stored logs are hash-chained under a key "
                                "kept outside the database (`ect up` makes one for development)")
        return ChainKey.from_text(self.chain_key.get_secret_value())

    def token_issuer(self) -> TokenIssuer:
        """The issuer that verifies this process's bearer tokens; refuses a weak JWT_SECRET."""
        provider = None
        if self.jwt_jwks_url and self.jwt_jwks_issuer and self.jwt_jwks_audience:
            provider = IdentityProvider(self.jwt_jwks_url, issuer=self.jwt_jwks_issuer,
                                        audience=self.jwt_jwks_audience)
        return TokenIssuer(self.jwt_secret.get_secret_value(),
                           max_lifetime_seconds=self.jwt_max_lifetime_seconds, provider=provider,
                           accept_hs256=self.jwt_accept_hs256)
