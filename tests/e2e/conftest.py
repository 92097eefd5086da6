"""The whole platform as ``ect up`` runs it: three service processes on real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from ect_platform.embedded import free_port
from ect_platform.supervisor import Platform, start_platform
from tests.conftest import JWT_SECRET


@pytest.fixture(scope="session")
def platform(embedded_stack) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    # Synchronous on purpose: start_platform blocks until every service answers ready.
    database_url = asyncio.run(embedded_stack.fresh_database())
    state = Path(tempfile.mkdtemp(prefix="ect-e2e-"))
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=embedded_stack.bootstrap_servers,
        KAFKA_TOPIC_PREFIX=f"e2e{uuid.uuid4().hex[:8]}.",
        JWT_SECRET=JWT_SECRET,
        KAFKA_SESSION_TIMEOUT_MS="2000",
        CHAIN_CHECKPOINT_SECONDS="1",  # so a test sees the logs' heads anchored within seconds
        # the webhook receivers are plain http on loopback, which production refuses
        NOTIFICATIONS_WEBHOOK_REQUIRE_HTTPS="false",
        NOTIFICATIONS_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",
    )
    ports = {"scheduling": free_port(), "reporting": free_port(), "notifications": free_port(),
             "mail-catcher": free_port()}
    running = start_platform(state_dir=state, env=env, ports=ports, log_dir=state)
    running.topic_prefix = env["KAFKA_TOPIC_PREFIX"]  # type: ignore[attr-defined]
    running.log_dir = state  # type: ignore[attr-defined]
    try:
        yield running
    finally:
        running.stop()
        for log in sorted(state.glob("*.log")):
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                print(f"--- {log.name} ---\n{text[-4000:]}")
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
