"""An eventsourcing PostgreSQL recorder whose concurrent writers share one transaction.

Every insert into a service's events table takes an EXCLUSIVE table lock (eventsourcing's
way of keeping notification ids in commit order, which the relay and the hash chain rely
on), so writers queue behind one another for as long as each holds the lock. Two changes
shorten and share that hold:

- **one round trip**: ``BEGIN; SET LOCAL lock_timeout; LOCK; NOTIFY; INSERT ... RETURNING;
  COMMIT`` go to the server in one pipeline, so the lock is held for the server's work and
  the commit's flush only, never while a client thread waits for the interpreter lock
  between two round trips (eventsourcing's own insert syncs after the INSERT and commits in
  a second round trip);
- **group commit**: while one transaction is in flight, the writers arriving behind it
  queue; the next one to go takes every queued writer's events into a single transaction
  (one lock, one WAL flush). Each writer still returns only after the transaction holding
  its events has committed, with its own notification ids, so "stored before answered"
  holds for each of them.

The table is hash-chained under a key the database never stores (``ect_platform.chain``):
every transaction that inserts hands the server the key for that transaction alone, right
after it takes the table lock, so both this recorder's path and eventsourcing's own carry it.

Optimistic concurrency is unchanged: a version already taken makes the INSERT fail on the
table's unique key. When a shared transaction fails that way, its writers are committed one
transaction each, so only the writers whose versions clash get ``IntegrityError`` (and the
application decides again on fresh state); the others are stored. A writer that saves no
events does not touch the database. Inserts that carry tracking records (process
applications) take eventsourcing's own path.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.pq import TransactionStatus
from psycopg.sql import SQL

from ect_platform.chain import ChainKey

TOPIC = f"{__name__}:GroupCommitRecorder"
"""Give this as eventsourcing's ``APPLICATION_RECORDER_TOPIC`` to use the recorder."""


class _Writer:
    """One caller's events waiting for a transaction; done once it committed or failed."""

    __slots__ = ("error", "events", "ids", "settled")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.ids: list[int] | None = None
        self.error: BaseException | None = None
        self.settled = False

    def settle(self, ids: list[int] | None = None, error: BaseException | None = None) -> None:
        self.ids, self.error, self.settled = ids, error, True


class GroupCommitRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: list[_Writer] = []
        self._in_flight = False
        self._turn = threading.Condition(threading.Lock())
        self.chain_key: ChainKey | None = None

    def seal_with(self, key: ChainKey) -> None:
        """The key this process's inserts are chained with (without it the trigger refuses)."""
        self.chain_key = key

    def _lock_table(self, curs: Any) -> None:
        super()._lock_table(curs)
        if self.chain_key is not None:
            curs.execute(SQL(ChainKey.SET_LOCAL), self.chain_key.set_local_parameters())

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        if any(value is not None for value in kwargs.values()) or self.datastore.enable_db_functions:
            return super().insert_events(stored_events, **kwargs)
        if not stored_events:
            return []  # nothing to store: no transaction, no table lock
        return self._insert_grouped(stored_events)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert_grouped(self, stored_events: Sequence[StoredEvent]) -> Sequence[int]:
        writer = _Writer(stored_events)
        with self._turn:
            self._queue.append(writer)
            while self._in_flight and not writer.settled:
                self._turn.wait()
            if not writer.settled:
                # Nobody is committing: this thread commits everything queued, its own included.
                self._in_flight = True
                group, self._queue = self._queue, []
        if not writer.settled:
            try:
                self._commit_group(group)
            finally:
                with self._turn:
                    self._in_flight = False
                    self._turn.notify_all()
        if writer.error is not None:
            raise writer.error
        assert writer.ids is not None
        return writer.ids

    def _commit_group(self, group: list[_Writer]) -> None:
        """Settles every writer of ``group``: its notification ids, or the error it gets."""
        try:
            try:
                ids = self._commit([event for writer in group for event in writer.events])
            except IntegrityError:
                if len(group) == 1:
                    raise
                # Someone's version was taken: find whose, one transaction per writer.
                for writer in group:
                    try:
                        writer.settle(ids=self._commit(writer.events))
                    except Exception as error:
                        writer.settle(error=error)
                return
            start = 0
            for writer in group:
                writer.settle(ids=ids[start:start + len(writer.events)])
                start += len(writer.events)
        except BaseException as error:
            for writer in group:
                if not writer.settled:
                    writer.settle(error=error)
            if not isinstance(error, Exception):
                raise

    def _commit(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        """One transaction, one round trip: the lock is held only while the server works."""
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic,
                                               e.state) for e in stored_events]
        failure: Exception | None = None
        with self.datastore.get_connection() as conn:
            try:
                with conn.pipeline() as pipeline, conn.cursor() as control, \
                        conn.cursor() as insert:
                    control.execute(SQL("BEGIN"))
                    self._lock_table(control)
                    self._notify_channel(control)
                    insert.execute(self.insert_events_statement, (rows,))
                    control.execute(SQL("COMMIT"))
                    try:
                        pipeline.sync()
                        ids = [row["notification_id"] for row in insert.fetchall()]
                    except Exception as error:  # raised after the pipeline is left (no warning)
                        failure = error
            finally:
                if conn.info.transaction_status in (TransactionStatus.INTRANS,
                                                    TransactionStatus.INERROR):
                    conn.execute("ROLLBACK")  # a failed statement left the transaction open
            if failure is not None:
                raise failure  # get_connection maps psycopg's errors to eventsourcing's
        if len(ids) != len(stored_events):
            raise psycopg.ProgrammingError(
                f"expected {len(stored_events)} notification ids, got {len(ids)}")
        return ids
