"""A process without the API part serves ``/metrics`` alone on ``METRICS_PORT``, as its
container does in production: here scheduling's relay, started as ``python -m scheduling relay``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ect_platform.embedded import free_port
from tests.conftest import JWT_SECRET, Stack

pytestmark = pytest.mark.e2e


def samples(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


async def test_a_relay_process_serves_its_lag_and_throughput_on_its_metrics_port(embedded_stack: Stack):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=await embedded_stack.fresh_database(),
               KAFKA_BOOTSTRAP_SERVERS=embedded_stack.bootstrap_servers, JWT_SECRET=JWT_SECRET,
               KAFKA_TOPIC_PREFIX=f"t{uuid.uuid4().hex[:10]}.", METRICS_PORT=str(port),
               KAFKA_SESSION_TIMEOUT_MS="2000")
    env.pop("DATABASE_OWNER_URL", None)
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "scheduling", "relay", env=env,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            deadline = asyncio.get_running_loop().time() + 60
            while True:
                assert process.returncode is None, "the relay process exited"
                try:
                    response = await http.get(f"http://127.0.0.1:{port}/metrics")
                    break
                except httpx.TransportError:
                    assert asyncio.get_running_loop().time() < deadline, "no /metrics within 60 s"
                    await asyncio.sleep(0.2)
            assert response.status_code == 200
            found = samples(response.text)
            assert found["ect_relay_lag_events"] == {(("relay", "scheduling"),): 0.0}
            assert found["ect_relay_published_events_total"] == {(("relay", "scheduling"),): 0.0}
            assert found["ect_metrics_probe_success"] == {(("probe", "relay_lag"),): 1.0}
            assert "ect_consumer_events_applied_total" not in found  # not this part's figure
            assert "process_resident_memory_bytes" in found
            # /metrics and health, not the API (another process's)
            assert (await http.get(f"http://127.0.0.1:{port}/ects/{uuid.uuid4()}")).status_code == 404
            assert (await http.get(f"http://127.0.0.1:{port}/health/live")).status_code == 200
            ready = await http.get(f"http://127.0.0.1:{port}/health/ready")
            assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok",
                                                                           "kafka": "ok"}
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
