"""A term report while the school writes and signs it, before it reaches the appropriate body.

The steps, each an event with who and when: the induction tutor drafts the report (and may
correct it until it is submitted); the ECT adds their comments and signs; for an assessment
the headteacher signs what the ECT signed; the tutor submits it, which creates the
``TermReport`` the AB receives (``TermReportSubmitted``, as a one-step submission does).

- A correction takes the signatures off: a signature is on the text that was signed, and the
  corrected text has to be signed again.
- The headteacher signs assessments only, and after the ECT (a progress review needs the
  tutor's signature alone; guidance 2.55 names the headteacher for assessments).
- The tutor may submit before every signature is on: the report then goes with
  ``fully_signed: false`` and the AB chases it (2.74), as with a one-step submission.

The draft's id derives from the report's, so one report has one draft, and the report's id
(``/ects/{id}/term-reports/{report_id}``) names it from the draft to the AB.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from reporting.domain.errors import (
    DateNotAllowedError,
    ReportNotDraftError,
    SignatureNotAllowedError,
    SigningOrderError,
)
from reporting.domain.provenance import Provenance
from reporting.domain.term_report import _check
from statutory import signing

# the fields the tutor writes, and corrects
CONTENT = ("on_track", "evidence_summary", "targets", "recommendation", "assessor_id",
           "assessor_role", "assessment_meeting_on")


class TermReportDraft(Aggregate):
    @staticmethod
    def create_id(report_id: UUID) -> UUID:
        return draft_id(report_id)

    @classmethod
    def start(cls, *, report_id: UUID, ect_id: UUID, kind: str, term_number: int, drafted_on: date,
              today: date, provenance: Provenance, mentor_id: str | None = None,
              final: bool = False, headteacher_id: str | None = None,
              **content: Any) -> TermReportDraft:
        """``content``: on_track, evidence_summary, targets, recommendation, assessor_id,
        assessor_role, assessment_meeting_on. The statutory checks a submission makes are made
        now (the assessor is never the mentor, a recommendation only on the final assessment);
        the final term's start is checked again at submission. ``headteacher_id``: who is to
        sign an assessment (reminded while it waits for them); by default its assessor, when
        that is the headteacher."""
        content = _content(content, provenance)
        _check(kind, final, content["recommendation"], content["assessor_id"], content["assessor_role"],
               mentor_id, content["assessment_meeting_on"], drafted_on, today)
        if headteacher_id is None and content["assessor_role"] == signing.HEADTEACHER:
            headteacher_id = content["assessor_id"]
        if not signing.headteacher_signs(kind):
            headteacher_id = None
        return cls(report_id=report_id, ect_id=ect_id, kind=kind, term_number=term_number,
                   drafted_on=drafted_on, provenance=provenance, headteacher_id=headteacher_id,
                   **content)

    @event("TermReportDrafted")
    def __init__(self, *, report_id: UUID, ect_id: UUID, kind: str, term_number: int, drafted_on: date,
                 provenance: Provenance, on_track: bool, evidence_summary: str, targets: str,
                 recommendation: str | None, assessor_id: str, assessor_role: str,
                 assessment_meeting_on: date | None, headteacher_id: str | None = None) -> None:
        self.report_id = report_id
        self.headteacher_id = headteacher_id
        self.ect_id = ect_id
        self.kind = kind
        self.term_number = term_number
        self.drafted_on = drafted_on
        self.drafted_by = provenance.actor_id
        self.content: dict[str, Any] = {
            "on_track": on_track, "evidence_summary": evidence_summary, "targets": targets,
            "recommendation": recommendation, "assessor_id": assessor_id,
            "assessor_role": assessor_role, "assessment_meeting_on": assessment_meeting_on}
        self.corrections = 0
        self.ect_comments: str | None = None
        self.signatures: dict[str, dict[str, Any]] = {}  # role -> role, name, signed_on, signed_by
        self.submitted_on: date | None = None

    # -- the tutor corrects ---------------------------------------------------------------------

    def correct(self, *, corrected_on: date, today: date, provenance: Provenance,
                mentor_id: str | None = None, final: bool = False, **content: Any) -> None:
        self._check_open("corrected")
        content = _content(content, provenance)
        _check(self.kind, final, content["recommendation"], content["assessor_id"],
               content["assessor_role"], mentor_id, content["assessment_meeting_on"], corrected_on, today)
        self._corrected(**self._about(), corrected_on=corrected_on, provenance=provenance,
                        **content)

    @event("TermReportCorrected")
    def _corrected(self, *, ect_id: UUID, report_id: UUID, kind: str, term_number: int,
                   corrected_on: date, provenance: Provenance, on_track: bool, evidence_summary: str,
                   targets: str, recommendation: str | None, assessor_id: str, assessor_role: str,
                   assessment_meeting_on: date | None) -> None:
        self.content = {
            "on_track": on_track, "evidence_summary": evidence_summary, "targets": targets,
            "recommendation": recommendation, "assessor_id": assessor_id,
            "assessor_role": assessor_role, "assessment_meeting_on": assessment_meeting_on}
        self.corrections += 1
        self.signatures = {}  # the corrected text is signed again

    # -- the ECT, then the headteacher, sign -------------------------------------------------------

    def sign_as_ect(self, *, name: str, comments: str | None, signed_on: date, today: date,
                    provenance: Provenance) -> None:
        self._check_open("signed")
        self._check_date(signed_on, today)
        if "ect" in self.signatures:
            raise SigningOrderError(f"the ECT signed this report on {self.signatures['ect']['signed_on']}")
        self._signed_by_ect(**self._about(), name=name, comments=comments, signed_on=signed_on,
                            provenance=provenance)

    @event("TermReportSignedByEct")
    def _signed_by_ect(self, *, ect_id: UUID, report_id: UUID, kind: str, term_number: int,
                       name: str, comments: str | None, signed_on: date,
                       provenance: Provenance) -> None:
        self.ect_comments = comments
        self.signatures["ect"] = {"role": "ect", "name": name, "signed_on": signed_on,
                                  "signed_by": provenance.actor_id}

    def sign_as_headteacher(self, *, name: str, signed_on: date, today: date,
                            provenance: Provenance) -> None:
        self._check_open("signed")
        self._check_date(signed_on, today)
        if not signing.headteacher_signs(self.kind):
            raise SignatureNotAllowedError(
                "a progress review is signed by the ECT and the induction tutor; the headteacher "
                "signs assessments (statutory guidance 2.55)")
        if "ect" not in self.signatures:
            raise SigningOrderError("the ECT adds their comments and signs first; the headteacher "
                                    "then signs what the ECT signed")
        if "headteacher" in self.signatures:
            raise SigningOrderError(
                f"the headteacher signed this report on {self.signatures['headteacher']['signed_on']}")
        self._signed_by_headteacher(**self._about(), name=name, signed_on=signed_on,
                                    provenance=provenance)

    @event("TermReportSignedByHeadteacher")
    def _signed_by_headteacher(self, *, ect_id: UUID, report_id: UUID, kind: str, term_number: int,
                               name: str, signed_on: date, provenance: Provenance) -> None:
        self.signatures["headteacher"] = {"role": "headteacher", "name": name, "signed_on": signed_on,
                                          "signed_by": provenance.actor_id}

    # -- the tutor submits ---------------------------------------------------------------------------

    def mark_submitted(self, *, submitted_on: date, provenance: Provenance) -> None:
        """The ``TermReport`` the AB receives is created beside this, in the same save."""
        self._check_open("submitted again")
        self._submitted(**self._about(), submitted_on=submitted_on, provenance=provenance)

    @event("DraftSubmitted")
    def _submitted(self, *, ect_id: UUID, report_id: UUID, kind: str, term_number: int,
                   submitted_on: date, provenance: Provenance) -> None:
        self.submitted_on = submitted_on

    @property
    def step(self) -> str:
        """Whose turn it is: ect_to_sign, headteacher_to_sign, tutor_to_submit or submitted."""
        return signing.next_step(self.kind, self.signatures, submitted=self.submitted_on is not None)

    def _about(self) -> dict[str, Any]:
        """What every step's event carries, so that each translates on its own (the relay sees
        one event at a time)."""
        return {"ect_id": self.ect_id, "report_id": self.report_id, "kind": self.kind,
                "term_number": self.term_number}

    def _check_open(self, action: str) -> None:
        if self.submitted_on is not None:
            raise ReportNotDraftError(
                f"the {self.kind.replace('_', ' ')} for term {self.term_number} went to the appropriate "
                f"body on {self.submitted_on}, so it is no longer {action} here")

    def _check_date(self, signed_on: date, today: date) -> None:
        if signed_on > today:
            raise DateNotAllowedError(f"a report cannot be signed on {signed_on}, after today ({today})")
        if signed_on < self.drafted_on:
            raise DateNotAllowedError(f"a report cannot be signed on {signed_on}, before it was "
                                      f"drafted on {self.drafted_on}")


def _content(content: dict[str, Any], provenance: Provenance) -> dict[str, Any]:
    unknown = set(content) - set(CONTENT)
    if unknown:
        raise TypeError(f"unknown report fields {sorted(unknown)}")
    found = {name: content.get(name) for name in CONTENT}
    found["assessor_id"] = found["assessor_id"] or provenance.actor_id
    found["assessor_role"] = found["assessor_role"] or "induction_tutor"
    return found


def draft_id(report_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:term-report-draft:{report_id}")
