"""Loads the demo hub through the public HTTP APIs, exactly as a hub adopting the platform
part-way through the year would (README, 'Importing a cohort already in induction'):

1. name the appropriate bodies and schools (``PUT /appropriate-bodies/{id}``, ``/schools/{urn}``);
2. import every ECT's first period, open (``POST /imports/inductions``, text/csv);
3. register the mentors and their training; find each ECT's id by TRN on reporting's
   ``GET /entitlement`` (the import answers counts, not ids);
4. load each open period's history with its past dates: the mentor, absences, the timetable,
   sessions, missed sessions and drop-ins on scheduling, the reviews and assessments the clock
   made due (and a support plan) on reporting;
5. for a transfer, a second file closes the first period (released, with the AB's number of
   terms) and opens the one with the other AB, whose history is then loaded in turn;
6. wait until reporting shows everything recorded, and answer what it shows.

ECTs are loaded side by side, each ECT's records one after another (one record at a time per
induction is what scheduling's optimistic locking expects of a client).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

import httpx

from contracts import Role
from ect_platform.demo import coaching, cohort_file, reports
from ect_platform.demo.hub import HUB, HUB_LEAD, Dates, Ect, Hub
from ect_platform.identity import TokenIssuer

PARALLEL = 6  # requests in flight: the services share a small machine with their database
WAIT_SECONDS = 60.0


class Running(Protocol):
    def url(self, service: str) -> str: ...


class DemoLoadError(RuntimeError):
    """A request of the demo load was refused: which, and what the service said."""


@dataclass
class Loaded:
    """What the demo load recorded, and the statuses reporting then shows."""

    already_present: bool = False
    ects: dict[str, str] = field(default_factory=dict)  # TRN -> ECT id
    cohorts: dict[int, int] = field(default_factory=dict)  # cohort -> ECTs
    cohort_starts: dict[int, date] = field(default_factory=dict)
    sessions: int = 0
    missed_sessions: int = 0
    drop_ins: int = 0
    reports: int = 0
    absences: int = 0
    statuses: dict[str, str] = field(default_factory=dict)  # TRN -> green / amber / red
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds each step took

    def status_counts(self) -> Counter[str]:
        return Counter(self.statuses.values())


class _Client:
    """The HTTP calls, each checked: an unexpected answer stops the load with what was refused."""

    def __init__(self, http: httpx.AsyncClient, issuer: TokenIssuer) -> None:
        self.http, self.issuer = http, issuer
        self.gate = asyncio.Semaphore(PARALLEL)
        self.lead = self.headers(HUB_LEAD, Role.HUB_LEAD)

    def headers(self, user: str, role: Role, **scope: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(user, role, **scope)}"}

    async def call(self, method: str, url: str, headers: dict[str, str], *, ok: tuple[int, ...] = (200, 201),
                   **kwargs: Any) -> Any:
        async with self.gate:
            response = await self.http.request(method, url, headers=headers, **kwargs)
        if response.status_code not in ok:
            raise DemoLoadError(f"demo load refused at {method} {url}: {response.status_code} "
                                f"{response.text[:2000]}")
        return response.json() if response.content else None


async def load(platform: Running, issuer: TokenIssuer, today: date, hub: Hub = HUB) -> Loaded:
    started = time.monotonic()
    dates = Dates(today)
    scheduling, reporting = platform.url("scheduling"), platform.url("reporting")
    loaded = Loaded()
    async with httpx.AsyncClient(timeout=30) as http:
        client = _Client(http, issuer)
        for ab in hub.appropriate_bodies:
            await client.call("PUT", f"{scheduling}/appropriate-bodies/{ab.id}", client.lead,
                              json={"name": ab.name})
        for school in hub.schools:
            await client.call("PUT", f"{scheduling}/schools/{school.urn}", client.lead,
                              json={"name": school.name})
        # checked first, as a hub would: in a state directory an earlier `ect up --demo` filled,
        # every period of the hub's file is already held, and nothing is loaded twice
        held = await _import(client, scheduling, cohort_file.hub_file_rows(hub, dates), dry_run=True)
        if held["created"] == 0:
            loaded.already_present = True
            return loaded
        await _import(client, scheduling, cohort_file.first_file_rows(hub, dates))
        loaded.phases["names and import"] = time.monotonic() - started
        mentors = await _register_mentors(client, scheduling, hub, dates)
        loaded.ects = await _ids_by_trn(client, reporting, hub)
        loaded.phases["mentors and ids"] = time.monotonic() - started - sum(loaded.phases.values())
        history = _History(client, scheduling, reporting, hub, dates, mentors, loaded)
        await asyncio.gather(*(history.load(ect) for ect in hub.ects))
        loaded.phases["history"] = time.monotonic() - started - sum(loaded.phases.values())
        await _wait_until_shown(client, reporting, hub, loaded, history.expected)
        loaded.phases["reporting caught up"] = time.monotonic() - started - sum(loaded.phases.values())
    for cohort in (1, 2):
        loaded.cohorts[cohort] = len(hub.cohort(cohort))
        loaded.cohort_starts[cohort] = dates.cohort_start(cohort)
    loaded.seconds = time.monotonic() - started
    return loaded


async def _import(client: _Client, scheduling: str, rows: list[dict[str, str]], *,
                  dry_run: bool = False) -> Any:
    return await client.call("POST", f"{scheduling}/imports/inductions",
                             {**client.lead, "Content-Type": "text/csv"},
                             params={"dry_run": "true"} if dry_run else None,
                             content=cohort_file.as_csv(rows).encode())


async def _register_mentors(client: _Client, scheduling: str, hub: Hub, dates: Dates) -> dict[str, str]:
    """Each mentor, and the hub's mentor training this autumn: attended, or missed."""
    ids = {}
    autumn = dates.cohort_start(1)
    for mentor in hub.mentors:
        school = hub.school(mentor.school)
        created = await client.call("POST", f"{scheduling}/mentors", client.lead, json={
            "trn": mentor.trn, "name": mentor.name, "school_id": mentor.school,
            "subject": mentor.subject, "phase": school.phase, "years_teaching": mentor.years_teaching})
        ids[mentor.trn] = str(created["id"])
        conference = min(autumn + timedelta(days=2), dates.today)
        trainings = [("conference", conference, True)]
        if mentor.misses_training:
            trainings.append(("clinic", min(autumn + timedelta(weeks=3, days=1), dates.today), False))
        for kind, held_on, attended in trainings:
            await client.call("POST", f"{scheduling}/mentors/{ids[mentor.trn]}/training", client.lead,
                              json={"request_id": f"demo-{kind}", "kind": kind,
                                    "held_on": held_on.isoformat(), "attended": attended})
    return ids


