"""The steps of a term report signed in turn, as one code path for the API and the dashboard's
forms: the ECT signs with their comments, the headteacher signs (assessments), the tutor
submits to the AB. The scope and role checks are here, so a form cannot skip one."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from contracts import Role
from ect_platform.identity import Principal
from reporting import access
from reporting.domain.errors import SignatureNotAllowedError
from reporting.domain.provenance import Provenance

if TYPE_CHECKING:
    from reporting.entrypoints.deps import Commands


async def sign(commands: Commands, caller: Principal, ect_id: UUID, report_id: UUID, *,
               name: str | None, comments: str | None, signed_on: date,
               provenance: Provenance) -> str:
    """The caller's signature; answers whose step it is next."""
    history, _ = await commands.ect(ect_id)
    access.check_may_sign(caller, history)
    if caller.role == Role.ECT:
        if name is not None:
            raise SignatureNotAllowedError("the ECT signs with the name on their record; send no name")
        name = history.name or caller.id
    else:
        if comments is not None:
            raise SignatureNotAllowedError("comments on a report are the ECT's; the headteacher signs")
        if not name:
            raise SignatureNotAllowedError("the headteacher signs with their name: send name")
    step: str = await commands.run(
        commands.app.sign_term_report, ect_id, report_id, as_role=caller.role.value, name=name,
        signed_on=signed_on, comments=comments, provenance=provenance)
    return step


async def submit(commands: Commands, caller: Principal, ect_id: UUID, report_id: UUID, *,
                 name: str, submitted_on: date, provenance: Provenance) -> UUID:
    """The tutor signs and sends the draft to the AB (``TermReportSubmitted``)."""
    app = commands.app
    history, clock = await commands.ect(ect_id)
    access.check_may_report(caller, history)
    draft = await commands.read(app.get_draft, report_id)
    served, absent = clock.timeline.interim_figures(min(submitted_on, clock.as_of))
    submitted: UUID = await commands.run(
        app.submit_draft, ect_id, report_id, submitted_on=submitted_on, tutor_name=name,
        appropriate_body_id=history.appropriate_body_id, provenance=provenance,
        final=draft is not None and draft.term_number == clock.final_assessment_term(),
        final_term_starts=clock.timeline.final_term_starts,
        mentor_id=str(history.mentor_id) if history.mentor_id else None,
        interim_figures=(float(served), absent))
    return submitted
