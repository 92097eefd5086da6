"""Another team's subscriber, as the README shows it: kcat reading scheduling's topic."""

from __future__ import annotations

import asyncio
import json
import shutil

import pytest

from tests.e2e.test_spine import register_ect
from tests.support import eventually

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is not installed (Debian package kcat)")
async def test_kcat_reads_the_events_with_the_readme_options(platform, http):
    ect_id = await register_ect(http, platform)
    topic = f"{platform.topic_prefix}ect.scheduling.events.v1"

    async def read_with_kcat() -> list[dict]:  # type: ignore[type-arg]
        process = await asyncio.create_subprocess_exec(
            "kcat", "-X", "api.version.request=false", "-X", "broker.version.fallback=0.9.0",
            "-b", platform.bootstrap_servers, "-C", "-t", topic, "-o", "0", "-e", "-q",
            "-f", "%k %s\n", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, _ = await asyncio.wait_for(process.communicate(), timeout=20)
        lines = [line.split(" ", 1) for line in out.decode().splitlines() if line.strip()]
        return [json.loads(body) for key, body in lines if key == ect_id]

    events = await eventually(read_with_kcat)
    assert events[0]["event_type"] == "EctRegistered"
    assert events[0]["payload"]["trn"].isdigit()