async def _ids_by_trn(client: _Client, reporting: str, hub: Hub) -> dict[str, str]:
    """Reporting learns of the imported ECTs from Kafka; its list names each one's id and TRN."""
    wanted = {ect.trn for ect in hub.ects}
    found: dict[str, str] = {}
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        for school in hub.schools:
            page = await client.call("GET", f"{reporting}/entitlement", client.lead,
                                     params={"school": school.urn, "limit": 500})
            found.update({item["trn"]: str(item["ect_id"]) for item in page["items"]
                          if item["trn"] in wanted})
        if wanted <= found.keys():
            return found
        if time.monotonic() > deadline:
            missing = ", ".join(e.name for e in hub.ects if e.trn not in found)
            raise DemoLoadError(f"reporting did not learn of {missing} within {WAIT_SECONDS:g} s")
        await asyncio.sleep(0.2)


@dataclass
class _Expected:
    sessions_held: int = 0
    reports: int = 0
    appropriate_body: str = ""


class _History:
    """One ECT's history, period by period, through the endpoints a hub's staff would use."""

    def __init__(self, client: _Client, scheduling: str, reporting: str, hub: Hub, dates: Dates,
                 mentors: dict[str, str], loaded: Loaded) -> None:
        self.client, self.scheduling, self.reporting = client, scheduling, reporting
        self.hub, self.dates, self.mentors, self.loaded = hub, dates, mentors, loaded
        self.expected: dict[str, _Expected] = {}

    async def load(self, ect: Ect) -> None:
        ect_id = self.loaded.ects[ect.trn]
        self.expected[ect.trn] = _Expected(appropriate_body=ect.appropriate_body)
        periods = self.dates.periods(ect)
        for index, (first, end) in enumerate(periods):
            if index == 1:
                assert ect.transfer is not None  # a second period is a transfer's
                # the first period's history is in: the hub's next file closes it, opens the next
                await _import(self.client, self.scheduling, [
                    row for row in cohort_file.transfer_file_rows(self.hub, self.dates)
                    if row["TRN"] == ect.trn])
                self.expected[ect.trn].appropriate_body = ect.transfer.to_appropriate_body
            await self._period(ect, ect_id, index, periods[: index + 1], first,
                               end or self.dates.today)
        await self._reports(ect, ect_id)

    async def _reports(self, ect: Ect, ect_id: str) -> None:
        """Every review and assessment held by today, in every period, sent by the tutor of the
        school the ECT is at now (its records are theirs); the clock's answer says what is due,
        including what a release made due."""
        call, today = self.client.call, self.dates.today
        school = self.hub.school(ect.schools[-1])
        tutor = self.client.headers(school.tutor_id, Role.INDUCTION_TUTOR, schools=[school.urn])
        record = await call("GET", f"{self.scheduling}/ects/{ect_id}", tutor)
        due = reports.held_by(record["reports_due"], self.dates.periods(ect)[0][0], today)
        sent = reports.sent(ect.story, due, today)
        if sent:
            await self._wait_until_reporting_knows(ect_id, tutor)
        for report in sent:
            created = await call("POST", f"{self.reporting}/ects/{ect_id}/term-reports", tutor,
                                 json=reports.body(report, ect.name, school))
            self.loaded.reports += 1
            self.expected[ect.trn].reports += 1
            if report.support_plan_on is not None:
                await call("POST", f"{self.reporting}/ects/{ect_id}/support-plans", tutor, json={
                    "report_id": created["id"], "request_id": "demo-support-plan",
                    "shared_on": report.support_plan_on.isoformat(),
                    "summary": "Weekly behaviour-routine coaching with the head of year; "
                               "observed again in four weeks",
                    "review_on": (report.support_plan_on + timedelta(weeks=4)).isoformat()})

    async def _period(self, ect: Ect, ect_id: str, index: int, posts: list[tuple[date, date | None]],
                      first: date, last: date) -> None:
        call, scheduling, today = self.client.call, self.scheduling, self.dates.today
        school = self.hub.school(ect.schools[index])
        tutor = self.client.headers(school.tutor_id, Role.INDUCTION_TUTOR, schools=[school.urn])
        mentor_trn = ect.mentor if index == 0 else ect.transfer.to_mentor  # type: ignore[union-attr]
        mentor_id = self.mentors[mentor_trn]
        mentor = self.client.headers(mentor_id, Role.MENTOR)
        url = f"{scheduling}/ects/{ect_id}"
        await call("PUT", f"{url}/mentor", tutor, json={"mentor_id": mentor_id,
                                                        "assigned_on": first.isoformat()})
        # the story's absence is in the period the ECT is in now, where it counts this year
        current = index == len(self.dates.periods(ect)) - 1
        away = coaching.absence(ect.story, first, today) if current else None
        if away is not None:
            await call("POST", f"{url}/absences", tutor, json={
                "request_id": "demo-absence", "first_day": away.first_day.isoformat(),
                "days": away.days, "reason": away.reason.value})
            self.loaded.absences += 1
        record = await call("GET", url, tutor)
        if ect.story.timetable_percent is not None:
            await call("PUT", f"{url}/timetable/{record['induction_year']}", tutor,
                       json={"timetable_percent": ect.story.timetable_percent})
        year_two = date.fromisoformat(record["year_two_starts"]) if record["year_two_starts"] else None
        for item in coaching.plan(ect.story, posts, year_two, (first, last), today, away):
            key = f"demo-{item.day.isoformat()}"
            if item.kind == coaching.HELD:
                await call("POST", f"{url}/sessions", mentor, json={
                    "request_id": key, "held_on": item.day.isoformat(), "minutes": 60,
                    "observation_included": True,
                    "action_step": "Narrate the positive before correcting"})
                self.loaded.sessions += 1
                self.expected[ect.trn].sessions_held += 1
            else:
                await call("POST", f"{url}/missed-sessions", mentor, json={
                    "request_id": key, "due_on": item.day.isoformat(), "reason": item.kind,
                    "note": "ECT off sick" if item.kind == coaching.ECT_ABSENT else "mentor on a course"})
                self.loaded.missed_sessions += 1
        for day in coaching.drop_in_days(first, last):
            await call("POST", f"{url}/drop-ins", mentor, json={
                "request_id": f"demo-drop-in-{day.isoformat()}", "observed_on": day.isoformat(),
                "focus_area": "Adaptive teaching", "strengths": "Clear modelling of new material",
                "development_areas": "Checking for understanding before moving on"})
            self.loaded.drop_ins += 1
    async def _wait_until_reporting_knows(self, ect_id: str, tutor: dict[str, str]) -> None:
        """Reports go to reporting, which learns of the ECT's period from Kafka."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            async with self.client.gate:
                response = await self.client.http.get(
                    f"{self.reporting}/ects/{ect_id}/entitlement", headers=tutor)
            if response.status_code == 200:
                return
            if time.monotonic() > deadline:
                raise DemoLoadError(f"reporting did not learn of ECT {ect_id} within {WAIT_SECONDS:g} s")
            await asyncio.sleep(0.2)


async def _wait_until_shown(client: _Client, reporting: str, hub: Hub, loaded: Loaded,
                            expected: dict[str, _Expected]) -> None:
    """Until reporting's list shows every session and report recorded and the current AB:
    then the dashboard shows the hub as loaded, and so does ``loaded.statuses``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        rows: dict[str, dict[str, Any]] = {}
        for school in hub.schools:
            page = await client.call("GET", f"{reporting}/entitlement", client.lead,
                                     params={"school": school.urn, "limit": 500})
            rows.update({item["trn"]: item for item in page["items"] if item["trn"] in expected})
        behind = [ect.name for ect in hub.ects if not _shows(rows.get(ect.trn), expected[ect.trn])]
        if not behind:
            loaded.statuses = {trn: row["status"] for trn, row in rows.items()}
            return
        if time.monotonic() > deadline:
            raise DemoLoadError(f"reporting did not show the history of {', '.join(behind)} "
                                f"within {WAIT_SECONDS:g} s")
        await asyncio.sleep(0.3)


def _shows(row: dict[str, Any] | None, expected: _Expected) -> bool:
    return (row is not None and row["sessions_held"] == expected.sessions_held
            and row["reports_submitted"] == expected.reports
            and row["appropriate_body_id"] == expected.appropriate_body)
