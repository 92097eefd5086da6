"""What mentors and tutors wrote in coaching: sessions (with their action steps) and drop-ins
(strengths, development areas, next steps), read from the ECT's own event-sourced record.

The ``Induction`` aggregate keeps only counts and ids of these (what its rules need); the
text is in its events, so this reads the events rather than the state. The mentor of each
session, and a mentor who observed a drop-in, is named from their ``Mentor`` record; a tutor or
hub lead who observed is given by role, as scheduling knows no names for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field


class Session(BaseModel):
    id: UUID
    status: Literal["held", "missed"]
    on: date = Field(description="The day it was held, or the day it was due when missed")
    minutes: int | None
    observation_included: bool | None
    action_step: str | None = Field(description="The step the mentor set the ECT (held sessions)")
    missed_reason: str | None
    note: str | None
    mentor_id: UUID | None
    mentor_name: str | None = Field(description="null when no mentor was assigned, or their name "
                                    "is not recorded")
    recorded_by_role: str


class DropIn(BaseModel):
    id: UUID
    observed_on: date
    focus_area: str
    strengths: str
    development_areas: str
    next_step: str | None
    observer_role: str
    observer_id: str
    observer_name: str | None = Field(description="The mentor's name when a mentor observed")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


MentorName = Callable[[UUID], str | None]


def sessions(events: Iterable[Any], mentor_name: MentorName) -> list[Session]:
    """Held and missed sessions, most recent first."""
    found = []
    for e in events:
        kind = type(e).__name__
        if kind not in ("SessionHeld", "SessionMissed"):
            continue
        held = kind == "SessionHeld"
        found.append(Session(
            id=e.session_id, status="held" if held else "missed", on=e.held_on if held else e.due_on,
            minutes=e.minutes if held else None,
            observation_included=e.observation_included if held else None,
            action_step=e.action_step if held else None, missed_reason=None if held else e.reason,
            note=None if held else e.note, mentor_id=e.mentor_id,
            mentor_name=mentor_name(e.mentor_id) if e.mentor_id else None,
            recorded_by_role=e.provenance.actor_role))
    return sorted(found, key=lambda s: (s.on, str(s.id)), reverse=True)


def drop_ins(events: Iterable[Any], mentor_name: MentorName) -> list[DropIn]:
    """Drop-ins, most recent first."""
    found = []
    for e in events:
        if type(e).__name__ != "DropInRecorded":
            continue
        name = None
        if e.observer_role == "mentor":
            try:
                name = mentor_name(UUID(e.observer_id))
            except ValueError:  # a mentor token whose sub is not a mentor id names nobody
                name = None
        found.append(DropIn(
            id=e.drop_in_id, observed_on=e.observed_on, focus_area=e.focus_area, strengths=e.strengths,
            development_areas=e.development_areas, next_step=e.next_step,
            observer_role=e.observer_role, observer_id=e.observer_id, observer_name=name))
    return sorted(found, key=lambda d: (d.observed_on, str(d.id)), reverse=True)
