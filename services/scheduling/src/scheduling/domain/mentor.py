"""A mentor: an experienced teacher who coaches ECTs at their own school."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from scheduling.domain.provenance import Provenance


class Mentor(Aggregate):
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
