"""A mentor: an experienced teacher who coaches ECTs at their own school."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from scheduling.domain.provenance import Provenance

ERASED = "(erased)"  # how an erased mentor's name and TRN read


class Mentor(Aggregate):
    erased = False  # until the mentor's personal data is erased

    @event("MentorRegistered")
    def __init__(
        self,
        *,
        trn: str,
        name: str,
        school_id: str,
        subject: str | None,
        phase: str,
        years_teaching: int,
        provenance: Provenance,
    ) -> None:
        self.trn = trn
        self.name = name
        self.school_id = school_id
        self.subject = subject
        self.phase = phase
        self.years_teaching = years_teaching
        self.training: dict[UUID, tuple[str, date, bool]] = {}

    def record_training(self, training_id: UUID, kind: str, held_on: date, attended: bool,
                        provenance: Provenance) -> bool:
        """Conferences, clinics and coaching-for-mentors sessions, attended or missed."""
        if training_id in self.training:
            return False
        self._training_attended(training_id=training_id, kind=kind, held_on=held_on,
                                attended=attended, provenance=provenance)
        return True

    @event("MentorTrainingAttended")
    def _training_attended(self, training_id: UUID, kind: str, held_on: date, attended: bool,
                           provenance: Provenance) -> None:
        self.training[training_id] = (kind, held_on, attended)

    def erase_personal_data(self, *, reason: str, provenance: Provenance) -> bool:
        """Record that the mentor's data key was destroyed; False when it already was."""
        if self.erased:
            return False
        self._personal_data_erased(reason=reason, retained_until=None, legal_basis=None,
                                   provenance=provenance)
        return True

    @event("PersonalDataErased")
    def _personal_data_erased(self, reason: str, retained_until: date | None,
                              legal_basis: str | None, provenance: Provenance) -> None:
        self.erased = True
        self.trn, self.name = ERASED, ERASED  # a copy kept in memory forgets them as it catches up

    def training_progress(self) -> dict[str, dict[str, int]]:
        """Attended and missed, per kind of training."""
        progress: dict[str, dict[str, int]] = {}
        for kind, _, attended in self.training.values():
            tally = progress.setdefault(kind, {"attended": 0, "missed": 0})
            tally["attended" if attended else "missed"] += 1
        return progress


class MentorTrnIndex(Aggregate):
    """Private: makes a TRN unique among mentors (its id is derived from the TRN)."""

    @staticmethod
    def create_id(trn: str) -> UUID:
        return index_id(trn)

    @event("Indexed")
    def __init__(self, *, trn: str, mentor_id: UUID) -> None:
        self.mentor_id = mentor_id


def index_id(trn: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:mentor-trn:{trn}")
