"""Rules of the programme, each broken rule its own error with a message naming it."""

from __future__ import annotations

from uuid import UUID


class SchedulingError(Exception):
    """Base of every refusal the scheduling domain makes."""


class EctNotFoundError(SchedulingError):
    def __init__(self, ect_id: UUID) -> None:
        super().__init__(f"no ECT is registered with id {ect_id}")


class MentorNotFoundError(SchedulingError):
    def __init__(self, mentor_id: UUID) -> None:
        super().__init__(f"no mentor is registered with id {mentor_id}")


class TrnAlreadyRegisteredError(SchedulingError):
    def __init__(self, trn: str, kind: str) -> None:
        super().__init__(f"a {kind} with TRN {trn} is already registered")


class RegistrationRefusedError(SchedulingError):
    """A claim refused because of someone the caller may not read: one message for an open
    induction elsewhere, a completed induction, or (to a caller who does not hold them) a TRN
    already registered, so that neither the message nor its type says which, with whom, or
    whether the teacher passed or failed."""

    def __init__(self) -> None:
        super().__init__(
            "this teacher cannot be registered by you now: their induction is held by, or was "
            "completed with, an appropriate body (statutory rule 4: one open induction at a time, "
            "one induction per teacher). If it is open, the appropriate body holding it must "
            "release them first.")


class StartBeforeQtsError(SchedulingError):
    """Statutory rule 4 (guidance 2.10): induction starts only once the ECT holds QTS."""


class MentorPolicyBreachError(SchedulingError):
    """The assignment breaks hub policy and no override reason was given."""

    def __init__(self, breaches: list[str]) -> None:
        self.breaches = breaches
        super().__init__(
            "the assignment breaks hub mentor policy: " + "; ".join(breaches)
            + ". Give an override reason to assign anyway."
        )


class MentorIneligibleError(SchedulingError):
    """A rule no override can set aside (the ECT as their own mentor, another school)."""


class NotAssignedMentorError(SchedulingError):
    """A mentor may record only for the ECTs currently assigned to them."""


class StartDateOutsideWindowError(SchedulingError):
    """Statutory rule 4: the start is set by the AB, not backdated, and within the current term."""


class InductionAlreadyCompletedError(SchedulingError):
    """One induction per teacher: a teacher who passed or failed cannot be claimed again."""


class OpenInductionElsewhereError(SchedulingError):
    """One open induction period at a time, with one AB: the other AB must release first."""


class InductionNotOpenError(SchedulingError):
    """The command needs an open induction period (the ECT was released or has left)."""


class DateOutsideInductionError(SchedulingError):
    """A record dated before the induction started, after the ECT left, or in the future."""


class NoStatutoryLeaveError(SchedulingError):
    """Only an ECT returning from statutory leave may opt to extend (guidance 3.7)."""


class CatchUpNotFoundError(SchedulingError):
    def __init__(self, catch_up_id: object) -> None:
        super().__init__(f"no catch-up work {catch_up_id} is assigned to this ECT")


class InvalidTermDatesError(SchedulingError):
    """Term dates that are out of order, overlapping, or outside their academic year."""


class PersonalDataErasedError(SchedulingError):
    """The person's personal data was erased: their record keeps its statistics, but nothing
    more is recorded about them, and they cannot be claimed again under the same record."""

    def __init__(self, kind: str, record_id: UUID) -> None:
        super().__init__(f"the personal data of {kind} {record_id} was erased: nothing more can be "
                         "recorded about them")


class RetentionPeriodRunningError(SchedulingError):
    """An erasure asked for while the records must still be kept (statutory guidance 2.77)."""


class LegalBasisRequiredError(SchedulingError):
    """A forced erasure inside the retention period without the legal reason it rests on."""
