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
    assert (events[0]["event_type"], events[0]["event_version"]) == ("EctRegistered", 2)
    # the TRN, name and birthday travel sealed with the ECT's own key (docs/privacy.md)
    assert "trn" not in events[0]["payload"] and events[0]["payload"]["school_id"] == "100001"
    assert events[0]["sealed"]["key_id"] == ect_id
    assert sorted(events[0]["sealed"]["fields"]) == ["date_of_birth", "name", "trn"]


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is not installed (Debian package kcat)")
async def test_kcat_prints_the_cloudevents_headers(platform, http):
    ect_id = await register_ect(http, platform)
    topic = f"{platform.topic_prefix}ect.scheduling.events.v1"

    async def headers_with_kcat() -> list[dict[str, str]]:
        process = await asyncio.create_subprocess_exec(
            "kcat", "-X", "api.version.request=false", "-X", "broker.version.fallback=0.9.0",
            "-b", platform.bootstrap_servers, "-C", "-t", topic, "-o", "0", "-e", "-q",
            "-f", "%k\t%h\n", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, _ = await asyncio.wait_for(process.communicate(), timeout=20)
        found = []
        for line in out.decode().splitlines():
            key, _, headers = line.partition("\t")
            if key == ect_id:
                found.append(dict(pair.split("=", 1) for pair in headers.split(",") if "=" in pair))
        return found

    headers = await eventually(headers_with_kcat)
    assert headers[0]["ce_type"] == "ect.scheduling.EctRegistered.v2", headers[0]
    assert headers[0]["ce_subject"] == ect_id and headers[0]["ce_specversion"] == "1.0"
