"""A person's erasure (``PersonalDataErased``), folded in the consumer's inbox transaction.

Scheduling publishes the event once the person's data key is destroyed, so no event about
them opens again; what this service copied in clear while the key existed is dropped here:

- an ECT: the name and TRN in their folded ``induction`` state read ``ERASED`` (the facts the
  clock reads stay, so a refold, which opens their events as erased, folds the same state);
- a mentor: their name in ``mentor`` and in the states of the ECTs they coach;
- the subject and body of every notification about them or addressed to them (rule, status,
  times and attempts stay); those not yet sent are suppressed, having nothing left to say;
- their contact details, through the recipient erasure of ``DELETE /recipients/{id}``.

Nothing is said about or to them afterwards (``InductionState.erased``, ``.contacts``). An
erasure of someone this service never heard of changes nothing.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from contracts.scheduling.privacy import ErasedSubject, PersonalDataErased
from contracts.sealed import ERASED
from notifications import recipients


async def apply(conn: asyncpg.Connection, erased: PersonalDataErased) -> None:
    if erased.subject is ErasedSubject.ECT:
        await _ect(conn, erased.subject_id)
    else:
        await _mentor(conn, erased.subject_id)
    # the person's own recipient: their ECT or mentor id, as their token's sub
    await recipients.erase(conn, str(erased.subject_id))


async def _ect(conn: asyncpg.Connection, ect_id: UUID) -> None:
    # The state first: its row lock waits for a scheduler evaluating this ECT, so the
    # notifications it records are committed, and blanked below, before this goes on.
    await conn.execute(
        "UPDATE induction SET state = state || jsonb_build_object('name', $2::text, 'trn', $2::text), "
        "version = version + 1 WHERE ect_id = $1", ect_id, ERASED)
    await _silence(conn, "ect_id = $1 OR recipient_id = $2", ect_id, str(ect_id))


async def _mentor(conn: asyncpg.Connection, mentor_id: UUID) -> None:
    name = await conn.fetchval("SELECT name FROM mentor WHERE mentor_id = $1 FOR UPDATE", mentor_id)
    await conn.execute(
        "UPDATE induction SET state = jsonb_set(state, '{mentor_name}', to_jsonb($2::text)), "
        "version = version + 1 WHERE state->>'mentor_id' = $1", str(mentor_id), ERASED)
    await conn.execute("UPDATE mentor SET name = $2 WHERE mentor_id = $1", mentor_id, ERASED)
    await _silence(conn, "recipient_id = $1", str(mentor_id))
    if name and name != ERASED:
        # messages to others (the tutor, the hub lead) may name their ECT's mentor
        for column in ("subject", "body"):
            await conn.execute(
                f"UPDATE notification SET {column} = replace({column}, $1, $2) "  # noqa: S608
                f"WHERE strpos({column}, $1) > 0", name, ERASED)


async def _silence(conn: asyncpg.Connection, which: str, *args: object) -> None:
    """The notifications ``which`` picks: blanked, and suppressed if not yet handed to a channel
    (one being sent is left to the delivery worker, which records its outcome without quoting
    an erased recipient). ``which`` is a constant condition over ``args``."""
    await conn.execute("UPDATE notification SET status = 'suppressed' "  # noqa: S608
                       f"WHERE status = 'pending' AND ({which})", *args)
    erased = f"${len(args) + 1}"
    await conn.execute(f"UPDATE notification SET subject = {erased}, body = {erased} "  # noqa: S608
                       f"WHERE {which}", *args, ERASED)
