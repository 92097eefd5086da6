"""Signed checkpoints of each chained log's head, kept outside PostgreSQL.

The keyed chain (``ect_platform.chain``) stops anyone without the key from rewriting a
record and its successors, but a shorter log is still a whole chain: deleting the newest
records leaves nothing broken. So each service, every ``CHAIN_CHECKPOINT_SECONDS``, appends
its logs' head (place and hash) to a file of its own in ``CHAIN_CHECKPOINT_DIR``, each line
signed with the chain key; ``ect audit verify`` then requires the chain to pass through
every checkpoint. Point the directory at storage the database's administrators cannot
rewrite (another host, a write-once bucket mounted as a directory): the anchor is only as
far from the database as that.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from ect_platform import chain
from ect_platform.chain import ChainKey, Log
from ect_platform.runtime import Loop

log = logging.getLogger(__name__)


class CheckpointError(RuntimeError):
    """A checkpoint file was altered (a line not signed with the chain key)."""


@dataclass(frozen=True)
class Checkpoint:
    log: str  # schema.table
    place: int
    head: str  # the chain hash at ``place``, hex
    taken_at: str  # ISO 8601, UTC
    signature: str = ""

    def signed_text(self) -> str:
        return f"{self.log}|{self.place}|{self.head}|{self.taken_at}"


class CheckpointBook:
    """One append-only file per log: ``<dir>/<schema>.<table>.checkpoints.jsonl``."""

    def __init__(self, directory: Path, key: ChainKey) -> None:
        self.directory = directory
        self._key = key
        # the newest checkpoint per log, once read or written: the keeper asks every round,
        # and the file grows by a line each time the head moves
        self._latest: dict[str, Checkpoint] = {}

    def path(self, log_name: str) -> Path:
        return self.directory / f"{log_name}.checkpoints.jsonl"

    def record(self, log_name: str, place: int, head: bytes, at: datetime) -> Checkpoint:
        unsigned = Checkpoint(log_name, place, head.hex(), at.astimezone(UTC).isoformat())
        checkpoint = Checkpoint(**{**asdict(unsigned),
                                   "signature": self._key.sign(unsigned.signed_text())})
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(checkpoint), sort_keys=True) + "\n"
        # one write of one line in append mode, flushed to disk before it counts
        fd = os.open(self.path(log_name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        self._latest[log_name] = checkpoint
        return checkpoint

    def read(self, log_name: str) -> list[Checkpoint]:
        path = self.path(log_name)
        if not path.exists():
            return []
        checkpoints = []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            try:
                checkpoint = Checkpoint(**json.loads(line))
            except (ValueError, TypeError) as exc:
                raise CheckpointError(f"{path} line {number} is not a checkpoint") from exc
            if checkpoint.log != log_name or not _same(
                    self._key.sign(checkpoint.signed_text()), checkpoint.signature):
                raise CheckpointError(f"{path} line {number} is not signed with the chain key: "
                                      "the checkpoint file was altered")
            checkpoints.append(checkpoint)
        return checkpoints

    def anchors(self, log_name: str) -> list[tuple[int, bytes, str]]:
        """What ``chain.verify`` checks the chain against: (place, hash, when)."""
        return [(c.place, bytes.fromhex(c.head), c.taken_at) for c in self.read(log_name)]

    def latest(self, log_name: str) -> Checkpoint | None:
        if log_name not in self._latest:
            checkpoints = self.read(log_name)
            if not checkpoints:
                return None
            self._latest[log_name] = checkpoints[-1]
        return self._latest[log_name]


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a, b)


async def take(pool: asyncpg.Pool, logs: Sequence[Log], book: CheckpointBook,
               now: datetime | None = None) -> list[Checkpoint]:
    """Checkpoint every log whose head moved since its last checkpoint."""
    taken = []
    async with pool.acquire() as conn:
        for chained in logs:
            newest = await chain.head(conn, chained)
            if newest is None:
                continue
            place, digest = newest
            last = book.latest(chained.name)
            if last is not None and last.place == place and last.head == digest.hex():
                continue
            taken.append(book.record(chained.name, place, digest, now or datetime.now(UTC)))
    return taken


def keeper(pool: asyncpg.Pool, logs: Sequence[Log], book: CheckpointBook, every: float) -> Loop:
    """A background loop: a checkpoint now, every ``every`` seconds, and one at shutdown. A
    round that fails (the database away, the disk full) is logged and tried again."""

    async def keep_checkpoints(stop: asyncio.Event) -> None:
        while True:
            try:
                await take(pool, logs, book)
            except (OSError, asyncpg.PostgresError, CheckpointError) as exc:
                log.error("could not checkpoint the chained logs: %s", exc)
            if stop.is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    return keep_checkpoints


def keepers(directory: Path | None, key: ChainKey, pool: asyncpg.Pool, logs: Sequence[Log],
            every: float) -> list[Loop]:
    """The checkpoint loop a service runs beside its relay: none without CHAIN_CHECKPOINT_DIR
    (said once at start-up, since the chain's newest records are then unanchored)."""
    if directory is None:
        log.warning("CHAIN_CHECKPOINT_DIR is not set: %s are not checkpointed, so removing their "
                    "newest records would go unnoticed", ", ".join(c.name for c in logs))
        return []
    return [keeper(pool, logs, CheckpointBook(directory, key), every)]
