"""`ect replay` rebuilds every projection from the history while the platform runs; same answers."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import JWT_SECRET
from tests.e2e.test_spine import LEAD, TODAY, entitlement, register_ect
from tests.support import eventually

pytestmark = pytest.mark.e2e


async def test_a_replay_gives_the_same_projections_as_the_live_consumer(platform, http):
    ect_id = await register_ect(http, platform)
    await http.post(platform.url("scheduling") + f"/ects/{ect_id}/sessions", headers=LEAD,
                    json={"held_on": TODAY, "minutes": 50})
    await eventually(lambda: _has_session(http, platform, ect_id))
    before = (await http.get(platform.url("reporting") + "/entitlement", headers=LEAD,
                             params={"limit": 500})).json()

    ect = Path(sys.executable).with_name("ect")
    process = await asyncio.create_subprocess_exec(
        str(ect), "replay", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "DATABASE_URL": platform.database_url, "JWT_SECRET": JWT_SECRET,
             "KAFKA_BOOTSTRAP_SERVERS": platform.bootstrap_servers,
             "KAFKA_TOPIC_PREFIX": platform.topic_prefix, "ECT_STATE_DIR": "/nonexistent"})
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, out.decode()
    assert "events/s" in out.decode()

    after = (await http.get(platform.url("reporting") + "/entitlement", headers=LEAD,
                            params={"limit": 500})).json()
    assert _comparable(after) == _comparable(before)
    assert len(_comparable(before)) >= 1
    row = await entitlement(http, platform, ect_id)
    assert row is not None and row["sessions_held"] == 1


async def _has_session(http, platform, ect_id: str) -> bool:  # type: ignore[no-untyped-def]
    row = await entitlement(http, platform, ect_id)
    return bool(row and row["sessions_held"] == 1)


def _comparable(page: dict) -> list:  # type: ignore[type-arg]
    """The rows, without the moment each was last computed."""
    items = page["items"] if isinstance(page, dict) and "items" in page else page
    return sorted(({k: v for k, v in row.items() if k not in ("updated_at", "computed_at")}
                   for row in items), key=lambda row: str(row.get("ect_id")))
