"""Hub policy for who may mentor whom. Configurable; statutory guidance says only "where possible"."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.domain.errors import MentorIneligibleError
from scheduling.domain.induction import Induction
from scheduling.domain.mentor import Mentor


@dataclass(frozen=True)
class MentorPolicy:
    min_years_teaching: int = 3
    same_phase: bool = True
    same_subject_in_secondary: bool = True

    def breaches(self, ect: Induction, mentor: Mentor) -> list[str]:
        """Breaches an override reason may set aside. Raises for those it may not."""
        if mentor.trn == ect.trn:
            raise MentorIneligibleError("an ECT cannot be their own mentor")
        if str(mentor.id) == ect.induction_tutor_id:
            raise MentorIneligibleError(
                "the ECT's induction tutor cannot also be their mentor (the tutor assesses)"
            )
        if mentor.school_id != ect.school_id:
            raise MentorIneligibleError(
                f"the mentor works at school {mentor.school_id}, the ECT at {ect.school_id}"
            )
        found = []
        if mentor.years_teaching < self.min_years_teaching:
            found.append(
                f"the mentor has {mentor.years_teaching} years' teaching, policy asks for "
                f"{self.min_years_teaching}"
            )
        if self.same_phase and mentor.phase != ect.phase:
            found.append(f"the mentor teaches {mentor.phase}, the ECT {ect.phase}")
        if (
            self.same_subject_in_secondary
            and ect.phase == "secondary"
            and (mentor.subject or "").casefold() != (ect.subject or "").casefold()
        ):
            found.append(f"the mentor teaches {mentor.subject}, the ECT {ect.subject}")
        return found
