"""reporting's domain events -> public integration events (contracts v1)."""

from __future__ import annotations

from typing import Any

from contracts.reporting import v1
from ect_platform.outbox import Translation, Translator
from reporting.domain.term_report import TermReport

SOURCE = "reporting"


def _term_report_submitted(e: Any) -> Translation:
    payload = v1.TermReportSubmitted(
        report_id=e.originator_id, kind=v1.TermReportKind(e.kind), term_number=e.term_number,
        on_track=e.on_track, evidence_summary=e.evidence_summary, targets=e.targets,
        submitted_on=e.submitted_on, appropriate_body_id=e.appropriate_body_id,
        recommendation=v1.Recommendation(e.recommendation) if e.recommendation else None,
    )
    return Translation(payload, e.submitted_on, e.ect_id)


to_integration_event = Translator(
    SOURCE, {TermReport.TermReportSubmitted: _term_report_submitted},  # type: ignore[attr-defined]
)
