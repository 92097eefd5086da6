"""The relay's own read of scheduling's log on real PostgreSQL equals eventsourcing's read."""

from __future__ import annotations

import pytest

from contracts import encode
from ect_platform.integration_events import _log_page, notification_reader
from ect_platform.relay import Outgoing
from scheduling.integration.outbound import to_integration_event
from tests.integration.test_relay import record_programme, scheduling  # noqa: F401 (fixture)

pytestmark = pytest.mark.integration


async def test_the_relays_page_of_the_log_is_eventsourcings_page_translated(scheduling):  # noqa: F811
    record_programme(scheduling, "1000051", sessions=4)
    record_programme(scheduling, "1000061", sessions=2)
    app = scheduling.app
    assert _log_page(app).__name__ == "postgres_page", "the direct read is the one under test"
    stored = app.recorder.select_notifications(start=1, limit=1000)
    envelopes = [(n.id, to_integration_event(app.mapper.to_domain_event(n))) for n in stored]
    expected = [Outgoing(position, e, encode(e) if e else None) for position, e in envelopes]
    assert any(o.envelope is None for o in expected), "private entries (TRN indexes) are in the log"
    read = notification_reader(app, to_integration_event)
    assert read(0, 1000) == expected
    assert read(3, 5) == expected[3:8]
    assert read(expected[-1].position, 10) == []
