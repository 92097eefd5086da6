"""Apply a DfE bulk claim file: each row opens a new induction period with the uploading AB.

Each claim is the ECT record's own ``Induction.claim``, the command a live claim of a known
teacher runs, so every statutory refusal is the domain's: no claim after a pass or fail, one
open period at a time, none starting before the QTS date or before the last period ended.
The live claim window (received in the last 30 days, ``domain.registration_window``) is not
asked, as for the induction import: a bulk file records claims made in the DfE service.

The file gives no school: the new period keeps the teacher's school, working pattern and
induction tutor from their record, and a move is recorded afterwards as a transfer.

A claim already recorded (a period with this AB starting that day) is left unchanged, so the
same file twice records nothing new. Saving is the induction import's (``importer.apply``).
"""

from __future__ import annotations

from scheduling.application import SchedulingApplication
from scheduling.domain import errors
from scheduling.domain.induction import Induction, Status
from scheduling.domain.provenance import Provenance
from scheduling.imports import teachers
from scheduling.imports.claim_file import ClaimRow
from scheduling.imports.files import ParsedFile, RowError
from scheduling.imports.importer import REFUSALS, MayKnow, Plan, Teacher

START = "Induction period start date"
PROGRAMME = "Induction programme"


def check(app: SchedulingApplication, parsed: ParsedFile[ClaimRow], *, appropriate_body_id: str,
          provenance: Provenance, may_know: MayKnow) -> Plan[ClaimRow]:
    """Every claim decided in memory; nothing is saved (``importer.apply`` saves the plan)."""
    return teachers.plan_rows(app, parsed, may_know, lambda ect, row, teacher: _claim(
        app, ect, row, appropriate_body_id, teacher, provenance, may_know))


def _claim(app: SchedulingApplication, ect: Induction, row: ClaimRow, ab: str,
           teacher: Teacher[ClaimRow], provenance: Provenance, may_know: MayKnow) -> RowError | None:
    periods = ect.periods
    if any((p.appropriate_body_id, p.start) == (ab, row.start) for p in periods):
        if periods[-1].start == row.start and ect.induction_programme != row.induction_programme:
            # the programme a period was claimed with is the record's until the next claim
            return _error(row, PROGRAMME, f"the claim from {row.start} is recorded as "
                          f"{_programme(ect.induction_programme)}, not "
                          f"{_programme(row.induction_programme)}; a file cannot rewrite a claim")
        teacher.unchanged += 1
        return None
    if ect.status == Status.OPEN and ect.appropriate_body_id == ab:
        return _error(row, START, f"{ect.name} already has an open induction period with "
                      f"{teachers.appropriate_body(app, ab)}, from {periods[-1].start}: it must be "
                      "closed (an actions file) before a new one is claimed")
    try:
        ect.claim(appropriate_body_id=ab, period_start_date=row.start, school_id=ect.school_id,
                  fte=ect.fte, induction_programme=row.induction_programme,
                  induction_tutor_id=ect.induction_tutor_id, provenance=provenance)
    except (errors.OpenInductionElsewhereError, errors.InductionAlreadyCompletedError) as exc:
        # who holds a teacher, and whether they passed or failed, only to a caller who may know
        reason = str(exc) if may_know(ect) else str(errors.RegistrationRefusedError())
        return _error(row, START, reason)
    except REFUSALS as exc:
        return _error(row, START, str(exc))
    teacher.created += 1
    return None


def _programme(value: str) -> str:
    return value.replace("_", "-")  # the DfE's spelling, as the file writes it


def _error(row: ClaimRow, column: str, reason: str) -> RowError:
    return RowError(row.row, row.trn, row.name, column, reason)
