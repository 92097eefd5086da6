"""Facts scheduling learns from other services' topics (today: the AB's outcome from reporting).

Each fact becomes a command on the ECT's aggregate. The aggregate makes it idempotent (a
redelivered outcome changes nothing), so offsets can be committed after the command and a
crash in between only means redelivery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka.structs import ConsumerRecord

from contracts.reporting.v1 import InductionOutcomeRecorded
from ect_platform.inbox import decode_records
from scheduling.application import SchedulingApplication
from scheduling.domain.errors import EctNotFoundError
from scheduling.domain.provenance import Provenance

log = logging.getLogger(__name__)


class InboundFacts:
    name = "scheduling.inbound"

    def __init__(self, app: SchedulingApplication) -> None:
        self._app = app
        self.applied = 0

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        envelopes, _ = decode_records(records, self.name)
        for envelope in envelopes:
            payload = envelope.payload
            if not isinstance(payload, InductionOutcomeRecorded) or envelope.ect_id is None:
                continue
            provenance = Provenance(envelope.actor.id, envelope.actor.role.value,
                                    envelope.correlation_id, causation_id=envelope.event_id)
            try:
                await asyncio.to_thread(
                    self._app.record_outcome, envelope.ect_id, outcome=payload.outcome.value,
                    decided_on=payload.decided_on, provenance=provenance)
            except EctNotFoundError:
                # reporting only decides on ECTs it learnt from scheduling; an unknown one is a
                # different environment's event on a shared topic, not something to retry
                log.error("%s: outcome for unknown ECT %s ignored", self.name, envelope.ect_id)
                continue
            self.applied += 1
