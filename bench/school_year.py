"""A seeded, realistic school year of the induction programme, as the services would publish it.

One parameter sizes it: the number of events. About 55,000 ECTs in induction at once produce
roughly five million events a school year (the national figure); a demo hub is a few thousand.

The cohort is half in induction year 1 (started September 2025) and half in year 2 (started
September 2024), spread over schools of one to three ECTs and appropriate bodies of about
fifty schools; a tenth work part time. Over the school year 2025/26 each ECT has:

- their registration and mentor assignment (on their induction start date);
- a coaching session every teaching week in year 1, every other teaching week in year 2,
  about one in twenty missed (by the mentor or because the ECT was away);
- two drop-ins a term;
- now and then a few days' sickness absence;
- a progress review each term, a formal assessment at the end of each induction year.

Events come out in the order they happened (all ECTs interleaved, as a live hub produces them,
not one ECT after another), each on its own service's topic, keyed as the relays key them.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from contracts import Actor, EventEnvelope, EventPayload, Role, encode
from contracts.reporting import v1 as rv1
from contracts.scheduling import v1
from contracts.topics import REPORTING, SCHEDULING, Topic
from statutory.calendar import SchoolCalendar

YEAR_STARTS = {1: date(2025, 9, 8), 2: date(2024, 9, 9)}  # Mondays in the autumn terms
YEAR = (date(2025, 9, 1), date(2026, 7, 22))  # the school year whose programme is generated
SCHOOLS_PER_AB = 50
PART_TIME_SHARE = 0.1
MISSED_SHARE = 0.05
ABSENCE_PER_TERM = 0.3
CALENDAR = SchoolCalendar()  # every school on the England default dates
HUB_LEAD = Actor(id="hub-lead-bench", role=Role.HUB_LEAD)
TUTOR = Actor(id="tutor-bench", role=Role.INDUCTION_TUTOR)


@dataclass
class Ect:
    """One ECT of the cohort and what happened to them, in date order."""

    ect_id: uuid.UUID
    trn: str
    school_id: str
    appropriate_body_id: str
    induction_year: int
    fte: float
    mentor_id: uuid.UUID
    happened: list[tuple[date, str, EventPayload]] = field(default_factory=list)

    @property
    def start(self) -> date:
        return YEAR_STARTS[self.induction_year]

    def count(self, event_type: str) -> int:
        return sum(1 for _, kind, _ in self.happened if kind == event_type)


def cohort(events: int, seed: int) -> list[Ect]:
    """ECTs whose year adds up to exactly ``events`` events."""
    rng = random.Random(seed)
    ects: list[Ect] = []
    total, school, in_school = 0, 0, 0
    while total < events:
        if in_school == 0:
            school, in_school = school + 1, rng.randint(1, 3)
        in_school -= 1
        ect = Ect(
            ect_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            trn=f"{1_000_000 + len(ects):07d}", school_id=f"school-{school}",
            appropriate_body_id=f"ab-{school // SCHOOLS_PER_AB}",
            induction_year=1 if len(ects) % 2 == 0 else 2,
            fte=rng.choice((0.5, 0.6, 0.8)) if rng.random() < PART_TIME_SHARE else 1.0,
            mentor_id=uuid.uuid5(uuid.NAMESPACE_URL, f"bench-mentor-{school}"),
        )
        _live_the_year(ect, rng)
        # the last ECT's year stops where the count is reached (it starts with the registration)
        del ect.happened[events - total:]
        ects.append(ect)
        total += len(ect.happened)
    return ects


def _live_the_year(ect: Ect, rng: random.Random) -> None:
    happened = ect.happened
    happened.append((ect.start, "EctRegistered", v1.EctRegistered(
        trn=ect.trn, name=f"Bench ECT {ect.trn}", date_of_birth=date(1998, 5, 17),
        school_id=ect.school_id, subject="mathematics", phase=v1.Phase.SECONDARY,
        qts_date=ect.start - timedelta(days=60), induction_start_date=ect.start, fte=ect.fte,
        appropriate_body_id=ect.appropriate_body_id,
        induction_programme=v1.InductionProgramme.PROVIDER_LED,
        induction_tutor_id=TUTOR.id)))
    happened.append((ect.start, "MentorAssigned", v1.MentorAssigned(
        mentor_id=ect.mentor_id, assigned_on=ect.start)))
    weeks = CALENDAR.teaching_weeks(*YEAR)
    every = 1 if ect.induction_year == 1 else 2
    for monday in weeks[::every]:
        on = rng.choice(_teaching_days(monday))
        session_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        if rng.random() < MISSED_SHARE:
            happened.append((on, "SessionMissed", v1.SessionMissed(
                session_id=session_id, mentor_id=ect.mentor_id, due_on=on,
                reason=rng.choice(list(v1.MissedBy)))))
        else:
            happened.append((on, "SessionHeld", v1.SessionHeld(
                session_id=session_id, mentor_id=ect.mentor_id, held_on=on,
                minutes=rng.choice((45, 60, 60, 90)), observation_included=rng.random() < 0.5)))
    for number, term in enumerate(CALENDAR.terms_between(*YEAR)):
        for _ in range(2):
            on = term.start + timedelta(days=rng.randint(0, term.days - 1))
            if on.weekday() < 5:
                happened.append((on, "DropInRecorded", v1.DropInRecorded(
                    drop_in_id=uuid.UUID(int=rng.getrandbits(128), version=4), observed_on=on,
                    observer_id=TUTOR.id, observer_role=TUTOR.role, focus_area="adaptive teaching",
                    strengths="clear modelling", development_areas="checking understanding",
                    next_step=None)))
        if rng.random() < ABSENCE_PER_TERM:
            first = term.start + timedelta(days=rng.randint(0, term.days - 10))
            first += timedelta(days=(7 - first.weekday()) % 7 if first.weekday() >= 5 else 0)
            days = float(rng.randint(1, 3))
            happened.append((first, "AbsenceRecorded", v1.AbsenceRecorded(
                absence_id=uuid.UUID(int=rng.getrandbits(128), version=4), first_day=first,
                days=days, reason=v1.AbsenceReason.SICKNESS, statutory_leave=False,
                induction_year=ect.induction_year,
                days_counted_in_year=days + sum(p.days for _, k, p in happened if k == "AbsenceRecorded"))))
        term_number = 3 * (ect.induction_year - 1) + number + 1
        assessment = term_number in (3, 6)
        happened.append((term.end, "TermReportSubmitted", rv1.TermReportSubmitted(
            report_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            kind=rv1.TermReportKind.FORMAL_ASSESSMENT if assessment else rv1.TermReportKind.PROGRESS_REVIEW,
            term_number=term_number, on_track=True, evidence_summary="meets the standards so far",
            targets="questioning", submitted_on=term.end, appropriate_body_id=ect.appropriate_body_id,
            recommendation=rv1.Recommendation.SATISFACTORY if term_number == 6 else None,
            assessor_id=TUTOR.id, assessor_role="induction_tutor",
            assessment_meeting_on=term.end - timedelta(days=7) if assessment else None,
            signed_off_by=["induction_tutor", "headteacher", "ect"], fully_signed=True)))
    happened.sort(key=lambda item: item[0])


def _teaching_days(monday: date) -> list[date]:
    days = (monday + timedelta(days=n) for n in range(5))
    return [day for day in days if (term := CALENDAR.term_at(day)) and term.is_teaching_day(day)]


def messages(ects: list[Ect], seed: int,
             seal: Callable[[EventEnvelope[Any]], EventEnvelope[Any]] | None = None
             ) -> list[tuple[Topic, bytes, bytes]]:
    """(topic, key, value) of every event, in the order they happened across the cohort;
    with ``seal`` (a relay's ``EnvelopeSealer.seal``), as the relays publish them: personal
    fields sealed, so a consumer measured on them opens each batch as it does in production."""
    rng = random.Random(seed + 1)
    stamped: list[tuple[date, int, Topic, bytes, bytes]] = []
    for ect in ects:
        version = 0
        for on, _, payload in ect.happened:
            reporting = isinstance(payload, rv1.TermReportSubmitted)
            if reporting:
                aggregate_id, aggregate_version, source = payload.report_id, 1, "reporting"
            else:
                version += 1
                aggregate_id, aggregate_version, source = ect.ect_id, version, "scheduling"
            envelope = EventEnvelope[type(payload)](  # type: ignore[misc]
                event_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                event_type=payload.event_type, event_version=payload.event_version,
                occurred_at=datetime.combine(on, time(12), tzinfo=UTC),
                recorded_at=datetime.combine(on, time(16), tzinfo=UTC), source=source,
                aggregate_id=aggregate_id, aggregate_version=aggregate_version, ect_id=ect.ect_id,
                actor=TUTOR if reporting else HUB_LEAD,
                correlation_id=uuid.UUID(int=rng.getrandbits(128), version=4), payload=payload,
            )
            topic = REPORTING if reporting else SCHEDULING
            if seal is not None:
                envelope = seal(envelope)
            stamped.append((on, len(stamped), topic, envelope.key, encode(envelope)))
    stamped.sort(key=lambda item: (item[0], item[1]))
    return [(topic, key, value) for _, _, topic, key, value in stamped]


COUNTED = ("ects", "sessions_held", "sessions_missed", "drop_ins", "reports_submitted")
TOTALS = ("SELECT count(*) AS ects, sum(sessions_held) AS sessions_held, "
          "sum(sessions_missed) AS sessions_missed, sum(drop_ins) AS drop_ins, "
          "sum(reports_submitted) AS reports_submitted FROM {table}")


def expected(ects: list[Ect]) -> dict[str, int]:
    """What the entitlement projection must add up to once every event is in (``TOTALS``)."""
    return {"ects": len(ects), "sessions_held": sum(e.count("SessionHeld") for e in ects),
            "sessions_missed": sum(e.count("SessionMissed") for e in ects),
            "drop_ins": sum(e.count("DropInRecorded") for e in ects),
            "reports_submitted": sum(e.count("TermReportSubmitted") for e in ects)}


def describe(ects: list[Ect]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for ect in ects:
        for _, kind, _ in ect.happened:
            counts[kind] = counts.get(kind, 0) + 1
    return {"ects": len(ects), "schools": len({e.school_id for e in ects}),
            "appropriate_bodies": len({e.appropriate_body_id for e in ects}),
            "part_time": sum(1 for e in ects if e.fte < 1), "events": sum(counts.values()),
            "by_type": dict(sorted(counts.items()))}
