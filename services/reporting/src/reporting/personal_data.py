"""Which attributes of reporting's domain events are personal data: all of them the ECT's.

Stored sealed with the ECT's data key (``ect_platform.sealing``): what tutors, headteachers
and the ECT write, and the names signed under it. The integration events mark the same
fields in their contracts (``contracts.sealed.PERSONAL``); ``tests/unit/test_personal_data.py``
holds the two lists together.
"""

from __future__ import annotations

from ect_platform.sealing import Personal

ECT = "ect_id"

PERSONAL: dict[str, Personal] = {
    "TermReport.TermReportSubmitted": Personal(
        ("evidence_summary", "targets", "ect_comments", "sign_offs"), ECT),
    "TermReportDraft.TermReportDrafted": Personal(("evidence_summary", "targets"), ECT),
    "TermReportDraft.TermReportCorrected": Personal(("evidence_summary", "targets"), ECT),
    "TermReportDraft.TermReportSignedByEct": Personal(("name", "comments"), ECT),
    "TermReportDraft.TermReportSignedByHeadteacher": Personal(("name",), ECT),
    "SupportPlan.SupportPlanShared": Personal(("summary",), ECT),
    "InductionDecision.InductionOutcomeRecorded": Personal(("reason",), ECT),
    "InductionDecision.InductionExtended": Personal(("reason",), ECT),
    "InductionDecision.InductionReduced": Personal(("reason",), ECT),
    "EndOfInduction.EctRepresentationsMade": Personal(("summary",), ECT),
    "EndOfInduction.AppealLodged": Personal(("grounds",), ECT),
    "EndOfInduction.AppealDecided": Personal(("reason",), ECT),
}
