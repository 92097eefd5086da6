"""The consumer's batches arrive sealed: personal fields travel in each envelope's ``sealed``
box, under the key of the person they are about (``contracts.sealed``). They are opened here,
one key look-up per batch, just before the batch is folded inside the inbox transaction, so
what is opened lives only as long as the fold and the messages it writes; nothing stores the
opened envelope. A person erased reads as erased (``contracts.sealed.ERASED``), and so does
a refold after their erasure: the key is gone for good.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg

from contracts import EventEnvelope
from contracts.scheduling.privacy import PersonalDataErased
from ect_platform.inbox import Apply, ProjectionConsumer
from ect_platform.sealing import EnvelopeSealer


class SealedConsumer(ProjectionConsumer):
    def __init__(self, pool: asyncpg.Pool, apply: Apply, name: str, sealer: EnvelopeSealer,
                 **kwargs: Any) -> None:
        super().__init__(pool, apply, name, **kwargs)
        self.sealer = sealer

    async def apply_new(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        # An erasure in this batch: its key, if remembered from an earlier batch, must not open
        # the events that follow it (the key store keeps a key for a second).
        self.sealer.forget(e.payload.subject_id for e in envelopes
                           if isinstance(e.payload, PersonalDataErased))
        # the key store is synchronous (psycopg): off the event loop
        opened = await asyncio.to_thread(self.sealer.open_all, envelopes) if envelopes else []
        await super().apply_new(conn, opened)
