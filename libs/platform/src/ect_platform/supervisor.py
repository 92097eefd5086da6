"""``ect up``: start the whole platform on one machine and stop all of it on Ctrl-C.

Embedded PostgreSQL and broker unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS are set;
then one process per service, each running its API and its relay and consumers.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ect_platform.database import ensure_database
from ect_platform.embedded import EmbeddedKafka, EmbeddedPostgres, port_is_open
from ect_platform.ownership import development_service_role


def development_secret(path: Path) -> str:
    """A secret kept in the state directory, made on first use (development only: production
    sets JWT_SECRET and CHAIN_KEY from its secret store)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    port_variable: str
    default_port: int


SERVICES = (
    ServiceSpec("scheduling", "SCHEDULING_PORT", 8001),
    ServiceSpec("reporting", "REPORTING_PORT", 8002),
    ServiceSpec("notifications", "NOTIFICATIONS_PORT", 8003),
)


@dataclass
class Platform:
    """Everything ``ect up`` started; ``stop()`` undoes it in reverse order."""

    database_url: str
    bootstrap_servers: str
    ports: dict[str, int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    postgres: EmbeddedPostgres | None = None
    kafka: EmbeddedKafka | None = None

    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    mail_catcher: subprocess.Popen[bytes] | None = None
    mail_dir: Path | None = None

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def spawn(self, name: str) -> None:
        """Start (or start again) one service process with the platform's environment."""
        out = (self.log_dir / f"{name}.log").open("ab") if self.log_dir else None
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own modules
            [sys.executable, "-m", name], env=self.env, stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """For fault injection: send ``sig`` to one service process and wait if it ends it."""
        process = self.processes[name]
        process.send_signal(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            process.wait(timeout=15)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if self.mail_catcher is not None:
            self.mail_catcher.terminate()
            try:
                self.mail_catcher.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.mail_catcher.kill()
            self.mail_catcher = None
        if self.kafka:
            self.kafka.stop()
        if self.postgres:
            self.postgres.stop()


def start_platform(
    *,
    state_dir: Path,
    env: Mapping[str, str],
    ports: Mapping[str, int] | None = None,
    kafka_port: int | None = None,
    log_dir: Path | None = None,
    database_name: str = "ect",
) -> Platform:
    state_dir.mkdir(parents=True, exist_ok=True)
    postgres = kafka = None
    database_url = env.get("DATABASE_URL")
    if not database_url:
        postgres = EmbeddedPostgres(state_dir / "pgdata")
        postgres.start()
        database_url = postgres.url(database_name)
    asyncio.run(ensure_database(database_url))
    bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        kafka = EmbeddedKafka(kafka_port, log_file=(log_dir / "broker.log") if log_dir else None)
        bootstrap = kafka.start()
    chosen = {s.name: int(env.get(s.port_variable, s.default_port)) for s in SERVICES}
    chosen.update({name: port for name, port in (ports or {}).items() if name in chosen})
    platform = Platform(database_url, bootstrap, chosen, postgres=postgres, kafka=kafka)
    try:
        for spec in SERVICES:
            if port_is_open("127.0.0.1", chosen[spec.name]):
                raise RuntimeError(
                    f"port {chosen[spec.name]} for {spec.name} is taken; set {spec.port_variable}"
                )
        platform.env = dict(env)
        service_url = None
        if "DATABASE_OWNER_URL" not in env:  # the services run as a role that owns no chained table
            service_url = asyncio.run(development_service_role(database_url))
        platform.env.update(
            DATABASE_URL=service_url or database_url,
            **({"DATABASE_OWNER_URL": database_url} if service_url else {}),
            KAFKA_BOOTSTRAP_SERVERS=bootstrap,
            JWT_SECRET=env["JWT_SECRET"],
            **{s.port_variable: str(chosen[s.name]) for s in SERVICES},
        )
        platform.log_dir = log_dir
        # The chain key stays outside PostgreSQL (here: beside its data directory, for
        # development), and so do the signed checkpoints of the logs' heads.
        platform.env.setdefault("CHAIN_KEY", development_secret(state_dir / "chain-key"))
        platform.env.setdefault("CHAIN_CHECKPOINT_DIR", str(state_dir / "checkpoints"))
        # `ect up` runs a development platform on this machine: webhooks to a receiver here (plain
        # http on loopback) are allowed unless the environment says otherwise; production's
        # settings (https, global addresses only) are the services' own defaults
        # reporting's dashboard sends uploaded imports on to scheduling: the one started here
        platform.env["SCHEDULING_URL"] = f"http://127.0.0.1:{chosen['scheduling']}"
        platform.env.setdefault("NOTIFICATIONS_WEBHOOK_REQUIRE_HTTPS", "false")
        platform.env.setdefault("NOTIFICATIONS_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
        if "NOTIFICATIONS_SMTP_HOST" not in env:
            _start_mail_catcher(platform, state_dir, int((ports or {}).get(
                "mail-catcher", env.get("NOTIFICATIONS_SMTP_PORT", MAIL_CATCHER_PORT))))
        for spec in SERVICES:
            platform.spawn(spec.name)
        wait_until_ready(platform)
    except BaseException:
        platform.stop()
        raise
    return platform


MAIL_CATCHER_PORT = 8025


def _start_mail_catcher(platform: Platform, state_dir: Path, port: int) -> None:
    """A local SMTP server that keeps every message as a file, so a user sees the mail.

    It is notifications' own ``mail-catcher`` part (aiosmtpd), run as a process of its own.
    """
    if port_is_open("127.0.0.1", port):
        raise RuntimeError(f"port {port} for the mail catcher is taken; set NOTIFICATIONS_SMTP_PORT")
    platform.mail_dir = state_dir / "mail"
    platform.env.update(NOTIFICATIONS_SMTP_HOST="127.0.0.1", NOTIFICATIONS_SMTP_PORT=str(port),
                        NOTIFICATIONS_MAIL_DIR=str(platform.mail_dir),
                        NOTIFICATIONS_SMTP_SECURITY="none")  # the catcher, on loopback, has no TLS
    out = (platform.log_dir / "mail-catcher.log").open("ab") if platform.log_dir else None
    platform.mail_catcher = subprocess.Popen(
        [sys.executable, "-m", "notifications", "mail-catcher"], env=platform.env, stdout=out,
        stderr=subprocess.STDOUT if out else None,
    )
    deadline = time.monotonic() + 20
    while not port_is_open("127.0.0.1", port):
        if platform.mail_catcher.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the mail catcher did not start")
        time.sleep(0.1)


def wait_until_ready(platform: Platform, timeout: float = 60.0, only: set[str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    pending = set(only or platform.ports)
    with httpx.Client(timeout=2) as client:
        while pending:
            for name in list(pending):
                process = platform.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode} while starting")
                try:
                    if client.get(platform.url(name) + "/health/ready").status_code == 200:
                        pending.discard(name)
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout:.0f}s: {', '.join(sorted(pending))}")
            time.sleep(0.2)


def run_until_interrupted(platform: Platform) -> int:
    """Block until Ctrl-C / SIGTERM or until a service dies; then stop everything."""
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stopping:
            for name, process in platform.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping the platform",
                          file=sys.stderr)
                    return 1
            time.sleep(0.3)
        return 0
    finally:
        platform.stop()

