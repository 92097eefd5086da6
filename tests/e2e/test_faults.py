"""Fault injection under load: kill -9 services, pause and restart the broker; nothing lost, nothing doubled.

A client sends coaching sessions steadily. It behaves as a careful client does: when a
request gets no answer (the process died mid-request) it sends it again with the same
request id, so every command ends either accepted (2xx) or refused (4xx). After each fault
and at the end, a consistency check compares what was accepted with scheduling's record
and with reporting's projection: every accepted session counted exactly once, nothing else.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from contracts import Role
from contracts.topics import ALL_TOPICS, SCHEDULING
from ect_platform.database import create_pool
from ect_platform.embedded import free_port
from ect_platform.identity import TokenIssuer
from ect_platform.kafka import ensure_topics
from ect_platform.relay import rewind
from ect_platform.supervisor import Platform, start_platform, wait_until_ready
from tests.conftest import JWT_SECRET
from tests.e2e.test_spine import QTS, TODAY, new_trn

pytestmark = pytest.mark.e2e

ISSUER = TokenIssuer(JWT_SECRET)
AB = {"Authorization": f"Bearer {ISSUER.issue('ab-1', Role.APPROPRIATE_BODY)}"}
LEAD = {"Authorization": f"Bearer {ISSUER.issue('lead-1', Role.HUB_LEAD)}"}


@pytest.fixture(scope="module")
def faulty() -> Iterator[Platform]:
    """A platform of its own, with its own PostgreSQL and broker, so faults touch no other test."""
    state = Path(tempfile.mkdtemp(prefix="ect-faults-"))
    env = dict(os.environ, JWT_SECRET=JWT_SECRET, KAFKA_SESSION_TIMEOUT_MS="2000")
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    ports = {"scheduling": free_port(), "reporting": free_port(), "notifications": free_port(),
             "mail-catcher": free_port()}
    platform = start_platform(state_dir=state, env=env, ports=ports, kafka_port=free_port(),
                              log_dir=state)
    try:
        yield platform
    finally:
        platform.stop()
        shutil.rmtree(state, ignore_errors=True)


@dataclass
class Load:
    """The steady client: what it sent, and what the platform accepted or refused."""

    ects: list[str]
    accepted: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    sent: int = 0
    retried: int = 0

    async def run(self, platform: Platform, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            while not stop.is_set():
                ect_id = self.ects[self.sent % len(self.ects)]
                body = {"request_id": str(uuid.uuid4()), "held_on": TODAY, "minutes": 30}
                self.sent += 1
                deadline = asyncio.get_running_loop().time() + 60
                while True:  # until the platform answers, the same request again
                    if asyncio.get_running_loop().time() > deadline:
                        raise AssertionError(f"scheduling answered no retry of {body['request_id']} "
                                             "within 60 s")
                    try:
                        response = await http.post(
                            platform.url("scheduling") + f"/ects/{ect_id}/sessions", json=body,
                            headers=LEAD)
                    except httpx.TransportError:
                        self.retried += 1
                        await asyncio.sleep(0.2)
                        continue
                    if response.status_code >= 500:
                        self.retried += 1
                        await asyncio.sleep(0.2)
                        continue
                    break
                # 201: recorded now; 200: recorded by an earlier attempt whose answer was lost
                # (a kill between the commit and the response). Either way recorded once, and
                # only this last answer of the request is counted.
                if response.status_code in (200, 201):
                    self.accepted[ect_id] += 1
                else:
                    self.refused += 1
                await asyncio.sleep(0.01)


OUTSIDERS = {  # callers who may see none of the load's ECTs (all at school 100001, with ab-1)
    "tutor at another school": ISSUER.issue("tutor-9", Role.INDUCTION_TUTOR, schools=["999999"]),
    "another AB": ISSUER.issue("ab-9", Role.APPROPRIATE_BODY),
    "a mentor of no ECT": ISSUER.issue("None", Role.MENTOR),
}
BAD_SESSIONS = [  # each must be refused with a 4xx and change nothing
    {"held_on": TODAY, "minutes": -5},
    {"held_on": "2999-01-01", "minutes": 30},
    {"held_on": TODAY, "minutes": 30, "mentor_id": "not-a-field"},
    {"held_on": "not-a-date", "minutes": 30},
]


@dataclass
class Probes:
    """A hostile caller beside the steady one: reads outside its scope, bad commands."""

    ects: list[str]
    scope_probes: int = 0
    leaked: list[str] = field(default_factory=list)
    bad_inputs: int = 0
    bad_refused: int = 0
    bad_accepted: list[str] = field(default_factory=list)

    async def run(self, platform: Platform, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            turn = 0
            while not stop.is_set():
                ect_id = self.ects[turn % len(self.ects)]
                turn += 1
                try:
                    await self._probe_scope(http, platform, ect_id)
                    await self._send_bad(http, platform, ect_id, BAD_SESSIONS[turn % len(BAD_SESSIONS)])
                except httpx.TransportError:
                    pass  # a service being killed: nothing to count
                await asyncio.sleep(0.05)

    async def _probe_scope(self, http: httpx.AsyncClient, platform: Platform, ect_id: str) -> None:
        for who, token in OUTSIDERS.items():
            headers = {"Authorization": f"Bearer {token}"}
            for url in (platform.url("scheduling") + f"/ects/{ect_id}",
                        platform.url("reporting") + f"/ects/{ect_id}/entitlement"):
                response = await http.get(url, headers=headers)
                if response.status_code >= 500:
                    continue  # not an answer: the service is down or starting
                self.scope_probes += 1
                if response.status_code < 300:
                    self.leaked.append(f"{who} read {url}")
            response = await http.get(platform.url("notifications") + "/notifications", headers=headers)
            if response.status_code < 300:
                self.scope_probes += 1
                items = response.json().get("items", [])
                self.leaked += [f"{who} listed a notification about {ect_id}" for item in items
                                if str(item.get("ect_id")) in self.ects]
            elif response.status_code < 500:
                self.scope_probes += 1

    async def _send_bad(self, http: httpx.AsyncClient, platform: Platform, ect_id: str,
                        body: dict[str, object]) -> None:
        response = await http.post(platform.url("scheduling") + f"/ects/{ect_id}/sessions", headers=LEAD,
                                   json={"request_id": str(uuid.uuid4()), **body})
        if response.status_code >= 500:
            return
        self.bad_inputs += 1
        if 400 <= response.status_code < 500:
            self.bad_refused += 1
        else:
            self.bad_accepted.append(f"{body} answered {response.status_code}")


def relay_lag(exposition: str, relay: str) -> float | None:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "ect_relay_lag_events" and sample.labels.get("relay") == relay:
                return sample.value
    return None


def consumer_lag(exposition: str, topic: str) -> float | None:
    """The largest lag of any partition of ``topic`` the process consumes; None if none shown."""
    lags = [sample.value for family in text_string_to_metric_families(exposition)
            for sample in family.samples
            if sample.name == "ect_consumer_lag_messages" and sample.labels.get("topic") == topic]
    return max(lags) if lags else None


async def reporting_behind(http: httpx.AsyncClient, platform: Platform) -> float | None:
    """How far reporting's consumer is behind on scheduling's topic, by its /metrics."""
    try:
        response = await http.get(platform.url("reporting") + "/metrics")
    except httpx.TransportError:
        return None
    if response.status_code != 200:
        return None
    return consumer_lag(response.text, SCHEDULING.qualified(""))


@dataclass
class Scrapes:
    """Prometheus' view during the run: scheduling's and reporting's /metrics, scraped four
    times a second."""

    lags: list[float] = field(default_factory=list)
    consumer_lags: list[float] = field(default_factory=list)  # reporting's, on scheduling's topic
    failed: int = 0  # the process was down, or its database was

    async def run(self, platform: Platform, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            while not stop.is_set():
                lag = await self.scrape(http, platform)
                if lag is None:
                    self.failed += 1
                else:
                    self.lags.append(lag)
                behind = await reporting_behind(http, platform)
                if behind is not None:
                    self.consumer_lags.append(behind)
                await asyncio.sleep(0.25)

    @staticmethod
    async def scrape(http: httpx.AsyncClient, platform: Platform) -> float | None:
        try:
            response = await http.get(platform.url("scheduling") + "/metrics")
        except httpx.TransportError:
            return None
        return relay_lag(response.text, "scheduling") if response.status_code == 200 else None


async def consistent(platform: Platform, load: Load, within: float = 90) -> dict[str, int]:
    """Wait until scheduling and reporting both show exactly the accepted sessions; fail if either
    ever shows more (a double count) or the deadline passes (a loss)."""
    deadline = asyncio.get_running_loop().time() + within
    async with httpx.AsyncClient(timeout=5) as http:
        while True:
            lost = doubled = 0
            for ect_id in load.ects:
                expected = load.accepted[ect_id]
                ect = (await http.get(platform.url("scheduling") + f"/ects/{ect_id}", headers=LEAD)).json()
                projection = await http.get(platform.url("reporting") + f"/ects/{ect_id}/entitlement",
                                            headers=LEAD)
                seen = projection.json().get("sessions_held", 0) if projection.status_code == 200 else 0
                assert ect["sessions_held"] == expected, "scheduling lost or doubled an accepted command"
                assert seen <= expected, f"reporting double-applied: {seen} > {expected}"
                lost += expected - seen
                doubled += max(0, seen - expected)
            if lost == 0:
                return {"lost": 0, "doubled": doubled}
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{lost} accepted sessions never reached reporting")
            await asyncio.sleep(0.5)


async def test_crashes_pauses_and_a_broker_restart_lose_nothing_and_double_nothing(faulty):
    platform = faulty
    async with httpx.AsyncClient(timeout=10) as http:
        ects = []
        for _ in range(3):
            response = await http.post(platform.url("scheduling") + "/ects", headers=AB, json={
                "trn": new_trn(), "name": "Ada Lovelace", "date_of_birth": "1999-12-10",
                "school_id": "100001", "subject": "mathematics", "phase": "secondary",
                "qts_date": QTS, "induction_start_date": TODAY, "fte": 1.0,
                "appropriate_body_id": "ab-1", "induction_programme": "provider_led",
                "induction_tutor_id": "tutor-1"})
            assert response.status_code == 201, response.text
            ects.append(response.json()["id"])
    load = Load(ects)
    probes = Probes(ects)
    stop = asyncio.Event()
    client = asyncio.create_task(load.run(platform, stop))
    hostile = asyncio.create_task(probes.run(platform, stop))
    scrapes = Scrapes()
    scraper = asyncio.create_task(scrapes.run(platform, stop))
    faults = 0

    async def settle(seconds: float = 1.5) -> None:
        await asyncio.sleep(seconds)

    try:
        await settle()
        for service in ("scheduling", "reporting", "notifications"):
            platform.kill(service)  # kill -9, mid-load
            faults += 1
            await settle(0.5)
            platform.spawn(service)
            await asyncio.to_thread(wait_until_ready, platform, 60.0, {service})
            await settle()
        assert platform.kafka is not None and platform.kafka.process is not None
        platform.kafka.process.send_signal(signal.SIGSTOP)  # the broker hangs
        faults += 1
        await settle(3)
        platform.kafka.process.send_signal(signal.SIGCONT)
        await settle(2)
        assert platform.postgres is not None
        platform.postgres.stop()  # the database goes away and comes back
        faults += 1
        await settle(1)
        platform.postgres.start()
        await settle(3)
        # The embedded broker restarts with nothing (memory only): recreate the topics as an
        # operator would, then republish scheduling's history (ect relay republish --from 1).
        platform.kafka.stop()
        faults += 1
        await settle(0.5)
        platform.kafka.start()
        await ensure_topics(platform.bootstrap_servers, ALL_TOPICS)
        pool = await create_pool(platform.database_url, "scheduling")
        await rewind(pool, "scheduling", 1)
        await pool.close()
        await settle(3)
    finally:
        stop.set()
        await client
        await hostile
        await scraper
    figures = await consistent(platform, load)
    async with httpx.AsyncClient(timeout=5) as http:  # and the lags are back to nothing
        deadline = asyncio.get_running_loop().time() + 30
        while (final := await Scrapes.scrape(http, platform)) != 0.0:
            assert asyncio.get_running_loop().time() < deadline, f"relay lag stayed at {final}"
            await asyncio.sleep(0.25)
        while (behind := await reporting_behind(http, platform)) != 0.0:
            assert asyncio.get_running_loop().time() < deadline, (
                f"reporting's consumer lag on scheduling's topic stayed at {behind}")
            await asyncio.sleep(0.25)
    print(f"\nfault injection: sent {load.sent}, accepted {sum(load.accepted.values())}, "
          f"refused {load.refused}, client retries {load.retried}, faults {faults}, "
          f"lost {figures['lost']}, double-applied {figures['doubled']}; bad inputs tried "
          f"{probes.bad_inputs}, refused {probes.bad_refused}; scope probes {probes.scope_probes}, "
          f"leaked {len(probes.leaked)}; relay lag scraped {len(scrapes.lags)} times, at most "
          f"{max(scrapes.lags, default=0):.0f} events, {scrapes.failed} scrapes unanswered; "
          f"reporting's consumer lag at most {max(scrapes.consumer_lags, default=0):.0f} messages")
    assert load.refused == 0
    assert sum(load.accepted.values()) > 50
    assert probes.leaked == [] and probes.scope_probes > 20
    assert probes.bad_accepted == [] and probes.bad_refused == probes.bad_inputs > 5
    # the broker's pause and the republish from position 1 put the relay behind, visibly
    assert len(scrapes.lags) > 20 and max(scrapes.lags) > 0
