"""reporting's own event-sourced use cases (term reports). Synchronous: call via to_thread."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from ect_platform.outbox import register_transcodings
from reporting.domain.errors import TermReportAlreadySubmittedError
from reporting.domain.provenance import Provenance
from reporting.domain.term_report import TermReport, report_id


class ReportingApplication(Application):
    name = "reporting"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder, Provenance)

    def submit_term_report(
        self, ect_id: UUID, *, kind: str, term_number: int, on_track: bool, evidence_summary: str,
        targets: str, submitted_on: date, appropriate_body_id: str | None,
        recommendation: str | None, provenance: Provenance,
    ) -> UUID:
        if self.recorder.select_events(report_id(ect_id, kind, term_number), limit=1):
            raise TermReportAlreadySubmittedError(kind, term_number)
        report = TermReport.submit(
            ect_id=ect_id, kind=kind, term_number=term_number, on_track=on_track,
            evidence_summary=evidence_summary, targets=targets, submitted_on=submitted_on,
            appropriate_body_id=appropriate_body_id, recommendation=recommendation,
            provenance=provenance,
        )
        try:
            self.save(report)
        except IntegrityError:  # a concurrent submission of the same report won
            raise TermReportAlreadySubmittedError(kind, term_number) from None
        return report.id
