"""Refusals of the reporting domain, each naming the rule it enforces."""

from __future__ import annotations

from uuid import UUID


class ReportingError(Exception):
    """Base of every refusal the reporting domain makes."""


class FormRefusedError(ReportingError):
    """A dashboard form whose fields do not make a valid request: said, nothing recorded."""


class UnknownEctError(ReportingError):
    def __init__(self, ect_id: UUID) -> None:
        super().__init__(
            f"no ECT with id {ect_id} is known to reporting (registered in scheduling and "
            "relayed here?)"
        )


class TermReportAlreadySubmittedError(ReportingError):
    def __init__(self, kind: str, term_number: int) -> None:
        super().__init__(f"a {kind.replace('_', ' ')} for term {term_number} was already submitted")


class TermReportNotFoundError(ReportingError):
    def __init__(self, report_id: UUID) -> None:
        super().__init__(f"no term report with id {report_id}")


class RecommendationNotAllowedError(ReportingError):
    """Only the final formal assessment recommends an outcome (statutory guidance 2.60)."""


class RecommendationRequiredError(ReportingError):
    """The final formal assessment must recommend satisfactory, unsatisfactory or extension (2.60)."""


class AssessorNotAllowedError(ReportingError):
    """Assessments are by the headteacher or induction tutor, never the ECT's mentor (2.55)."""


class DateNotAllowedError(ReportingError):
    """A date in the future, or before the fact it follows."""


class SupportPlanNotNeededError(ReportingError):
    """A support plan answers a review that found the ECT not on track (4.1)."""


class OutcomeAlreadyRecordedError(ReportingError):
    """One outcome per induction: after a pass or a fail nothing more is decided (rule 4)."""


class NoFinalRecommendationError(ReportingError):
    """The AB decides pass or fail on the final assessment's recommendation (2.67)."""


class FinalAssessmentTooEarlyError(ReportingError):
    """The final assessment is held once the ECT is in the final term of the required induction
    (after extensions and reductions; 2.60, rule 8)."""


class NoCurrentFinalAssessmentError(ReportingError):
    """After an extension, a new final assessment precedes any pass or fail (3.8, 2.67)."""


class ReasonRequiredError(ReportingError):
    """A decision contrary to the headteacher's recommendation needs a recorded reason (2.67)."""


class ReductionNotAllowedError(ReportingError):
    """A reduction for previous experience needs the ECT's consent and leaves at least one term
    (3.2-3.4)."""


class InductionNotOpenError(ReportingError):
    """The ECT's induction is closed (left, released, passed or failed)."""


class TermReportAlreadyDraftedError(ReportingError):
    """One report per ECT, kind and term: a draft of it is corrected, signed and submitted."""

    def __init__(self, kind: str, term_number: int) -> None:
        super().__init__(f"a {kind.replace('_', ' ')} for term {term_number} is already drafted: "
                         "correct it (PUT), have it signed and submit it")


class ReportNotDraftError(ReportingError):
    """A report that has gone to the appropriate body is no longer corrected or signed here."""


class SignatureNotAllowedError(ReportingError):
    """Who signs which report: the ECT every one, the headteacher assessments only (2.55, 2.58)."""


class SigningOrderError(ReportingError):
    """The ECT comments and signs first; the headteacher signs what the ECT signed."""


class NoDecisionYetError(ReportingError):
    """Written notice is of a decision: none can be recorded before the AB decides (2.69)."""


class RepresentationsClosedError(ReportingError):
    """The ECT's representations answer a recommendation the AB has not yet decided on
    (regulation 11(4)); after the decision, the ECT's remedy is an appeal (regulation 14)."""


class NoticeNotAllowedError(ReportingError):
    """Notice goes to the ECT, the headteacher, the employer, and the TRA only for a fail or an
    extension (2.69), once to each."""


class AppealNotAllowedError(ReportingError):
    """Only a fail or an extension may be appealed, once the ECT has notice of it, and once
    (regulation 14)."""


class NoAppealError(ReportingError):
    """An appeal outcome answers an appeal lodged and not yet decided (regulation 14)."""
