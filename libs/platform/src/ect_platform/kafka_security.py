"""How every Kafka client of the platform connects: SASL (SCRAM) and TLS, from the environment.

Every producer, consumer, admin client and faststream broker is built by the four functions at
the end of this module; tests/architecture/test_kafka_clients.py fails on a client built
anywhere else, so no process can quietly connect without the credentials and the TLS its
deployment configured.

The choices, and why:

- SCRAM (SCRAM-SHA-512 by default, SCRAM-SHA-256 too) proves the password without sending it.
- PLAIN sends the password itself, so it is accepted only inside TLS (SASL_SSL); over
  SASL_PLAINTEXT anyone on the path would read it.
- SASL_PLAINTEXT with SCRAM is accepted: the password stays secret, but the events and the
  user name cross the network in clear, so use it only on a network no one else reaches (the
  compose file's inter-container network); use SASL_SSL anywhere else.
- Credentials or certificate files with a protocol that would not use them are refused rather
  than ignored: a typo in KAFKA_SECURITY_PROTOCOL must not turn into an unauthenticated client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from ssl import SSLContext
from typing import Any, Literal, Self

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.helpers import create_ssl_context
from faststream.kafka import KafkaBroker
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SSL", "SASL_SSL"]
SaslMechanism = Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"]


class KafkaSecurityError(ValueError):
    """A combination of Kafka security settings that would not connect, or not securely."""


@dataclass(frozen=True)
class KafkaSecurity:
    """How to authenticate to the brokers and whether to speak TLS; checked when built."""

    protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = field(default=None, repr=False)
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None

    def __post_init__(self) -> None:
        _check(self)

    @property
    def sasl(self) -> bool:
        return self.protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    @property
    def tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    def ssl_context(self) -> SSLContext | None:
        """Verifies the brokers' certificates (against KAFKA_SSL_CAFILE, else the system's
        authorities) and their host names; presents a client certificate if one is set."""
        if not self.tls:
            return None
        return create_ssl_context(cafile=self.ssl_cafile, certfile=self.ssl_certfile,
                                  keyfile=self.ssl_keyfile)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.sasl:
            assert self.sasl_username and self.sasl_password  # checked in __post_init__
            options.update(sasl_mechanism=self.sasl_mechanism,
                           sasl_plain_username=self.sasl_username,
                           sasl_plain_password=self.sasl_password.get_secret_value())
        if self.tls:
            options["ssl_context"] = self.ssl_context()
        return options

    def broker_security(self) -> BaseSecurity | None:
        """The same, as the ``security=`` object faststream's KafkaBroker takes (it turns it
        back into aiokafka's arguments for its own consumers and producer)."""
        context = self.ssl_context()
        if not self.sasl:
            return BaseSecurity(ssl_context=context) if self.tls else None
        assert self.sasl_username and self.sasl_password  # checked in __post_init__
        kind = {"SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512,
                "PLAIN": SASLPlaintext}[self.sasl_mechanism]
        return kind(self.sasl_username, self.sasl_password.get_secret_value(),
                    ssl_context=context, use_ssl=self.tls)


def _check(security: KafkaSecurity) -> None:
    protocol = security.protocol
    if protocol not in ("PLAINTEXT", "SASL_PLAINTEXT", "SSL", "SASL_SSL"):
        raise KafkaSecurityError(f"KAFKA_SECURITY_PROTOCOL={protocol!r} is not one of PLAINTEXT, "
                                 "SASL_PLAINTEXT, SSL, SASL_SSL")
    if security.sasl:
        if security.sasl_mechanism not in ("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"):
            raise KafkaSecurityError(f"KAFKA_SASL_MECHANISM={security.sasl_mechanism!r} is not "
                                     "one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN")
        missing = [name for name, value in (
            ("KAFKA_SASL_USERNAME", security.sasl_username),
            ("KAFKA_SASL_PASSWORD", security.sasl_password and security.sasl_password.get_secret_value()),
        ) if not value]
        if missing:
            raise KafkaSecurityError(f"KAFKA_SECURITY_PROTOCOL={protocol} authenticates with a "
                                     f"user name and password: set {' and '.join(missing)}")
        if security.sasl_mechanism == "PLAIN" and not security.tls:
            raise KafkaSecurityError("KAFKA_SASL_MECHANISM=PLAIN sends the password itself, so it "
                                     "is accepted only with KAFKA_SECURITY_PROTOCOL=SASL_SSL; use "
                                     "SCRAM-SHA-512 over SASL_PLAINTEXT")
    elif security.sasl_username or security.sasl_password:
        raise KafkaSecurityError(f"KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but "
                                 f"KAFKA_SECURITY_PROTOCOL={protocol} does not authenticate: set "
                                 "SASL_SSL (or SASL_PLAINTEXT on a private network)")
    files = {"KAFKA_SSL_CAFILE": security.ssl_cafile, "KAFKA_SSL_CERTFILE": security.ssl_certfile,
             "KAFKA_SSL_KEYFILE": security.ssl_keyfile}
    if not security.tls:
        given = [name for name, path in files.items() if path is not None]
        if given:
            raise KafkaSecurityError(f"{', '.join(given)} set but KAFKA_SECURITY_PROTOCOL="
                                     f"{protocol} does not use TLS: set SSL or SASL_SSL")
        return
    if security.ssl_keyfile is not None and security.ssl_certfile is None:
        raise KafkaSecurityError("KAFKA_SSL_KEYFILE needs KAFKA_SSL_CERTFILE: the key is the "
                                 "client certificate's")
    for name, path in files.items():
        if path is not None and not path.is_file():
            raise KafkaSecurityError(f"{name}={path} is not a file")


