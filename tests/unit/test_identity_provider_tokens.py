"""Tokens from the hub's identity provider: RS256, checked against the keys it publishes (a
JWKS served here by a real HTTP server on loopback), its issuer and its audience; HS256 tokens
signed with the platform's secret are still accepted (development, services)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from contracts import Role
from ect_platform.identity import Caller, IdentityProvider, NotAuthenticated, TokenIssuer
from ect_platform.problems import install_problem_handlers
from ect_platform.settings import PlatformSettings

SECRET = "identity-provider-tests-secret-32-bytes!"
IDP = "https://login.hub.example/"
AUDIENCE = "ect-dashboard"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY = rsa_key()
OTHER_KEY = rsa_key()


@pytest.fixture(scope="module")
def key_server() -> Iterator[ThreadingHTTPServer]:
    """The provider's published key set, on a real local HTTP server; counts the fetches."""
    public = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "hub-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the standard library names it
            self.server.fetches += 1  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    server.fetches = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def jwks_url(key_server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{key_server.server_address[1]}/.well-known/jwks.json"


def issuer(jwks_url: str) -> TokenIssuer:
    return TokenIssuer(SECRET, provider=IdentityProvider(jwks_url, issuer=IDP, audience=AUDIENCE))


def signed(key: Any = KEY, *, kid: str = "hub-1", algorithm: str = "RS256", **claims: object) -> str:
    now = int(time.time())
    body = {"sub": "lead-7", "role": "hub_lead", "aud": AUDIENCE, "iss": IDP, "iat": now,
            "exp": now + 3600, **claims}
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


def test_a_token_the_identity_provider_signed_is_accepted_with_its_claims(jwks_url: str):
    principal = issuer(jwks_url).verify(signed(role="induction_tutor", schools=["100001"]))
    assert (principal.id, principal.role, principal.schools) == ("lead-7", Role.INDUCTION_TUTOR,
                                                                 frozenset({"100001"}))


def test_hs256_tokens_signed_with_the_platform_secret_are_still_accepted(jwks_url: str):
    tokens = issuer(jwks_url)
    assert tokens.verify(tokens.issue("lead-1", Role.HUB_LEAD)).id == "lead-1"


def test_with_hs256_turned_off_only_the_providers_tokens_are_accepted(jwks_url: str, monkeypatch):
    strict = TokenIssuer(SECRET, provider=IdentityProvider(jwks_url, issuer=IDP, audience=AUDIENCE),
                         accept_hs256=False)
    assert strict.verify(signed()).id == "lead-7"
    with pytest.raises(NotAuthenticated, match="JWT_ACCEPT_HS256 is off"):
        strict.verify(issuer(jwks_url).issue("lead-1", Role.HUB_LEAD))
    base = {"database_url": "postgresql://x/y", "kafka_bootstrap_servers": "k:9092", "jwt_secret": SECRET}
    monkeypatch.setenv("JWT_ACCEPT_HS256", "false")
    with pytest.raises(ValueError, match="needs JWT_JWKS_URL"):  # no token at all would do
        PlatformSettings(**base)  # type: ignore[arg-type]
    monkeypatch.setenv("JWT_JWKS_URL", jwks_url)
    monkeypatch.setenv("JWT_JWKS_ISSUER", IDP)
    monkeypatch.setenv("JWT_JWKS_AUDIENCE", AUDIENCE)
    from_settings = PlatformSettings(**base).token_issuer()  # type: ignore[arg-type]
    with pytest.raises(NotAuthenticated):
        from_settings.verify(issuer(jwks_url).issue("lead-1", Role.HUB_LEAD))


def test_a_token_signed_by_another_key_under_the_providers_key_id_is_refused(jwks_url: str):
    with pytest.raises(NotAuthenticated, match="not valid"):
        issuer(jwks_url).verify(signed(OTHER_KEY))


def test_a_token_naming_a_key_the_provider_does_not_publish_is_refused(jwks_url: str):
    with pytest.raises(NotAuthenticated, match="signing key was not found"):
        issuer(jwks_url).verify(signed(kid="someone-else"))


@pytest.mark.parametrize(("claim", "value"), [("aud", "another-service"), ("iss", "https://evil.example/"),
                                              ("aud", "ect-platform"), ("iss", "ect-platform")])
def test_a_provider_token_for_another_audience_or_from_another_issuer_is_refused(jwks_url: str, claim, value):
    with pytest.raises(NotAuthenticated, match="not valid"):
        issuer(jwks_url).verify(signed(**{claim: value}))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_an_hs256_token_keyed_with_the_providers_public_key_is_refused(jwks_url: str):
    """The classic algorithm confusion: the public key used as an HMAC secret."""
    pem = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "hub-1"}).encode())
    payload = b64(json.dumps({"sub": "lead-7", "role": "hub_lead", "aud": AUDIENCE, "iss": IDP,
                              "iat": now, "exp": now + 3600}).encode())
    signature = b64(hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    with pytest.raises(NotAuthenticated, match="not valid"):
        issuer(jwks_url).verify(f"{header}.{payload}.{signature}")


def test_a_provider_token_longer_than_the_lifetime_cap_is_refused(jwks_url: str):
    now = int(time.time())
    with pytest.raises(NotAuthenticated, match="lives too long"):
        issuer(jwks_url).verify(signed(iat=now, exp=now + 10 * 365 * 24 * 3600))


def test_without_a_jwks_url_a_provider_token_is_refused():
    with pytest.raises(NotAuthenticated):
        TokenIssuer(SECRET).verify(signed())


def test_the_settings_name_the_jwks_url_issuer_and_audience(jwks_url: str, monkeypatch):
    base = {"database_url": "postgresql://x/y", "kafka_bootstrap_servers": "k:9092", "jwt_secret": SECRET}
    monkeypatch.setenv("JWT_JWKS_URL", jwks_url)
    with pytest.raises(ValueError, match="JWT_JWKS_ISSUER and JWT_JWKS_AUDIENCE"):
        PlatformSettings(**base)  # type: ignore[arg-type]
    monkeypatch.setenv("JWT_JWKS_ISSUER", IDP)
    monkeypatch.setenv("JWT_JWKS_AUDIENCE", AUDIENCE)
    tokens = PlatformSettings(**base).token_issuer()  # type: ignore[arg-type]
    assert tokens.verify(signed()).id == "lead-7"


def test_the_key_set_is_fetched_once_and_kept(jwks_url: str, key_server: ThreadingHTTPServer):
    tokens = issuer(jwks_url)
    before = key_server.fetches  # type: ignore[attr-defined]
    for n in range(5):
        tokens.verify(signed(sub=f"user-{n}"))
    assert key_server.fetches - before == 1  # type: ignore[attr-defined]


async def me(caller: Caller) -> dict[str, str]:
    return {"id": caller.id, "role": caller.role.value}


def test_the_api_admits_a_provider_token_and_refuses_one_for_another_audience_with_a_401(jwks_url: str):
    app = FastAPI()
    app.state.token_issuer = issuer(jwks_url)
    install_problem_handlers(app, {})
    app.get("/me")(me)
    client = TestClient(app)
    ok = client.get("/me", headers={"Authorization": f"Bearer {signed()}"})
    assert ok.status_code == 200 and ok.json() == {"id": "lead-7", "role": "hub_lead"}
    again = client.get("/me", headers={"Authorization": f"Bearer {signed(aud='elsewhere')}"})
    assert again.status_code == 401 and "audience" in again.json()["detail"].lower()
