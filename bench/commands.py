"""Commands under load, and each service's memory while it lasts.

The platform runs as under ``ect up`` (``start_platform``: scheduling, reporting and
notifications as processes, each with its API, relay and consumers) on this run's PostgreSQL
and broker. ECTs are registered over HTTP; then ``POST /ects/{id}/sessions`` is offered at
fixed rates, open-loop: request i is due at start + i/rate and is sent then whether or not
earlier ones have returned, so a slow server queues work instead of slowing the client down.
Latency is counted from when a request was due, queueing in the client's connection pool
included. Baseline: ``bench.bare_app`` (FastAPI + uvicorn as the services configure them, one
asyncpg INSERT per POST into a scratch table in the same database) at the same rates.

While the platform runs, a thread reads each service process's RSS (children included)
through psutil every 200 ms; the peak is compared with an idle ``python`` that only imports
the same service's entry point.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psutil

from bench.infra import Infra
from bench.latency import _bearer, _check, _log_tails, _registration, _until_sessions, percentile
from bench.report import Measurement, Row
from contracts import Role
from ect_platform import supervisor
from ect_platform.embedded import free_port, port_is_open
from ect_platform.identity import TokenIssuer

ECTS = 200  # sessions are spread over them: each command replays its ECT's aggregate
CONNECTIONS = 50  # the client's connection limit, per server
WARMUP = 20  # untimed sequential POSTs before the first rate
SETTLE = 3.0  # seconds of quiet after the warm-up, before the first rate
TIMEOUT = 30.0  # a request slower than this counts as an error
POLL_SECONDS = 0.2  # RSS sampling interval
MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
SERVICES = tuple(spec.name for spec in supervisor.SERVICES)


async def measure_commands(infra: Infra, seed: int, *, rates: tuple[int, ...] = (100, 250, 500),
                           seconds: float = 3.0, scale: float = 1.0) -> dict[str, Measurement]:
    """{"commands": ..., "memory": ...} from one platform run and one baseline run."""
    ects = max(10, round(ECTS * scale))
    secret = secrets.token_urlsafe(32)
    database_url = await infra.fresh_database("commands")
    env = dict(
        os.environ, JWT_SECRET=secret, DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=infra.bootstrap_servers, KAFKA_TOPIC_PREFIX=infra.prefix + "commands.",
        KAFKA_SESSION_TIMEOUT_MS="3000",
    )
    with tempfile.TemporaryDirectory(prefix="ect-bench-commands-") as tmp:
        ports = {name: free_port() for name in SERVICES}
        ports["mail-catcher"] = free_port()
        platform = await asyncio.to_thread(
            supervisor.start_platform, state_dir=Path(tmp), env=env, ports=ports, log_dir=Path(tmp))
        sampler = RssSampler({name: platform.processes[name].pid for name in SERVICES})
        sampler.start()
        try:
            platform_runs = await _drive_platform(platform, TokenIssuer(secret), ects, rates,
                                                  seconds, random.Random(seed))
        except Exception as exc:
            raise RuntimeError(f"commands run failed: {exc}\n{_log_tails(Path(tmp))}") from exc
        finally:
            sampler.stop()
            await asyncio.to_thread(platform.stop)
    idle = {name: await asyncio.to_thread(idle_import_rss, name, env) for name in SERVICES}
    bare_runs = await _drive_bare(database_url, rates, seconds)
    return {"commands": _commands_measurement(platform_runs, bare_runs, ects, rates, seconds),
            "memory": _memory_measurement(sampler, idle, rates, seconds)}


# -- load ---------------------------------------------------------------------------------------

class Connections:
    """CONNECTIONS clients of one connection each, the most recently returned lent first (as a
    connection pool reuses its warmest connection), to requests in order of asking. One httpx
    client with that many connections spends more CPU on its pool than the servers spend on
    the requests (measured here: 65 req/s closed-loop at 50 connections, 354 with 50 clients)."""

    def __init__(self, size: int = CONNECTIONS) -> None:
        self.clients = [httpx.AsyncClient(timeout=TIMEOUT, limits=httpx.Limits(max_connections=1))
                        for _ in range(size)]
        self.free: asyncio.LifoQueue[httpx.AsyncClient] = asyncio.LifoQueue()
        for client in self.clients:
            self.free.put_nowait(client)

    @contextlib.asynccontextmanager
    async def lend(self) -> AsyncIterator[httpx.AsyncClient]:
        client = await self.free.get()
        try:
            yield client
        finally:
            self.free.put_nowait(client)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


async def open_loop(pool: Connections, rate: int, seconds: float, send: Any) -> dict[str, Any]:
    """Offers ``send(i)`` at ``rate``/s for ``seconds``; figures of what came back."""
    count = max(1, round(rate * seconds))
    latencies: list[float] = []
    finished: list[float] = []
    errors: dict[str, int] = {}

    async def one(number: int, due: float) -> None:
        try:
            async with pool.lend() as client:  # past the limit, requests queue here
                response = await send(client, number)
            failed = f"HTTP {response.status_code}" if response.status_code >= 400 else None
        except Exception as exc:  # timeouts and refused connections are errors of this rate
            failed = type(exc).__name__
        done = time.perf_counter()
        if failed:
            errors[failed] = errors.get(failed, 0) + 1
        else:
            latencies.append((done - due) * 1000)
            finished.append(done)

    start = time.perf_counter() + 0.05
    tasks = []
    lag = 0.0
    for number in range(count):
        due = start + number / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        lag = max(lag, time.perf_counter() - due)
        tasks.append(asyncio.create_task(one(number, due)))
    await asyncio.gather(*tasks)
    elapsed = (max(finished) if finished else time.perf_counter()) - start
    return {
        "offered": rate, "requests": count, "ok": len(latencies),
        "errors": sum(errors.values()), "error_kinds": errors,
        "achieved": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(latencies, 50) if latencies else float("nan"),
        "p99_ms": percentile(latencies, 99) if latencies else float("nan"),
        "drain_seconds": elapsed - count / rate, "max_send_lag_ms": lag * 1000,
    }


async def _offer(rates: tuple[int, ...], seconds: float, send: Any,
                 tracer: Tracer | None = None) -> list[dict[str, Any]]:
    pool = Connections()
    try:
        runs = []
        for rate in rates:
            traced = asyncio.create_task(tracer.run()) if tracer else None
            run = await open_loop(pool, rate, seconds, send)
            if tracer and traced:
                tracer.stop.set()
                run.update(await traced)
            runs.append(run)
            await asyncio.sleep(1)  # the relay and consumers catch up between rates
        return runs
    finally:
        await pool.aclose()


class Tracer:
    """End-to-end latency under the load: while a rate is offered, sessions of an ECT of its
    own are recorded one at a time, each timed from its POST's response until reporting's
    entitlement counts it (the only writer to that ECT, so the count is exact)."""

    PAUSE = 0.1  # seconds between one tracer session being seen and the next POST
    POLL = 0.005  # seconds between entitlement reads

    def __init__(self, scheduling: str, reporting: str, ect_id: str, headers: dict[str, str],
                 today: str) -> None:
        self.sessions = f"{scheduling}/ects/{ect_id}/sessions"
        self.entitlement = f"{reporting}/ects/{ect_id}/entitlement"
        self.headers, self.today = headers, today
        self.posted = 0
        self.stop = asyncio.Event()

    async def run(self) -> dict[str, Any]:
        self.stop.clear()
        e2e: list[float] = []
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            while not self.stop.is_set():
                self.posted += 1
                body = {"request_id": f"trace-{self.posted}", "held_on": self.today, "minutes": 30}
                response = await http.post(self.sessions, json=body, headers=self.headers)
                returned = time.perf_counter()
                _check(response, "record a tracer session")
                async with asyncio.timeout(TIMEOUT):
                    _, seen = await _until_sessions(http, self.entitlement, self.headers,
                                                    self.posted, self.POLL)
                e2e.append((seen - returned) * 1000)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), self.PAUSE)
        return {"e2e_samples": len(e2e),
                "e2e_p50_ms": percentile(e2e, 50) if e2e else float("nan"),
                "e2e_p99_ms": percentile(e2e, 99) if e2e else float("nan")}


async def _drive_platform(platform: Any, issuer: TokenIssuer, ects: int, rates: tuple[int, ...],
                          seconds: float, rng: random.Random) -> list[dict[str, Any]]:
    scheduling = platform.url("scheduling")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    ab = _bearer(issuer, "ab-bench", Role.APPROPRIATE_BODY)
    lead = _bearer(issuer, "hub-lead-bench", Role.HUB_LEAD)
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        gate = asyncio.Semaphore(10)

        async def register(number: int) -> str:
            body = _registration(today, rng) | {"trn": f"{3_000_000 + number:07d}"}
            async with gate:
                response = await http.post(scheduling + "/ects", json=body, headers=ab)
            _check(response, "register an ECT")
            return str(response.json()["id"])

        ect_ids = await asyncio.gather(*(register(n) for n in range(ects + 1)))
        tracer = Tracer(scheduling, platform.url("reporting"), ect_ids.pop(), lead, today.isoformat())
        minutes = [rng.choice((30, 45, 60)) for _ in range(1024)]

        def sender(label: str) -> Any:
            async def send(client: httpx.AsyncClient, number: int) -> httpx.Response:
                body = {"request_id": f"{label}-{number}", "held_on": today.isoformat(),
                        "minutes": minutes[number % len(minutes)]}
                return await client.post(f"{scheduling}/ects/{ect_ids[number % ects]}/sessions",
                                         json=body, headers=lead)
            return send

        warm = sender("warmup")
        for number in range(WARMUP):
            _check(await warm(http, number), "record a session")
    await asyncio.sleep(SETTLE)  # the relay and consumers finish with the registrations
    send = sender("load")
    counter = iter(range(10**9))  # request ids stay unique across rates

    async def numbered(client: httpx.AsyncClient, _: int) -> httpx.Response:
        return await send(client, next(counter))

    return await _offer(rates, seconds, numbered, tracer)


async def _drive_bare(database_url: str, rates: tuple[int, ...], seconds: float
                      ) -> list[dict[str, Any]]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url)
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited
        [sys.executable, "-m", "bench.bare_app", str(port)], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not port_is_open("127.0.0.1", port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("bench.bare_app did not start")
            await asyncio.sleep(0.05)

        async def send(client: httpx.AsyncClient, number: int) -> httpx.Response:
            body = {"request_id": f"bare-{number}", "held_on": "2026-01-01", "minutes": 45}
            return await client.post(url + "/rows", json=body)

        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            for number in range(WARMUP):
                _check(await send(http, number), "bare INSERT")
        await asyncio.sleep(SETTLE)
        return await _offer(rates, seconds, send)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- memory -------------------------------------------------------------------------------------

class RssSampler(threading.Thread):
    """Peak RSS of each process and its children, read every POLL_SECONDS (a thread, so the
    load generator's busy event loop does not delay the samples)."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.processes = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.first: dict[str, float] = {}
        self.peak: dict[str, float] = dict.fromkeys(pids, 0.0)
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            for name, process in self.processes.items():
                rss = _tree_rss(process)
                if rss is not None:
                    self.first.setdefault(name, rss)
                    self.peak[name] = max(self.peak[name], rss)
            self.samples += 1
            self._stop_event.wait(POLL_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def _tree_rss(process: psutil.Process) -> float | None:
    try:
        total = process.memory_info().rss
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total / MB
    except psutil.Error:
        return None


def idle_import_rss(service: str, env: dict[str, str]) -> float:
    """RSS of a python that imports ``{service}.entrypoints.main`` and nothing more."""
    code = (f"import {service}.entrypoints.main, psutil; "
            "print(psutil.Process().memory_info().rss)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    return int(out.stdout.strip().splitlines()[-1]) / MB


# -- figures ------------------------------------------------------------------------------------

def _commands_measurement(platform: list[dict[str, Any]], bare: list[dict[str, Any]], ects: int,
                          rates: tuple[int, ...], seconds: float) -> Measurement:
    rows = []
    for run, base in zip(platform, bare, strict=True):
        rate = run["offered"]
        name = f"`POST /ects/{{id}}/sessions` at {rate}/s offered"
        base_name = f"bare FastAPI + one asyncpg INSERT at {rate}/s offered"
        rows.append(Row(f"{name}: achieved ({run['errors']} errors)", run["achieved"], "req/s",
                        f"{base_name}: achieved ({base['errors']} errors)", base["achieved"]))
        rows.append(Row(f"{name}: p50", run["p50_ms"], "ms", base_name + ": p50", base["p50_ms"]))
        rows.append(Row(f"{name}: p99", run["p99_ms"], "ms", base_name + ": p99", base["p99_ms"]))
        traced = f"End-to-end (POST returned → entitlement shows it) under {rate}/s offered"
        samples = f"{run['e2e_samples']} tracer sessions"
        rows.append(Row(f"{traced}: p50 ({samples})", run["e2e_p50_ms"], "ms",
                        base_name + ": p50", base["p50_ms"]))
        rows.append(Row(f"{traced}: p99 ({samples})", run["e2e_p99_ms"], "ms",
                        base_name + ": p99", base["p99_ms"]))
    drains = ", ".join(f"{r['offered']}/s: {r['drain_seconds']:.1f} s" for r in platform)
    lag = max(r["max_send_lag_ms"] for r in platform + bare)
    return Measurement(
        key="commands",
        title="Commands under load: POST session at fixed offered rates",
        rows=rows,
        details={"ects": ects, "rates": list(rates), "seconds_per_rate": seconds,
                 "connections": CONNECTIONS, "timeout_s": TIMEOUT, "warmup": WARMUP,
                 "platform": platform, "bare": bare},
        notes=[
            f"`start_platform` ran {', '.join(SERVICES)} (API, relay and consumers each) on this "
            f"run's PostgreSQL and broker; {ects} ECTs registered over HTTP first, then "
            f"{WARMUP} untimed sessions and {SETTLE:.0f} s for the relay and consumers to catch up.",
            f"Each rate held for {seconds:g} s, open-loop (request i due at start + i/rate, sent "
            f"then whatever came back), sessions dated today and spread round-robin over the "
            f"{ects} ECTs, at most {CONNECTIONS} connections (httpx clients of one connection "
            "each: one client with a pool of 50 was itself the bottleneck, 65 req/s closed-loop "
            "against the bare app). Latency from "
            "when a request was due to its response, so waiting for a free connection counts; "
            f"achieved = successful responses / (last response - start); a request failing or "
            f"slower than {TIMEOUT:.0f} s is an error. Time to finish the backlog after the last "
            f"send: {drains}.",
            "The relay, reporting's and notifications' consumers work on the same CPUs during "
            "the run, and so does the load generator (one Python process; it fell behind its "
            f"schedule by at most {lag:.0f} ms): past a server's ceiling the queue of due "
            "requests, not the server, sets the percentiles.",
            "End-to-end under load: while each rate is offered, one more ECT (not among the "
            f"{ects}) gets a session at a time, {Tracer.PAUSE * 1000:.0f} ms apart, each timed "
            "from its POST's response until reporting's entitlement counts it (read every "
            f"{Tracer.POLL * 1000:.0f} ms): the relay, the broker, reporting's consumer and its "
            "drain, all busy with the load.",
            "Baseline: `bench.bare_app` (FastAPI, uvicorn configured as the services configure "
            "it, asyncpg pool of 10) whose POST does one INSERT into a scratch table in the same "
            "database, driven at the same rates by the same client after the platform stopped.",
        ],
    )


def _memory_measurement(sampler: RssSampler, idle: dict[str, float], rates: tuple[int, ...],
                        seconds: float) -> Measurement:
    rows = [Row(f"{name} process, peak RSS under the commands load", sampler.peak[name], "MB",
                f"idle `python` importing `{name}.entrypoints.main`", idle[name])
            for name in SERVICES]
    at_start = ", ".join(f"{name} {sampler.first.get(name, 0):.0f} MB" for name in SERVICES)
    return Measurement(
        key="memory",
        title="Memory: each service process's peak RSS",
        rows=rows,
        details={"peak_mb": sampler.peak, "ready_mb": sampler.first, "idle_import_mb": idle,
                 "samples": sampler.samples, "poll_seconds": POLL_SECONDS},
        notes=[
            f"RSS of each service process (children included) read through psutil every "
            f"{POLL_SECONDS * 1000:.0f} ms ({sampler.samples} samples) from the moment the "
            f"platform was ready until the commands measure's last rate "
            f"({', '.join(map(str, rates))}/s, {seconds:g} s each) had drained: the peak.",
            f"Right after start (first sample): {at_start}.",
            "Baseline: a fresh `python` (same interpreter and environment) that only imports the "
            "service's entry point module: the interpreter plus the code's own footprint, "
            "before any connection, pool, consumer or request.",
        ],
    )
