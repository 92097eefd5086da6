"""Kafka security settings -> the arguments every client is built with (ect_platform.kafka_security).

The certificates are made here, per test session, with the ``cryptography`` package; the TLS
tests complete (or fail) a real handshake against a local TLS server, so a context that
verified nothing, or the wrong authority, would show."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faststream.kafka.security import parse_security
from pydantic import SecretStr, ValidationError

from ect_platform import kafka_security
from ect_platform.kafka_security import KafkaConnection, KafkaSecurity, KafkaSecurityError
from ect_platform.settings import PlatformSettings

REQUIRED = {"DATABASE_URL": "postgresql://u@h/db", "KAFKA_BOOTSTRAP_SERVERS": "kafka:9094",
            "JWT_SECRET": "s" * 40}


@dataclass(frozen=True)
class Pki:
    ca: Path
    other_ca: Path  # an authority that signed nothing the server presents
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str,
          issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate | None = None,
           key: ec.EllipticCurvePrivateKey | None = None) -> Path:
    if cert is not None:
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    else:
        assert key is not None
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca_key, other_key, server_key, client_key = _key(), _key(), _key(), _key()
    ca = _cert("test CA", ca_key, "test CA", ca_key, ca=True)
    other = _cert("other CA", other_key, "other CA", other_key, ca=True)
    def leaf(name: str, key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
        return _cert(name, key, "test CA", ca_key, ca=False)

    return Pki(
        ca=_write(folder / "ca.pem", ca),
        other_ca=_write(folder / "other-ca.pem", other),
        server_cert=_write(folder / "server.pem", leaf("kafka", server_key)),
        server_key=_write(folder / "server.key", key=server_key),
        client_cert=_write(folder / "client.pem", leaf("reporting", client_key)),
        client_key=_write(folder / "client.key", key=client_key),
    )


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A clean process environment with only what PlatformSettings requires."""
    for name in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME",
                 "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    yield monkeypatch


def _ca_names(context: ssl.SSLContext) -> set[str]:
    return {value for cert in context.get_ca_certs() for rdn in cert["subject"]
            for key, value in rdn if key == "commonName"}


def test_unset_means_plaintext_without_credentials(environment: pytest.MonkeyPatch) -> None:
    kafka = PlatformSettings().kafka()  # type: ignore[call-arg]

    assert kafka == KafkaConnection("kafka:9094")
    assert kafka.security.client_options() == {"security_protocol": "PLAINTEXT"}
    assert kafka.security.broker_security() is None


