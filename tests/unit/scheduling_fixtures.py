"""Builders for scheduling tests: a controllable clock and valid commands with the odd field changed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from scheduling.application import SchedulingApplication
from scheduling.domain.provenance import Provenance
from scheduling.views import ect_view

START = date(2025, 9, 1)  # a Monday, the first day of the 2025/26 autumn term by default


class Clock:
    """Today, as the tests say it is."""

    def __init__(self, today: date = START) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today


def in_memory_app(clock: Clock | None = None) -> SchedulingApplication:
    return SchedulingApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                                 clock=clock or Clock())


def provenance(role: str = "appropriate_body", actor_id: str = "ab-1") -> Provenance:
    return Provenance(actor_id=actor_id, actor_role=role, correlation_id=uuid.uuid4())


def ect_details(**overrides: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "trn": "1234567",
        "name": "Ada Lovelace",
        "date_of_birth": date(1999, 12, 10),
        "school_id": "100001",
        "subject": "mathematics",
        "phase": "secondary",
        "qts_date": date(2025, 7, 1),
        "induction_start_date": START,
        "fte": 1.0,
        "appropriate_body_id": "ab-1",
        "induction_programme": "provider_led",
        "induction_tutor_id": "tutor-1",
    }
    details.update(overrides)
    return details


def mentor_details(**overrides: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "trn": "7654321",
        "name": "Grace Hopper",
        "school_id": "100001",
        "subject": "mathematics",
        "phase": "secondary",
        "years_teaching": 6,
    }
    details.update(overrides)
    return details


def session(app: SchedulingApplication, ect_id: uuid.UUID, held_on: date, request_id: str | None = None,
            minutes: int = 60, role: str = "hub_lead", actor_id: str = "lead-1") -> tuple[uuid.UUID, bool]:
    return app.record_session(ect_id, request_id=request_id, held_on=held_on, minutes=minutes,
                              observation_included=True, action_step=None,
                              provenance=provenance(role, actor_id))


def view(app: SchedulingApplication, ect_id: uuid.UUID) -> dict[str, Any]:
    """What ``GET /ects/{id}`` answers today."""
    ect = app.get_induction(ect_id)
    return ect_view(ect, app.timeline_of(ect, app.today()))
