"""A term report: a progress review, formal assessment or interim assessment of one ECT.

One report per ECT, kind and term: its id is derived from those, so a second submission
of the same report is refused rather than doubled.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from reporting.domain.errors import RecommendationNotAllowedError
from reporting.domain.provenance import Provenance

KINDS = ("progress_review", "formal_assessment", "interim_assessment")


class TermReport(Aggregate):
    @staticmethod
    def create_id(ect_id: UUID, kind: str, term_number: int) -> UUID:
        return report_id(ect_id, kind, term_number)

    @classmethod
    def submit(
        cls, *, ect_id: UUID, kind: str, term_number: int, on_track: bool, evidence_summary: str,
        targets: str, submitted_on: date, appropriate_body_id: str | None,
        recommendation: str | None, provenance: Provenance,
    ) -> TermReport:
        if kind not in KINDS:
            raise ValueError(f"unknown report kind {kind!r}")
        if recommendation is not None and kind != "formal_assessment":
            raise RecommendationNotAllowedError(
                f"a {kind.replace('_', ' ')} cannot recommend an outcome; only the final formal "
                "assessment does (statutory guidance 2.60)"
            )
        return cls(
            ect_id=ect_id, kind=kind, term_number=term_number, on_track=on_track,
            evidence_summary=evidence_summary, targets=targets, submitted_on=submitted_on,
            appropriate_body_id=appropriate_body_id, recommendation=recommendation,
            provenance=provenance,
        )

    @event("TermReportSubmitted")
    def __init__(
        self, *, ect_id: UUID, kind: str, term_number: int, on_track: bool, evidence_summary: str,
        targets: str, submitted_on: date, appropriate_body_id: str | None,
        recommendation: str | None, provenance: Provenance,
    ) -> None:
        self.ect_id = ect_id
        self.kind = kind
        self.term_number = term_number
        self.on_track = on_track
        self.submitted_on = submitted_on
        self.recommendation = recommendation


def report_id(ect_id: UUID, kind: str, term_number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:term-report:{ect_id}:{kind}:{term_number}")
