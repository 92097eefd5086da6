"""Facts scheduling learns from other services' topics: the AB's decisions, from reporting.

The outcome (which closes the induction and refuses a second claim), the extensions
(3.8) and reductions (3.2-3.4) the clock lengthens or shortens the induction by, and the
TRA's decision on an appeal (regulation 14): allowed or extended reopens the record, extended
also lengthens the induction. Each fact
becomes a command on the ECT's aggregate, which makes it idempotent (a redelivered decision
changes nothing), so offsets can be committed after the command and a crash in between only
means redelivery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from aiokafka.structs import ConsumerRecord

from contracts import EventEnvelope
from contracts.reporting.v1 import (
    AppealDecided,
    InductionExtended,
    InductionOutcomeRecorded,
    InductionReduced,
)
from contracts.sealed import sealed_version
from ect_platform.dead_letters import DeadLetters
from ect_platform.inbox import decode_all, not_known
from ect_platform.sealing import EnvelopeSealer
from scheduling.application import SchedulingApplication
from scheduling.domain.errors import EctNotFoundError
from scheduling.domain.provenance import Provenance

log = logging.getLogger(__name__)

LEARNT = (InductionOutcomeRecorded, InductionExtended, InductionReduced, AppealDecided)
# each as first published and as published now, with its personal fields sealed (v2)
_LEARNT_CONTRACTS = frozenset((c.event_type, v) for c in LEARNT
                              for v in (c.event_version, sealed_version(c).event_version))


def _learnt(event_type: str, event_version: int) -> bool:
    return (event_type, event_version) in _LEARNT_CONTRACTS


class InboundFacts:
    name = "scheduling.inbound"

    def __init__(self, app: SchedulingApplication, dead_letters: DeadLetters | None = None) -> None:
        self._app = app
        self._sealer = EnvelopeSealer(app.keystore)
        self._dead_letters = dead_letters
        self.applied = 0
        self.parked = 0  # malformed messages and events of a contract this build does not know

    @property
    def dead_letters(self) -> DeadLetters | None:
        """Where it parks what it gives up on (its ``parked`` count is a metric)."""
        return self._dead_letters

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        # the rest of reporting's topic is passed over by its CloudEvents type, undecoded
        readable, malformed, unknown = decode_all(records, wanted=_learnt)
        for record, why in malformed:
            await self._park(record, f"not a valid integration event: {why}")
        for record, unread in unknown:
            await self._park(record, not_known(unread))
        # as the clear contract classes it knows (it reads none of their personal fields)
        opened = await asyncio.to_thread(self._sealer.open_all, [e for _, e in readable])
        for envelope in opened:
            if not isinstance(envelope.payload, LEARNT) or envelope.ect_id is None:
                continue
            try:
                await asyncio.to_thread(self._apply, envelope.ect_id, envelope)
            except EctNotFoundError:
                # reporting only decides on ECTs it learnt from scheduling; an unknown one is a
                # different environment's event on a shared topic, not something to retry
                log.error("%s: %s for unknown ECT %s ignored", self.name, envelope.event_type,
                          envelope.ect_id)
                continue
            self.applied += 1

    async def _park(self, record: ConsumerRecord[Any, Any], why: str) -> None:
        """A message this consumer cannot read is kept on the dead-letter topic, never dropped."""
        self.parked += 1
        if self._dead_letters is None:
            log.error("%s: %s[%d]@%d: %s; no dead-letter topic, so skipped", self.name, record.topic,
                      record.partition, record.offset, why)
            return
        await self._dead_letters.park(record, self.name, why)

    def _apply(self, ect_id: UUID, envelope: EventEnvelope[Any]) -> None:
        payload = envelope.payload
        provenance = Provenance(envelope.actor.id, envelope.actor.role.value,
                                envelope.correlation_id, causation_id=envelope.event_id)
        if isinstance(payload, InductionOutcomeRecorded):
            self._app.record_outcome(ect_id, outcome=payload.outcome.value,
                                     decided_on=payload.decided_on, provenance=provenance)
        elif isinstance(payload, InductionExtended):
            # the event id names the decision: reporting's relay derives it, so it is stable
            self._app.record_extension(ect_id, decision_id=envelope.event_id,
                                       extension_terms=payload.extension_terms,
                                       decided_on=payload.decided_on, provenance=provenance)
        elif isinstance(payload, AppealDecided):
            self._app.learn_appeal_outcome(ect_id, decision_id=envelope.event_id,
                                           appeal_outcome=payload.appeal_outcome.value,
                                           decided_on=payload.decided_on,
                                           extension_terms=payload.extension_terms,
                                           provenance=provenance)
        else:
            self._app.record_reduction(ect_id, decision_id=envelope.event_id,
                                       reduction_terms=payload.reduction_terms,
                                       decided_on=payload.decided_on, provenance=provenance)
