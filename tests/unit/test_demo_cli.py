"""`ect up --demo` only translates: it loads the demo hub on the platform it started and prints
what the loader answered; a refused load is said, and the platform stays up. The platform
and the loader are fakes here; the real load is ``tests/e2e/test_demo_hub.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ect_platform import cli
from ect_platform.demo import DemoLoadError, Loaded
from ect_platform.demo.hub import HUB

SECRET = "a-development-secret-of-at-least-32-bytes"


class FakePlatform:
    database_url, bootstrap_servers, mail_dir = "postgresql://db", "127.0.0.1:9092", None
    env = {"CHAIN_CHECKPOINT_DIR": "/nonexistent/checkpoints"}  # what start_platform sets

    def url(self, service: str) -> str:
        return {"scheduling": "http://127.0.0.1:8001", "reporting": "http://127.0.0.1:8002",
                "notifications": "http://127.0.0.1:8003"}[service]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    monkeypatch.setenv("JWT_SECRET", SECRET)
    monkeypatch.setattr(cli, "STATE_DIR", tmp_path)
    monkeypatch.setattr("ect_platform.supervisor.start_platform", lambda **_: FakePlatform())
    monkeypatch.setattr("ect_platform.supervisor.run_until_interrupted", lambda _: 0)
    return []


def test_up_demo_prints_what_was_loaded_and_how_to_sign_in(monkeypatch: pytest.MonkeyPatch,
                                                           started: list[Any]) -> None:
    def load_demo(platform: Any, issuer: Any, today: date) -> Loaded:
        started.append(today)
        return Loaded(ects={e.trn: f"id-{e.trn}" for e in HUB.ects}, cohorts={1: 9, 2: 7},
                      cohort_starts={1: date(2026, 9, 1), 2: date(2025, 9, 1)},
                      statuses={e.trn: e.story.expected for e in HUB.ects}, seconds=4.2)

    monkeypatch.setattr("ect_platform.demo.load_demo", load_demo)
    result = CliRunner().invoke(cli.app, ["up", "--demo"])
    assert result.exit_code == 0, result.output
    assert len(started) == 1  # loaded once, for today in England
    assert "demo hub loaded in 4.2 s: 3 schools, 2 appropriate bodies, 8 mentors, 16 ECTs" in result.output
    assert "amber  Chloe Evans" in result.output
    assert "dashboard:     http://127.0.0.1:8002/dashboard/login" in result.output
    assert "ect token --role hub_lead --user lead-1" in result.output


def test_a_refused_demo_load_is_said_and_the_platform_stays_up(monkeypatch: pytest.MonkeyPatch,
                                                              started: list[Any]) -> None:
    def load_demo(platform: Any, issuer: Any, today: date) -> Loaded:
        raise DemoLoadError("demo load refused at POST /imports/inductions: 422 ...")

    monkeypatch.setattr("ect_platform.demo.load_demo", load_demo)
    result = CliRunner().invoke(cli.app, ["up", "--demo"])
    assert result.exit_code == 0
    assert "the demo hub could not be loaded: demo load refused at POST /imports/inductions" in result.output
    assert "The ECT induction platform is running." in result.output


def test_up_without_demo_loads_nothing(monkeypatch: pytest.MonkeyPatch, started: list[Any]) -> None:
    def load_demo(*_: Any) -> Loaded:
        raise AssertionError("the demo was loaded without --demo")

    monkeypatch.setattr("ect_platform.demo.load_demo", load_demo)
    result = CliRunner().invoke(cli.app, ["up"])
    assert result.exit_code == 0 and "demo hub" not in result.output