def test_scram_sha_512_over_tls_from_the_environment(environment: pytest.MonkeyPatch, pki: Pki) -> None:
    environment.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    environment.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    environment.setenv("KAFKA_SASL_USERNAME", "reporting")
    environment.setenv("KAFKA_SASL_PASSWORD", "correct horse battery staple")
    environment.setenv("KAFKA_SSL_CAFILE", str(pki.ca))

    options = PlatformSettings().kafka().security.client_options()  # type: ignore[call-arg]
    context = options.pop("ssl_context")

    assert options == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
                       "sasl_plain_username": "reporting",
                       "sasl_plain_password": "correct horse battery staple"}
    assert isinstance(context, ssl.SSLContext)
    assert _ca_names(context) == {"test CA"}
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_the_password_is_kept_out_of_reprs(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    environment.setenv("KAFKA_SASL_USERNAME", "scheduling")
    environment.setenv("KAFKA_SASL_PASSWORD", "hunter2-but-longer")
    settings = PlatformSettings()  # type: ignore[call-arg]

    assert "hunter2" not in repr(settings) + repr(settings.kafka())


@pytest.mark.parametrize(("mechanism", "protocol", "cafile"), [
    ("SCRAM-SHA-512", "SASL_SSL", True), ("SCRAM-SHA-256", "SASL_PLAINTEXT", False),
    ("PLAIN", "SASL_SSL", True), (None, "SSL", True), (None, "PLAINTEXT", False),
])
def test_faststream_gets_the_same_arguments_as_the_bare_clients(
    pki: Pki, mechanism: Any, protocol: Any, cafile: bool,
) -> None:
    sasl = {"sasl_mechanism": mechanism, "sasl_username": "u", "sasl_password": SecretStr("p")}
    security = KafkaSecurity(protocol=protocol, ssl_cafile=pki.ca if cafile else None,
                             **(sasl if mechanism else {}))

    bare = security.client_options()
    through_faststream = parse_security(security.broker_security())

    if protocol == "PLAINTEXT":
        assert through_faststream == {}  # faststream's default, aiokafka's PLAINTEXT
        return
    bare_context, faststream_context = bare.pop("ssl_context", None), through_faststream.pop("ssl_context")
    assert through_faststream == bare
    if cafile:
        assert _ca_names(faststream_context) == _ca_names(bare_context) == {"test CA"}
    else:
        assert faststream_context is bare_context is None


async def test_every_client_the_helper_builds_carries_the_security(pki: Pki) -> None:
    kafka = KafkaConnection("kafka:9094", KafkaSecurity(
        protocol="SASL_SSL", sasl_username="notifications", sasl_password=SecretStr("pw"),
        ssl_cafile=pki.ca))

    producer = kafka_security.producer(kafka, acks="all")
    consumer = kafka_security.consumer(kafka, "t", group_id="g")
    admin = kafka_security.admin(kafka)
    for client in (producer.client, consumer._client, admin._client):
        assert client._security_protocol == "SASL_SSL"
        assert client._sasl_mechanism == "SCRAM-SHA-512"
        assert client._sasl_plain_username == "notifications"
        assert _ca_names(client._ssl_context) == {"test CA"}
    # what faststream builds each subscriber's consumer with
    built = kafka_security.broker(kafka, logger=None).config.broker_config.builder.keywords  # type: ignore[attr-defined]
    assert built["security_protocol"] == "SASL_SSL"
    assert (built["sasl_mechanism"], built["sasl_plain_username"]) == ("SCRAM-SHA-512", "notifications")
    assert _ca_names(built["ssl_context"]) == {"test CA"}


def test_a_bare_servers_string_is_secured_from_the_environment(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    environment.setenv("KAFKA_SASL_USERNAME", "ect-admin")
    environment.setenv("KAFKA_SASL_PASSWORD", "pw")

    kafka = kafka_security.connection("127.0.0.1:29092")

    assert kafka.bootstrap_servers == "127.0.0.1:29092"
    assert kafka.security.protocol == "SASL_PLAINTEXT"
    assert kafka.security.sasl_username == "ect-admin"
    assert kafka_security.connection(kafka) is kafka


@pytest.mark.parametrize(("settings", "message"), [
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "u"},
     "set KAFKA_SASL_PASSWORD"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_PASSWORD": "p"},
     "set KAFKA_SASL_USERNAME"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "u",
      "KAFKA_SASL_PASSWORD": ""}, "set KAFKA_SASL_PASSWORD"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM": "PLAIN",
      "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"}, "PLAIN sends the password itself"),
    ({"KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"},
     "KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not authenticate"),
    ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SASL_USERNAME": "u"},
     "KAFKA_SECURITY_PROTOCOL=SSL does not authenticate"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "u",
      "KAFKA_SASL_PASSWORD": "p", "KAFKA_SSL_CAFILE": "{ca}"}, "KAFKA_SSL_CAFILE set but"),
    ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_KEYFILE": "{key}"},
     "KAFKA_SSL_KEYFILE needs KAFKA_SSL_CERTFILE"),
    ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": "/nowhere/ca.pem"},
     "KAFKA_SSL_CAFILE=/nowhere/ca.pem is not a file"),
    ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "KAFKA_SECURITY_PROTOCOL"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "GSSAPI"}, "KAFKA_SASL_MECHANISM"),
])
def test_incoherent_settings_are_refused_naming_what_to_fix(
    environment: pytest.MonkeyPatch, pki: Pki, settings: dict[str, str], message: str,
) -> None:
    for name, value in settings.items():
        environment.setenv(name, value.format(ca=pki.ca, key=pki.client_key))

    with pytest.raises(ValidationError) as refused:
        PlatformSettings()  # type: ignore[call-arg]

    shown = str(refused.value)
    assert message in shown or message.lower() in shown.lower(), shown
    assert "kafka_security_protocol" in shown.lower() or "kafka_sasl_mechanism" in shown.lower()


def test_the_dataclass_refuses_the_same_when_built_directly() -> None:
    with pytest.raises(KafkaSecurityError, match="set KAFKA_SASL_PASSWORD"):
        KafkaSecurity(protocol="SASL_SSL", sasl_username="u")
    with pytest.raises(KafkaSecurityError, match="not one of PLAINTEXT"):
        KafkaSecurity(protocol="TLS")  # type: ignore[arg-type]


async def _handshake(pki: Pki, client: ssl.SSLContext, host: str, *,
                     require_client_cert: bool = False) -> None:
    """Connect ``client`` to a local TLS server presenting the CA-signed server certificate."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(pki.server_cert, pki.server_key)
    if require_client_cert:
        server_context.verify_mode = ssl.CERT_REQUIRED
        server_context.load_verify_locations(pki.ca)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.readexactly(4))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(
            "127.0.0.1", port, ssl=client, server_hostname=host), timeout=5)
        writer.write(b"ping")
        assert await asyncio.wait_for(reader.readexactly(4), timeout=5) == b"ping"
        writer.close()
    finally:
        server.close()


async def test_the_tls_context_trusts_the_configured_authority(pki: Pki) -> None:
    context = KafkaSecurity(protocol="SSL", ssl_cafile=pki.ca).ssl_context()
    assert context is not None

    await _handshake(pki, context, "localhost")


async def test_the_tls_context_refuses_a_broker_signed_by_another_authority(pki: Pki) -> None:
    context = KafkaSecurity(protocol="SSL", ssl_cafile=pki.other_ca).ssl_context()
    assert context is not None

    with pytest.raises(ssl.SSLCertVerificationError):
        await _handshake(pki, context, "localhost")


async def test_the_tls_context_refuses_a_broker_under_another_name(pki: Pki) -> None:
    context = KafkaSecurity(protocol="SSL", ssl_cafile=pki.ca).ssl_context()
    assert context is not None

    with pytest.raises(ssl.SSLCertVerificationError, match=r"[Hh]ostname"):
        await _handshake(pki, context, "kafka.elsewhere.example")


async def test_a_client_certificate_is_presented_where_the_broker_asks(pki: Pki) -> None:
    context = KafkaSecurity(protocol="SSL", ssl_cafile=pki.ca, ssl_certfile=pki.client_cert,
                            ssl_keyfile=pki.client_key).ssl_context()
    assert context is not None

    await _handshake(pki, context, "localhost", require_client_cert=True)
