"""An ECT whose recompute keeps failing is quarantined; the others, and the partition, go on."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.integration.test_reporting_harness import AUDITOR, LEAD, Hub, open_hub
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


async def test_one_ects_failing_recompute_is_quarantined_and_the_others_are_projected(hub: Hub):
    good = hub.register()
    bad = hub.register(trn="7654329", name="Grace Kelly")
    await hub.deliver()  # both projected while the code is sound
    compute = hub.projections._compute_many

    async def with_a_bug(conn: Any, ect_ids: Any, *args: Any, **kwargs: Any) -> Any:
        if bad in ect_ids:
            raise ZeroDivisionError("a bug this ECT's facts bring out")
        return await compute(conn, ect_ids, *args, **kwargs)

    hub.projections._compute_many = with_a_bug  # type: ignore[method-assign]
    hub.on(date(2025, 9, 10))
    hub.sessions(good, [date(2025, 9, 8)])
    hub.sessions(bad, [date(2025, 9, 8)])
    await hub.deliver()  # the consumer neither raises (redelivery for ever) nor stalls
    assert (await hub.entitlement(good))["sessions_held"] == 1
    quarantine = await hub.get("/projection-quarantine", AUDITOR)
    [held] = quarantine["items"]
    assert (held["ect_id"], held["name"]) == (str(bad), "Grace Kelly")
    assert "ZeroDivisionError: a bug this ECT's facts bring out" in held["error"]
    assert (await hub.http.get("/projection-quarantine", headers=LEAD)).status_code == 200

    # fixed: the next fact about it recomputes it and takes it out of quarantine
    hub.projections._compute_many = compute  # type: ignore[method-assign]
    hub.sessions(bad, [date(2025, 9, 9)])
    await hub.deliver()
    assert (await hub.get("/projection-quarantine", AUDITOR))["items"] == []
    assert (await hub.entitlement(bad))["sessions_held"] == 2