class KafkaSecuritySettings(BaseSettings):
    """The security settings, read from the environment; PlatformSettings has them too."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_security_protocol: SecurityProtocol = Field(
        default="PLAINTEXT", description="PLAINTEXT (development only), SASL_PLAINTEXT (SCRAM on "
        "a private network), SSL, or SASL_SSL (production)")
    kafka_sasl_mechanism: SaslMechanism = Field(
        default="SCRAM-SHA-512", description="SCRAM-SHA-512, SCRAM-SHA-256, or PLAIN (only with "
        "SASL_SSL: it sends the password itself)")
    kafka_sasl_username: str | None = Field(default=None, description="this process's Kafka user")
    kafka_sasl_password: SecretStr | None = Field(default=None, description="its password")
    kafka_ssl_cafile: Path | None = Field(
        default=None, description="PEM file of the authorities that sign the brokers' "
        "certificates; unset, the system's")
    kafka_ssl_certfile: Path | None = Field(
        default=None, description="PEM client certificate, where the brokers ask for one")
    kafka_ssl_keyfile: Path | None = Field(default=None, description="its private key")

    @model_validator(mode="after")
    def _kafka_security_is_coherent(self) -> Self:
        self.kafka_security()  # raises KafkaSecurityError (a ValueError) naming the setting
        return self

    def kafka_security(self) -> KafkaSecurity:
        return KafkaSecurity(
            protocol=self.kafka_security_protocol, sasl_mechanism=self.kafka_sasl_mechanism,
            sasl_username=self.kafka_sasl_username, sasl_password=self.kafka_sasl_password,
            ssl_cafile=self.kafka_ssl_cafile, ssl_certfile=self.kafka_ssl_certfile,
            ssl_keyfile=self.kafka_ssl_keyfile)


@dataclass(frozen=True)
class KafkaConnection:
    """Where the brokers are and how to reach them: what every client is built from."""

    bootstrap_servers: str
    security: KafkaSecurity = field(default_factory=KafkaSecurity)

    @classmethod
    def from_environment(cls, bootstrap_servers: str) -> Self:
        """These servers, secured as this process's KAFKA_SECURITY_PROTOCOL and the rest say
        (unset: PLAINTEXT)."""
        return cls(bootstrap_servers, KafkaSecuritySettings().kafka_security())


def connection(kafka: KafkaConnection | str) -> KafkaConnection:
    """A bare servers string (the operations commands, benchmarks and tests pass one) is
    secured from the environment, so ``ect dlq list`` reaches a SASL broker once the operator
    exports the same KAFKA_SASL_* a service has; a service passes its settings' connection."""
    return kafka if isinstance(kafka, KafkaConnection) else KafkaConnection.from_environment(kafka)


def producer(kafka: KafkaConnection | str, **options: Any) -> AIOKafkaProducer:
    kafka = connection(kafka)
    return AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers,
                            **kafka.security.client_options(), **options)


def consumer(kafka: KafkaConnection | str, *topics: str, **options: Any) -> AIOKafkaConsumer:
    kafka = connection(kafka)
    return AIOKafkaConsumer(*topics, bootstrap_servers=kafka.bootstrap_servers,
                            **kafka.security.client_options(), **options)


def admin(kafka: KafkaConnection | str, **options: Any) -> AIOKafkaAdminClient:
    kafka = connection(kafka)
    return AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers,
                               **kafka.security.client_options(), **options)


def broker(kafka: KafkaConnection | str, **options: Any) -> KafkaBroker:
    kafka = connection(kafka)
    return KafkaBroker(kafka.bootstrap_servers, security=kafka.security.broker_security(),
                       **options)
