"""The events every throughput measure moves: a seeded, realistic mix for one hub.

Per ECT: one registration, then coaching sessions with the odd drop-in, in the proportions
a term produces. The same seed gives the same mix, so runs compare like with like.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from contracts import Actor, EventEnvelope, EventPayload, Role, encode
from contracts.scheduling import v1

INDUCTION_START = date(2025, 9, 15)  # a Monday in the autumn term
LAST_FOLLOW_UP = INDUCTION_START + timedelta(days=200)  # follow-ups fall in the first two terms
EVENTS_PER_ECT = (10, 30)  # one registration plus follow-ups, drawn uniformly
DROP_IN_SHARE = 0.1


@dataclass(frozen=True)
class FollowUp:
    kind: str  # "session" or "drop_in"
    on: date
    minutes: int


@dataclass(frozen=True)
class EctPlan:
    trn: str
    follow_ups: tuple[FollowUp, ...]

    @property
    def events(self) -> int:
        return 1 + len(self.follow_ups)


def plan(events: int, seed: int) -> list[EctPlan]:
    """ECTs whose events add up to exactly ``events``."""
    rng = random.Random(seed)
    plans: list[EctPlan] = []
    remaining = events
    while remaining > 0:
        size = min(remaining, rng.randint(*EVENTS_PER_ECT))
        follow_ups = tuple(
            FollowUp(
                "drop_in" if rng.random() < DROP_IN_SHARE else "session",
                INDUCTION_START + timedelta(days=rng.randint(0, 200)),
                rng.choice((30, 45, 60, 90)),
            )
            for _ in range(size - 1)
        )
        plans.append(EctPlan(f"{1_000_000 + len(plans):07d}", follow_ups))
        remaining -= size
    return plans


def registration_details(plan: EctPlan) -> dict[str, Any]:
    return {
        "trn": plan.trn,
        "name": f"Bench ECT {plan.trn}",
        "date_of_birth": date(1998, 5, 17),
        "school_id": f"school-{int(plan.trn) % 40}",
        "subject": "mathematics",
        "phase": "secondary",
        "qts_date": date(2025, 7, 18),
        "induction_start_date": INDUCTION_START,
        "fte": 1.0,
        "appropriate_body_id": "ab-bench",
        "induction_programme": "provider_led",
        "induction_tutor_id": "tutor-bench",
    }


def encoded_events(plans: list[EctPlan], seed: int) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of each event as the scheduling relay would publish it."""
    rng = random.Random(seed + 1)
    actor = Actor(id="hub-lead-bench", role=Role.HUB_LEAD)
    for ect in plans:
        ect_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        details = registration_details(ect)
        payloads: list[tuple[EventPayload, date]] = [(v1.EctRegistered(**details), INDUCTION_START)]
        for item in ect.follow_ups:
            if item.kind == "session":
                payload: Any = v1.SessionHeld(
                    session_id=uuid.UUID(int=rng.getrandbits(128), version=4), mentor_id=None,
                    held_on=item.on, minutes=item.minutes, observation_included=True,
                )
            else:
                payload = v1.DropInRecorded(
                    drop_in_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    observed_on=item.on, observer_id=actor.id, observer_role=actor.role,
                    focus_area="adaptive teaching", strengths="clear modelling",
                    development_areas="checking understanding", next_step=None,
                )
            payloads.append((payload, item.on))
        for version, (payload, on) in enumerate(payloads, start=1):
            envelope = EventEnvelope[type(payload)](  # type: ignore[misc]
                event_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                event_type=payload.event_type, event_version=payload.event_version,
                occurred_at=datetime.combine(on, time(0), tzinfo=UTC),
                recorded_at=datetime.now(UTC), source="scheduling", aggregate_id=ect_id,
                aggregate_version=version, ect_id=ect_id, actor=actor,
                correlation_id=uuid.UUID(int=rng.getrandbits(128), version=4), payload=payload,
            )
            yield envelope.key, encode(envelope)
