"""Builders for scheduling tests: valid commands with the odd field changed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from scheduling.domain.provenance import Provenance


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
        "induction_start_date": date(2025, 9, 1),
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
