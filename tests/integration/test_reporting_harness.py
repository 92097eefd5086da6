"""A whole hub in one process, for reporting's scenario tests.

Scheduling and reporting run as their real applications (in memory, on one test clock) with
their real translators; every event they store is delivered, as its Kafka message value,
to reporting's real consumer on PostgreSQL; reporting's HTTP API answers in process. Each
message's personal fields are sealed with the person's key as the relays seal them, and
reporting opens them with the same key store, as deployed. A rebuild replays every delivered
message, shuffled and duplicated, into a fresh schema and must give the same tables.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import pytest

from contracts import Actor, EventEnvelope, Role, encode
from contracts.scheduling.privacy import ErasedSubject, PersonalDataErased
from ect_platform.database import create_pool, ensure_schema
from ect_platform.identity import TokenIssuer
from ect_platform.keystore import MemoryKeystore
from ect_platform.sealing import EnvelopeSealer
from reporting.application import ReportingApplication
from reporting.bootstrap import build_application
from reporting.entrypoints.api import create_api
from reporting.integration.outbound import to_integration_event as reporting_translator
from reporting.projections import consumer as projections
from reporting.projections.consumer import ReportingConsumer, ReportingProjections
from reporting.settings import ReportingSettings
from scheduling.application import SchedulingApplication
from scheduling.domain.provenance import Provenance
from scheduling.integration.outbound import to_integration_event as scheduling_translator
from tests.unit.scheduling_fixtures import Clock, ect_details, mentor_details

pytestmark = pytest.mark.integration

ISSUER = TokenIssuer("reporting-scenarios-secret-of-32-bytes!")
TABLES = {
    "facts": "event_id",
    "entitlement": "ect_id",
    "entitlement_terms": "ect_id, term_number",
    "ab_submissions": "ect_id, kind, term_number",
    "ab_outcomes": "ect_id",
    "ab_periods": "ect_id, period_index",
    "mentors": "mentor_id",
}


def headers(role: Role, user: str, **scope: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role, **scope)}"}


AB = headers(Role.APPROPRIATE_BODY, "ab-1")
LEAD = headers(Role.HUB_LEAD, "lead-1")
TUTOR = headers(Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
AUDITOR = headers(Role.AUDITOR, "auditor-1")


def by(role: str, actor: str) -> Provenance:
    return Provenance(actor_id=actor, actor_role=role, correlation_id=uuid.uuid4())


LEAD_P = by("hub_lead", "lead-1")


class Hub:
    def __init__(self, database_url: str, pool: asyncpg.Pool, clock: Clock,
                 reporting: ReportingApplication | None = None) -> None:
        self.database_url = database_url
        self.pool = pool
        self.clock = clock
        # the relays' keys and the consumers': one key store, as the deployed services share one
        self.keystore = reporting.keystore if reporting is not None else MemoryKeystore()
        self.scheduling = SchedulingApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                                                clock=clock, keystore=self.keystore)
        self.reporting = reporting or ReportingApplication(
            env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock, keystore=self.keystore)
        self.sealer = EnvelopeSealer(self.keystore)
        self.projections = ReportingProjections(clock, sealer=self.sealer)
        self.consumer = ReportingConsumer(pool, self.projections, name="scenario")
        self.api = create_api(self.reporting, pool, ISSUER, self.projections)
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.api), base_url="http://r")
        self.positions = {"scheduling": 0, "reporting": 0}
        self.delivered: list[bytes] = []
        self.pending: list[bytes] = []  # messages made here rather than by an application

    def on(self, day: date) -> None:
        self.clock.today = day

    # -- scheduling, as the school and the AB use it --------------------------------------------

    def register(self, **overrides: Any) -> uuid.UUID:
        return self.scheduling.register_ect(provenance=by("appropriate_body", "ab-1"),
                                            **ect_details(**overrides))

    def mentor(self, trn: str = "7654321", **overrides: Any) -> uuid.UUID:
        return self.scheduling.register_mentor(provenance=LEAD_P, **mentor_details(trn=trn, **overrides))

    def assign(self, ect: uuid.UUID, mentor: uuid.UUID, on: date) -> None:
        self.scheduling.assign_mentor(ect, mentor, assigned_on=on, override_reason=None, provenance=LEAD_P)

    def sessions(self, ect: uuid.UUID, days: list[date], minutes: int = 60) -> None:
        for day in days:
            self.scheduling.record_session(ect, request_id=f"s-{day}", held_on=day, minutes=minutes,
                                           observation_included=True, action_step=None, provenance=LEAD_P)

    # -- delivery ---------------------------------------------------------------------------------

    def _new(self, name: str, app: Any, translate: Any) -> list[bytes]:
        notifications = app.recorder.select_notifications(start=self.positions[name] + 1, limit=10_000)
        if notifications:
            self.positions[name] = notifications[-1].id
        envelopes = [translate(app.mapper.to_domain_event(n)) for n in notifications]
        # sealed as the relay publishes them (ect_platform.integration_events)
        return [encode(self.sealer.seal(e)) for e in envelopes if e is not None]

    def erase(self, subject_id: uuid.UUID, subject: ErasedSubject = ErasedSubject.ECT) -> None:
        """As scheduling erases a person: the key destroyed first, then PersonalDataErased
        published (delivered with the next ``deliver``)."""
        self.keystore.erase(subject_id)
        about_ect = subject is ErasedSubject.ECT
        self.pending.append(encode(EventEnvelope[PersonalDataErased](
            event_id=uuid.uuid4(), event_type=PersonalDataErased.event_type,
            event_version=PersonalDataErased.event_version,
            occurred_at=datetime.combine(self.clock.today, time(0), tzinfo=UTC),
            recorded_at=datetime.now(UTC), source="scheduling", aggregate_id=subject_id,
            aggregate_version=1, ect_id=subject_id if about_ect else None,
            actor=Actor(id="lead-1", role=Role.HUB_LEAD), correlation_id=uuid.uuid4(),
            payload=PersonalDataErased(subject=subject, subject_id=subject_id,
                                       reason="Request SAR-1, the person's own"))))

    async def deliver(self) -> int:
        """Every event stored since the last delivery, as the consumer would receive it."""
        values = (self._new("scheduling", self.scheduling, scheduling_translator)
                  + self._new("reporting", self.reporting, reporting_translator) + self.pending)
        self.pending = []
        if values:
            self.delivered.extend(values)
            await self.consumer.handle([record(v, n) for n, v in enumerate(values)])
        return len(values)

    # -- reading -------------------------------------------------------------------------------------

    async def get(self, path: str, who: dict[str, str] = LEAD, **params: Any) -> Any:
        await self.deliver()
        response = await self.http.get(path, headers=who, params=params)
        assert response.status_code == 200, response.text
        return response.json() if "json" in response.headers["content-type"] else response.text

    async def post(self, path: str, body: dict[str, Any], who: dict[str, str] = TUTOR,
                   expect: int = 201) -> Any:
        await self.deliver()
        response = await self.http.post(path, headers=who, json=body)
        assert response.status_code == expect, response.text
        await self.deliver()
        return response.json()

    async def entitlement(self, ect: uuid.UUID) -> dict[str, Any]:
        return dict(await self.get(f"/ects/{ect}/entitlement"))

    async def submissions(self, ect: uuid.UUID) -> dict[tuple[int, str], dict[str, Any]]:
        items = (await self.get("/submissions", AUDITOR, limit=500))["items"]
        return {(i["term_number"], i["kind"]): i for i in items if i["ect_id"] == str(ect)}

    async def review(self, ect: uuid.UUID, term: int, on: date, on_track: bool = True,
                     who: dict[str, str] = TUTOR, **extra: Any) -> str:
        body = {"kind": "progress_review", "term_number": term, "on_track": on_track,
                "evidence_summary": "Evidence against the Teachers' Standards", "targets": "Next steps",
                "submitted_on": on.isoformat(),
                "sign_offs": [{"role": "induction_tutor", "name": "T. Tutor", "signed_on": on.isoformat()}],
                **extra}
        return str((await self.post(f"/ects/{ect}/term-reports", body, who))["id"])

    async def assessment(self, ect: uuid.UUID, term: int, meeting: date, sent: date,
                         recommendation: str | None = None, on_track: bool = True) -> str:
        signed = [{"role": r, "name": r, "signed_on": sent.isoformat()}
                  for r in ("induction_tutor", "headteacher", "ect")]
        body = {"kind": "formal_assessment", "term_number": term, "on_track": on_track,
                "evidence_summary": "Assessed against the Teachers' Standards", "targets": "Targets",
                "submitted_on": sent.isoformat(), "assessment_meeting_on": meeting.isoformat(),
                "assessor_role": "headteacher", "assessor_id": "head-1",
                "ect_comments": "I agree with the assessment", "sign_offs": signed}
        if recommendation:
            body["recommendation"] = recommendation
        return str((await self.post(f"/ects/{ect}/term-reports", body))["id"])

    # -- rebuild ------------------------------------------------------------------------------------

    async def tables(self, pool: asyncpg.Pool) -> dict[str, list[dict[str, Any]]]:
        async with pool.acquire() as conn:
            return {table: [dict(r) for r in await conn.fetch(
                f"SELECT * FROM {table} ORDER BY {order}")] for table, order in TABLES.items()}

    async def assert_rebuild_equals_live(self) -> None:
        """Replay every delivered message, shuffled, some twice, into a fresh schema: same tables."""
        await self.deliver()
        schema = "rebuild_" + uuid.uuid4().hex[:8]
        await ensure_schema(self.database_url, schema)
        pool = await create_pool(self.database_url, schema)
        try:
            async with pool.acquire() as conn:
                await projections.setup(conn)
            consumer = ReportingConsumer(pool, ReportingProjections(self.clock, sealer=self.sealer),
                                         name="rebuild")
            await consumer.setup()
            replay = list(self.delivered) + random.Random(4).sample(self.delivered, len(self.delivered) // 3)
            random.Random(7).shuffle(replay)
            for start in range(0, len(replay), 50):
                batch = replay[start:start + 50]
                await consumer.handle([record(v, n) for n, v in enumerate(batch)])
            # the live consumer last recomputed some rows on earlier days; bring both to today
            await self.projections.refresh_stale(self.pool)
            await consumer.projections.refresh_stale(pool)
            assert await self.tables(pool) == await self.tables(self.pool)
            assert consumer.duplicates == len(replay) - len(self.delivered)
        finally:
            await pool.close()


def record(value: bytes, offset: int) -> Any:
    return SimpleNamespace(topic="t", partition=0, offset=offset, key=None, value=value, headers=())


async def open_hub(database_url: str, start: date, *, event_store_on_postgres: bool = False) -> Hub:
    """``event_store_on_postgres``: reporting's own records in its PostgreSQL event store, as
    deployed, rather than in memory (the projections are on PostgreSQL either way)."""
    await ensure_schema(database_url, "reporting")
    pool = await create_pool(database_url, "reporting")
    async with pool.acquire() as conn:
        await projections.setup(conn)
    clock = Clock(start)
    reporting = None
    if event_store_on_postgres:
        settings = ReportingSettings(database_url=database_url, kafka_bootstrap_servers="unused:9092",
                                     jwt_secret="unused-here-but-at-least-32-bytes-long")
        reporting = build_application(settings, clock)
    hub = Hub(database_url, pool, clock, reporting)
    await hub.consumer.setup()
    return hub


async def test_the_harness_delivers_scheduling_events_to_reporting(database_url):
    hub = await open_hub(database_url, date(2025, 9, 1))
    try:
        ect = hub.register()
        assert await hub.deliver() == 1
        row = await hub.entitlement(ect)
        assert row["trn"] == "1234567" and row["induction_status"] == "open"
        await hub.assert_rebuild_equals_live()
    finally:
        await hub.pool.close()
