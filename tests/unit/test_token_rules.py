"""The rules every bearer token obeys: a secret long enough to resist guessing, and a lifetime
short enough that a leaked token is not a login for years."""

from __future__ import annotations

import time

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from contracts import Role
from ect_platform import cli
from ect_platform.identity import AUDIENCE, ISSUER, Caller, NotAuthenticated, TokenIssuer, WeakSecret
from ect_platform.problems import install_problem_handlers
from ect_platform.settings import PlatformSettings

SECRET = "token-rules-secret-of-at-least-32-bytes!"
TEN_YEARS = 10 * 365 * 24 * 3600


async def me(caller: Caller) -> dict[str, str]:
    return {"id": caller.id}


def forged_claims(**claims: object) -> dict[str, object]:
    now = int(time.time())
    return {"sub": "lead-1", "role": "hub_lead", "aud": AUDIENCE, "iss": ISSUER, "iat": now,
            "exp": now + 3600, **claims}


def test_a_secret_shorter_than_32_bytes_is_refused_naming_the_setting():
    for weak in ("s", "x" * 31, "é" * 15):  # 1, 31 and 30 bytes
        with pytest.raises(WeakSecret, match="JWT_SECRET must be at least 32 bytes"):
            TokenIssuer(weak)
    TokenIssuer("x" * 32)  # 32 bytes is enough


def test_settings_with_a_short_secret_build_no_token_issuer():
    settings = PlatformSettings(database_url="postgresql://x/y", kafka_bootstrap_servers="k:9092",
                                jwt_secret="short")
    with pytest.raises(WeakSecret, match="JWT_SECRET"):
        settings.token_issuer()


def test_the_settings_carry_the_lifetime_cap_to_the_issuer(monkeypatch):
    monkeypatch.setenv("JWT_MAX_LIFETIME_SECONDS", "600")
    settings = PlatformSettings(database_url="postgresql://x/y", kafka_bootstrap_servers="k:9092",
                                jwt_secret=SECRET)
    assert settings.jwt_max_lifetime_seconds == 600
    assert settings.token_issuer().max_lifetime_seconds == 600
    monkeypatch.delenv("JWT_MAX_LIFETIME_SECONDS")
    default = PlatformSettings(database_url="postgresql://x/y", kafka_bootstrap_servers="k:9092",
                               jwt_secret=SECRET)
    assert default.token_issuer().max_lifetime_seconds == 12 * 3600


def test_a_ten_year_token_is_refused_as_living_too_long():
    now = int(time.time())
    token = jwt.encode(forged_claims(iat=now, exp=now + TEN_YEARS), SECRET, algorithm="HS256")
    with pytest.raises(NotAuthenticated, match="lives too long"):
        TokenIssuer(SECRET).verify(token)


def test_a_token_just_within_the_cap_passes_and_one_second_past_it_is_refused():
    issuer = TokenIssuer(SECRET, max_lifetime_seconds=3600)
    now = int(time.time())
    ok = jwt.encode(forged_claims(iat=now, exp=now + 3600), SECRET, algorithm="HS256")
    assert issuer.verify(ok).id == "lead-1"
    long = jwt.encode(forged_claims(iat=now, exp=now + 3601), SECRET, algorithm="HS256")
    with pytest.raises(NotAuthenticated, match="at most 3600 seconds"):
        issuer.verify(long)


def test_a_token_without_an_issued_at_time_is_refused_since_its_lifetime_is_unknown():
    claims = forged_claims()
    del claims["iat"]
    with pytest.raises(NotAuthenticated, match="iat"):
        TokenIssuer(SECRET).verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_a_token_issued_in_the_future_is_refused():
    now = int(time.time())
    token = jwt.encode(forged_claims(iat=now + 3600, exp=now + 7200), SECRET, algorithm="HS256")
    with pytest.raises(NotAuthenticated):
        TokenIssuer(SECRET).verify(token)


def test_issuing_a_token_longer_than_the_cap_is_refused():
    issuer = TokenIssuer(SECRET)
    with pytest.raises(ValueError, match="at most 43200 seconds"):
        issuer.issue("lead-1", Role.HUB_LEAD, ttl_seconds=TEN_YEARS)
    assert issuer.verify(issuer.issue("lead-1", Role.HUB_LEAD, ttl_seconds=12 * 3600)).id == "lead-1"


def test_an_api_request_with_a_ten_year_token_gets_a_401_saying_why():
    app = FastAPI()
    app.state.token_issuer = TokenIssuer(SECRET)
    install_problem_handlers(app, {})
    app.get("/me")(me)
    now = int(time.time())
    token = jwt.encode(forged_claims(iat=now, exp=now + TEN_YEARS), SECRET, algorithm="HS256")
    answer = TestClient(app).get("/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert "lives too long" in answer.json()["detail"]


def test_ect_token_refuses_a_lifetime_past_the_cap(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", SECRET)
    runner = CliRunner()
    refused = runner.invoke(cli.app, ["token", "--role", "hub_lead", "--user", "lead-1",
                                      "--ttl", str(TEN_YEARS)])
    assert refused.exit_code != 0 and "at most" in refused.output
    issued = runner.invoke(cli.app, ["token", "--role", "hub_lead", "--user", "lead-1"])
    assert issued.exit_code == 0
    assert TokenIssuer(SECRET).verify(issued.output.strip()).id == "lead-1"


def test_ect_up_refuses_a_short_jwt_secret_before_starting_anything(monkeypatch, tmp_path):
    monkeypatch.setenv("JWT_SECRET", "too-short")
    monkeypatch.setattr(cli, "STATE_DIR", tmp_path)

    def start_platform(**_: object) -> None:
        raise AssertionError("the platform was started with a weak secret")

    monkeypatch.setattr("ect_platform.supervisor.start_platform", start_platform)
    refused = CliRunner().invoke(cli.app, ["up"])
    assert refused.exit_code != 0 and "JWT_SECRET must be at least 32 bytes" in refused.output
    assert not (tmp_path / "logs").exists()
