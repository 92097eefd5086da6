"""The relay's own read of scheduling's log on real PostgreSQL equals eventsourcing's read."""

from __future__ import annotations

import pytest

from contracts import encode
from ect_platform.integration_events import _log_page, notification_reader
from ect_platform.relay import Outgoing
from ect_platform.sealing import EnvelopeSealer
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
    assert any(e is None for _, e in envelopes), "private entries (TRN indexes) are in the log"
    read = notification_reader(app, to_integration_event)
    sealer = EnvelopeSealer(app.keystore)

    def opened(entries: list[Outgoing]) -> list[tuple[int, object]]:
        # published sealed (a fresh nonce each time): the same events once opened
        return [(o.position, sealer.open(o.envelope) if o.envelope else None) for o in entries]

    page = list(read(0, 1000))
    assert opened(page) == envelopes
    assert all(o.value == (encode(o.envelope) if o.envelope else None) for o in page)
    assert all(b"sealed" in o.value for o in page if o.envelope and o.envelope.sealed)
    assert opened(list(read(3, 5))) == envelopes[3:8]
    assert read(envelopes[-1][0], 10) == []
