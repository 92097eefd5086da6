"""reporting's own event-sourced use cases: term reports, support plans, outcomes.

Synchronous (the eventsourcing store is): call via ``asyncio.to_thread``. What the rules
need to know about the ECT (their AB, mentor, whether an assessment is the final one, when
the final recommendation arrived) comes from the caller, which reads reporting's projection
of scheduling's events; the aggregates decide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper

from ect_platform.integration_events import register_transcodings
from ect_platform.keystore import Keystore, MemoryKeystore
from ect_platform.sealing import SealingMapper
from reporting.domain.errors import (
    TermReportAlreadyDraftedError,
    TermReportAlreadySubmittedError,
    TermReportNotFoundError,
)
from reporting.domain.outcome import InductionDecision, decision_id
from reporting.domain.provenance import Provenance
from reporting.domain.support_plan import SupportPlan, plan_id
from reporting.domain.term_report import KINDS, TermReport, report_id
from reporting.domain.term_report_draft import TermReportDraft, draft_id
from reporting.personal_data import PERSONAL

MAX_TERM = 18  # the highest induction term a report may cover (as the request bodies check)

LONDON = ZoneInfo("Europe/London")


def today_in_england() -> date:
    return datetime.now(LONDON).date()


class ReportingApplication(Application):
    name = "reporting"

    def __init__(self, env: dict[str, str] | None = None,
                 clock: Callable[[], date] = today_in_england,
                 keystore: Keystore | None = None) -> None:
        # before the store is built: its mapper seals personal data with these keys
        self.keystore: Keystore = keystore or MemoryKeystore()
        super().__init__(env)
        self.today = clock

    def construct_mapper(self) -> Mapper[UUID]:
        """eventsourcing's mapper, sealing each person's personal data with their own key."""
        return SealingMapper(self.construct_transcoder(), self.keystore, PERSONAL)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder, Provenance)

    def submit_term_report(
        self, ect_id: UUID, *, kind: str, term_number: int, on_track: bool, evidence_summary: str,
        targets: str, submitted_on: date, appropriate_body_id: str | None,
        recommendation: str | None, provenance: Provenance, **details: Any,
    ) -> UUID:
        """``details``: final, final_term_starts, mentor_id, assessor_id, assessor_role,
        ect_comments, assessment_meeting_on, sign_offs (see ``TermReport.submit``)."""
        if self.recorder.select_events(report_id(ect_id, kind, term_number), limit=1):
            raise TermReportAlreadySubmittedError(kind, term_number)
        if self._exists(draft_id(report_id(ect_id, kind, term_number))):
            raise TermReportAlreadyDraftedError(kind, term_number)
        report = TermReport.submit(
            ect_id=ect_id, kind=kind, term_number=term_number, on_track=on_track,
            evidence_summary=evidence_summary, targets=targets, submitted_on=submitted_on,
            appropriate_body_id=appropriate_body_id, recommendation=recommendation,
            provenance=provenance, today=self.today(), **details,
        )
        try:
            self.save(report)
        except IntegrityError:  # a concurrent submission of the same report won
            raise TermReportAlreadySubmittedError(kind, term_number) from None
        return report.id

    # -- a report written and signed in steps (see domain.term_report_draft) ------------------------

    def draft_term_report(self, ect_id: UUID, *, kind: str, term_number: int, drafted_on: date,
                          provenance: Provenance, **content: Any) -> UUID:
        """The report's id (the draft's derives from it). ``content``: see ``TermReportDraft.start``,
        with mentor_id and final."""
        report = report_id(ect_id, kind, term_number)
        if self._exists(report):
            raise TermReportAlreadySubmittedError(kind, term_number)
        if self._exists(draft_id(report)):
            raise TermReportAlreadyDraftedError(kind, term_number)
        draft = TermReportDraft.start(report_id=report, ect_id=ect_id, kind=kind, term_number=term_number,
                                      drafted_on=drafted_on, today=self.today(), provenance=provenance,
                                      **content)
        try:
            self.save(draft)
        except IntegrityError:  # a concurrent draft of the same report won
            raise TermReportAlreadyDraftedError(kind, term_number) from None
        return report

    def get_draft(self, report: UUID) -> TermReportDraft | None:
        try:
            found: TermReportDraft = self.repository.get(draft_id(report))
        except AggregateNotFoundError:
            return None
        return found

    def _draft(self, ect_id: UUID, report: UUID) -> TermReportDraft:
        draft = self.get_draft(report)
        if draft is None or draft.ect_id != ect_id:
            raise TermReportNotFoundError(report)
        return draft

    def correct_term_report(self, ect_id: UUID, report: UUID, *, corrected_on: date,
                            provenance: Provenance, **content: Any) -> str:
        """Answers whose step it is now (the ECT's: a correction takes the signatures off)."""
        draft = self._draft(ect_id, report)
        draft.correct(corrected_on=corrected_on, today=self.today(), provenance=provenance, **content)
        self.save(draft)
        return draft.step

    def sign_term_report(self, ect_id: UUID, report: UUID, *, as_role: str, name: str,
                         signed_on: date, provenance: Provenance, comments: str | None = None) -> str:
        """``as_role``: ect or headteacher. Answers whose step it is now."""
        draft = self._draft(ect_id, report)
        if as_role == "ect":
            draft.sign_as_ect(name=name, comments=comments, signed_on=signed_on, today=self.today(),
                              provenance=provenance)
        else:
            draft.sign_as_headteacher(name=name, signed_on=signed_on, today=self.today(),
                                      provenance=provenance)
        self.save(draft)
        return draft.step

    def submit_draft(self, ect_id: UUID, report: UUID, *, submitted_on: date, tutor_name: str,
                     appropriate_body_id: str | None, provenance: Provenance, **details: Any) -> UUID:
        """The draft goes to the AB: a ``TermReport`` (TermReportSubmitted) with its content, the
        ECT's comments and every signature, the tutor's with today's submission, in one save.
        ``details``: final, final_term_starts, mentor_id, interim_figures."""
        draft = self._draft(ect_id, report)
        draft.mark_submitted(submitted_on=submitted_on, provenance=provenance)
        tutor = {"role": "induction_tutor", "name": tutor_name, "signed_on": submitted_on,
                 "signed_by": provenance.actor_id}
        content = dict(draft.content)
        submitted = TermReport.submit(
            ect_id=ect_id, kind=draft.kind, term_number=draft.term_number,
            on_track=content.pop("on_track"), evidence_summary=content.pop("evidence_summary"),
            targets=content.pop("targets"), recommendation=content.pop("recommendation"),
            submitted_on=submitted_on, appropriate_body_id=appropriate_body_id, provenance=provenance,
            today=self.today(), ect_comments=draft.ect_comments,
            sign_offs=[tutor, *draft.signatures.values()], **content, **details)
        try:
            self.save(draft, submitted)
        except IntegrityError:
            raise TermReportAlreadySubmittedError(draft.kind, draft.term_number) from None
        return submitted.id

    def term_reports_of(self, ect_id: UUID) -> list[tuple[TermReport | None, TermReportDraft | None]]:
        """Every report on the ECT, submitted or in draft, as (report, its draft): the ids derive
        from the ECT, the kind and the term, so each is looked up rather than searched for."""
        found = []
        for kind in KINDS:
            for term in range(1, MAX_TERM + 1):
                report = report_id(ect_id, kind, term)
                submitted = self.get_term_report(report) if self._exists(report) else None
                draft = self.get_draft(report) if self._exists(draft_id(report)) else None
                if submitted or draft:
                    found.append((submitted, draft))
        return found

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def get_term_report(self, report: UUID) -> TermReport:
        try:
            found: TermReport = self.repository.get(report)
        except AggregateNotFoundError:
            raise TermReportNotFoundError(report) from None
        return found

    def share_support_plan(
        self, ect_id: UUID, *, report: UUID | None, request_id: str | None, shared_on: date,
        summary: str, review_on: date | None, appropriate_body_id: str | None, provenance: Provenance,
    ) -> tuple[UUID, bool]:
        """(plan id, created). Sharing the same plan again answers its id and records nothing."""
        key = str(report) if report else (request_id or str(uuid4()))
        existing = plan_id(ect_id, key)
        if self.recorder.select_events(existing, limit=1):
            return existing, False
        reviewed = self.get_term_report(report) if report else None
        plan = SupportPlan.share(
            ect_id=ect_id, key=key, report=reviewed, shared_on=shared_on,
            summary=summary, review_on=review_on, appropriate_body_id=appropriate_body_id,
            provenance=provenance, today=self.today())
        try:
            self.save(plan)
        except IntegrityError:
            return plan.id, False
        return plan.id, True

    def _decision(self, ect_id: UUID, provenance: Provenance) -> InductionDecision:
        try:
            found: InductionDecision = self.repository.get(decision_id(ect_id))
        except AggregateNotFoundError:
            return InductionDecision.open(ect_id=ect_id, provenance=provenance)
        return found

    def record_outcome(self, ect_id: UUID, *, outcome: str, decided_on: date, appropriate_body_id: str,
                       terms_served: float | None, recommendation: str | None,
                       recommendation_received_on: date | None, provenance: Provenance,
                       **details: Any) -> UUID:
        """``details``: recommendation_term, final_term, reason (see ``InductionDecision``)."""
        decision = self._decision(ect_id, provenance)
        decision.record_outcome(
            outcome=outcome, decided_on=decided_on, appropriate_body_id=appropriate_body_id,
            terms_served=terms_served, recommendation=recommendation,
            recommendation_received_on=recommendation_received_on, today=self.today(),
            provenance=provenance, **details)
        self.save(decision)
        return decision.id

    def extend_induction(self, ect_id: UUID, *, extension_terms: Decimal, reason: str, decided_on: date,
                         appropriate_body_id: str, recommendation_received_on: date | None,
                         provenance: Provenance) -> UUID:
        decision = self._decision(ect_id, provenance)
        decision.extend(
            extension_terms=extension_terms, reason=reason, decided_on=decided_on,
            appropriate_body_id=appropriate_body_id,
            recommendation_received_on=recommendation_received_on, today=self.today(),
            provenance=provenance)
        self.save(decision)
        return decision.id

    def reduce_induction(self, ect_id: UUID, *, reduction_terms: Decimal, reason: str,
                         ect_consented_on: date, decided_on: date, appropriate_body_id: str,
                         terms_required: Decimal, provenance: Provenance) -> UUID:
        decision = self._decision(ect_id, provenance)
        decision.reduce(reduction_terms=reduction_terms, reason=reason, ect_consented_on=ect_consented_on,
                        decided_on=decided_on, appropriate_body_id=appropriate_body_id,
                        terms_required=terms_required, today=self.today(), provenance=provenance)
        self.save(decision)
        return decision.id

    # -- the steps around the decision (``reporting.domain.end_of_induction``) ----------------
    # Each answers the events it recorded, so the caller can answer with the record as the
    # command left it, before the projection has learnt them.

    def _step(self, ect_id: UUID, provenance: Provenance, step: Callable[[InductionDecision], None]
              ) -> list[Any]:
        decision = self._decision(ect_id, provenance)
        step(decision)
        recorded = list(decision.pending_events)
        self.save(decision)
        return recorded

    def make_representations(self, ect_id: UUID, *, provenance: Provenance, **details: Any) -> list[Any]:
        """``details``: received_on, summary, recorded_on_behalf, appropriate_body_id,
        recommendation, recommendation_received_on (see ``EndOfInduction``)."""
        return self._step(ect_id, provenance, lambda d: d.make_representations(
            representations_id=uuid4(), today=self.today(), provenance=provenance, **details))

    def record_notice(self, ect_id: UUID, *, provenance: Provenance, **details: Any) -> list[Any]:
        """``details``: recipients, given_on, method, appropriate_body_id."""
        return self._step(ect_id, provenance, lambda d: d.record_notice(
            notice_id=uuid4(), today=self.today(), provenance=provenance, **details))

    def lodge_appeal(self, ect_id: UUID, *, provenance: Provenance, **details: Any) -> list[Any]:
        """``details``: lodged_on, grounds, appropriate_body_id."""
        return self._step(ect_id, provenance, lambda d: d.lodge_appeal(
            appeal_id=uuid4(), today=self.today(), provenance=provenance, **details))

    def decide_appeal(self, ect_id: UUID, *, provenance: Provenance, **details: Any) -> list[Any]:
        """``details``: appeal_outcome, decided_on, appropriate_body_id, extension_terms, reason."""
        return self._step(ect_id, provenance, lambda d: d.decide_appeal(
            today=self.today(), provenance=provenance, **details))
