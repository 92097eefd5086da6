"""Erasing a person for good (UK GDPR Art. 17), and the retention schedule that does it on time.

An erasure destroys the person's data key first (``ect_platform.keystore``): from that moment
nothing of theirs can be read anywhere, not in this store, on the topics, in any service's
tables or in a backup, and nothing new of theirs is stored or published in clear. Then their
record (the ECT's induction, or the mentor) records ``PersonalDataErased``, which the relay
publishes so every service drops what it holds of them in clear. Done in that order, a failure
in between leaves the person erased but unrecorded, and asking again records it; the other
order could publish the erasure while their key still opened their data.

The induction's records are kept at least 6 years after it closed (statutory guidance 2.77,
``statutory.retention``): inside that time an erasure is refused unless forced with the legal
reason that overrides it (a court order, say), recorded in the event. A mentor's records have
no statutory period. The schedule (``due``, ``apply_schedule``) finds the inductions whose
period has run and erases them, with a dry run that only lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic

from scheduling.application import SchedulingApplication, allow_all
from scheduling.concurrency import retrying
from scheduling.domain.errors import (
    LegalBasisRequiredError,
    RetentionPeriodRunningError,
    SchedulingError,
)
from scheduling.domain.induction import Induction
from scheduling.domain.mentor import MentorTrnIndex
from scheduling.domain.mentor import index_id as mentor_index_id
from scheduling.domain.provenance import Provenance
from statutory.retention import kept_until, retention_runs


class PersonNotFoundError(SchedulingError):
    def __init__(self, trn: str) -> None:
        super().__init__(f"no ECT or mentor is registered with TRN {trn}")


@dataclass(frozen=True)
class Erased:
    """One record erased (a person may be both an ECT and a mentor): no personal data in it."""

    subject: Literal["ect", "mentor"]
    record_id: UUID
    retained_until: date | None  # the retention period the erasure was forced inside, if any
    already: bool  # erased before this request: nothing was done


@dataclass(frozen=True)
class Due:
    """An induction whose records have been kept as long as the schedule says (2.77)."""

    ect_id: UUID
    name: str
    trn: str
    closed_on: date
    kept_until: date


class Erasures:
    def __init__(self, app: SchedulingApplication, years: int = 6) -> None:
        self.app = app
        self.years = years

    def erase(self, trn: str, *, reason: str, provenance: Provenance, force: bool = False,
              legal_basis: str | None = None) -> list[Erased]:
        """Erase whoever has this TRN, as an ECT and as a mentor; refused inside the retention
        period unless ``force`` with a ``legal_basis``. Asking again changes nothing."""
        ect_id, mentor_id = self.app.ect_id_for(trn), self._mentor_id_for(trn)
        if ect_id is None and mentor_id is None:
            raise PersonNotFoundError(trn)
        done: list[Erased] = []
        if ect_id is not None:
            done.append(self._erase_ect(ect_id, trn, reason=reason, provenance=provenance,
                                        force=force, legal_basis=legal_basis))
        if mentor_id is not None:
            done.append(self._erase_mentor(mentor_id, reason=reason, provenance=provenance))
        return done

    def due(self, as_of: date) -> list[Due]:
        """Every induction whose records may go on ``as_of``, not yet erased (the dry run)."""
        found = []
        for ect_id in self._ect_ids():
            ect = self.app.get_induction(ect_id)
            closed = ect.closed_on
            if ect.erased or closed is None or retention_runs(closed, as_of, self.years):
                continue
            found.append(Due(ect_id, ect.name, ect.trn, closed, kept_until(closed, self.years)))
        return found

    def apply_schedule(self, as_of: date, provenance: Provenance) -> list[tuple[Due, Erased]]:
        """Erase every induction ``due`` lists."""
        return [(due, self._erase_ect(
            due.ect_id, due.trn, provenance=provenance, force=False, legal_basis=None, as_of=as_of,
            reason=f"retention schedule: kept until {due.kept_until}, {self.years} years after the "
                   "induction closed (statutory guidance 2.77)"))
            for due in self.due(as_of)]

    def _erase_ect(self, ect_id: UUID, trn: str, *, reason: str, provenance: Provenance,
                   force: bool, legal_basis: str | None, as_of: date | None = None) -> Erased:
        ect = self.app.get_induction(ect_id)
        if ect.erased:
            return Erased("ect", ect_id, None, already=True)
        closed = ect.closed_on
        running = retention_runs(closed, as_of or self.app.today(), self.years)
        until = kept_until(closed, self.years) if closed else None
        if running and not force:
            kept = f"until {until}" if until else "while the induction is open"
            raise RetentionPeriodRunningError(
                f"{ect.name}'s induction records (TRN {trn}) must be kept {kept} (statutory "
                "guidance 2.77: assessment reports at least 6 years after the induction); to "
                "erase them before that, force it and give the legal reason that requires it")
        if running and not (legal_basis and legal_basis.strip()):
            raise LegalBasisRequiredError(
                f"erasing {ect.name} (TRN {trn}) inside the retention period needs the legal "
                "reason it rests on (legal_basis), which is recorded with the erasure")
        self.app.keystore.erase(ect_id)  # first: see the module's docstring
        self.app.change_ect(ect_id, allow_all, lambda record: record.erase_personal_data(
            reason=reason, retained_until=until if running else None,
            legal_basis=legal_basis if running else None, provenance=provenance))
        return Erased("ect", ect_id, until if running else None, already=False)

    def _erase_mentor(self, mentor_id: UUID, *, reason: str, provenance: Provenance) -> Erased:
        if self.app.get_mentor(mentor_id).erased:
            return Erased("mentor", mentor_id, None, already=True)
        self.app.keystore.erase(mentor_id)

        def command() -> bool:
            mentor = self.app.get_mentor(mentor_id)
            changed = mentor.erase_personal_data(reason=reason, provenance=provenance)
            self.app.save(mentor)
            return changed

        retrying(command)
        return Erased("mentor", mentor_id, None, already=False)

    def _mentor_id_for(self, trn: str) -> UUID | None:
        try:
            index: MentorTrnIndex = self.app.repository.get(mentor_index_id(trn))
        except AggregateNotFoundError:
            return None
        return index.mentor_id

    def _ect_ids(self) -> list[UUID]:
        """Every ECT ever registered, from the store's log (their registrations alone)."""
        topic = get_topic(Induction.EctRegistered)  # type: ignore[attr-defined]
        found: list[UUID] = []
        start, page = 1, 1000
        while True:
            rows = self.app.recorder.select_notifications(start=start, limit=page, topics=[topic])
            found.extend(row.originator_id for row in rows)  # type: ignore[misc]
            if len(rows) < page:
                return found
            start = rows[-1].id + 1
