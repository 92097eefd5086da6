"""The retention schedule's setting in notifications, and ``ect privacy retention`` asking both
scheduling and notifications (their answers stubbed: the routes have their integration test)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from ect_platform.cli import app
from notifications.retention import DEFAULT_DAYS, MIN_DAYS
from notifications.settings import NotificationsSettings

REQUIRED = {"DATABASE_URL": "postgresql://x/y", "KAFKA_BOOTSTRAP_SERVERS": "k:9092",
            "JWT_SECRET": "s" * 32}


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> NotificationsSettings:
    for name, value in {**REQUIRED, **env}.items():
        monkeypatch.setenv(name, value)
    return NotificationsSettings()  # type: ignore[call-arg]


def test_notifications_are_kept_a_year_unless_the_hub_says_otherwise(monkeypatch):
    monkeypatch.delenv("NOTIFICATION_RETENTION_DAYS", raising=False)
    assert load(monkeypatch).notification_retention_days == DEFAULT_DAYS == 365
    assert load(monkeypatch, NOTIFICATION_RETENTION_DAYS="30").notification_retention_days == 30


def test_a_retention_period_under_the_minimum_is_refused_when_the_settings_load(monkeypatch):
    minimum = rf"NOTIFICATION_RETENTION_DAYS \(10\) must be at least {MIN_DAYS} days"
    with pytest.raises(ValidationError, match=minimum):
        load(monkeypatch, NOTIFICATION_RETENTION_DAYS="10")


SCHEDULING = {"as_of": "2025-09-01", "years": 6, "erased": [], "due": [
    {"ect_id": "00000000-0000-4000-8000-000000000001", "name": "Ada Lovelace", "trn": "1234567",
     "closed_on": "2018-07-20", "kept_until": "2024-07-20"}]}
NOTIFICATIONS = {"as_of": "2025-09-01", "days": 365, "kept_from": "2024-09-01", "due": 3,
                 "blanked": 0, "oldest_settled_on": "2023-01-02", "newest_settled_on": "2024-08-30"}


class Stub:
    """Stands in for ``httpx.request``: each service's answer by its URL's host."""

    def __init__(self, answers: dict[str, httpx.Response]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str, Any]] = []

    def __call__(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.asked.append((method, url, kwargs.get("params")))
        return self.answers[httpx.URL(url).host]


def run(monkeypatch: pytest.MonkeyPatch, stub: Stub, *args: str) -> Any:
    monkeypatch.setattr(httpx, "request", stub)
    return CliRunner().invoke(app, ["privacy", "retention", *args, "--token", "x.y.z",
                                    "--scheduling-url", "http://scheduling",
                                    "--notifications-url", "http://notifications"])


def test_the_dry_run_asks_both_services_and_prints_a_line_for_notifications(monkeypatch):
    stub = Stub({"scheduling": httpx.Response(200, json=SCHEDULING),
                 "notifications": httpx.Response(200, json=NOTIFICATIONS)})
    said = run(monkeypatch, stub, "--as-of", "2025-09-01")
    assert said.exit_code == 0, said.output
    assert ("would erase Ada Lovelace (TRN 1234567): induction closed 2018-07-20, "
            "kept until 2024-07-20") in said.output
    assert ("1 induction record(s) due for erasure on 2025-09-01 (6 years after the induction "
            "closed)") in said.output
    assert ("3 notification(s) due for blanking on 2025-09-01, settled 2023-01-02 to 2024-08-30 "
            "(subject, body and delivery details kept 365 days after it was settled)") in said.output
    assert stub.asked == [("GET", "http://scheduling/privacy/retention", {"as_of": "2025-09-01"}),
                          ("GET", "http://notifications/privacy/retention", {"as_of": "2025-09-01"})]


def test_applying_it_prints_how_many_notifications_were_blanked(monkeypatch):
    stub = Stub({"scheduling": httpx.Response(200, json={**SCHEDULING, "due": []}),
                 "notifications": httpx.Response(200, json={**NOTIFICATIONS, "blanked": 3})})
    said = run(monkeypatch, stub, "--apply")
    assert said.exit_code == 0, said.output
    assert "0 induction record(s) erased on 2025-09-01" in said.output
    assert "3 notification(s) blanked on 2025-09-01" in said.output
    assert [method for method, _, _ in stub.asked] == ["POST", "POST"]


@pytest.mark.parametrize("refusing", ["scheduling", "notifications"])
def test_a_refusal_from_either_service_prints_its_problem_and_exits_1(monkeypatch, refusing):
    problem = httpx.Response(403, json={"detail": f"{refusing}: only a hub lead acting for the whole hub"})
    answers = {"scheduling": httpx.Response(200, json=SCHEDULING),
               "notifications": httpx.Response(200, json=NOTIFICATIONS), refusing: problem}
    said = run(monkeypatch, Stub(answers))
    assert said.exit_code == 1
    assert f"{refusing} refused (403): {refusing}: only a hub lead acting for the whole hub" in said.output
    assert ("notification(s) due" in said.output) is False
