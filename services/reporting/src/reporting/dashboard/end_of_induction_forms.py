"""The end-of-induction forms on an ECT's dashboard page, turned into the API's own requests
and actions (``entrypoints.end_of_induction_actions``): a form's fields are checked exactly as
a JSON body is (the same pydantic model), and the same scope checks run."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import ValidationError

from ect_platform.identity import Principal
from reporting.domain.errors import FormRefusedError
from reporting.domain.provenance import Provenance
from reporting.entrypoints import end_of_induction_actions as actions
from reporting.entrypoints.requests import DecideAppeal, LodgeAppeal, MakeRepresentations, RecordNotice

if TYPE_CHECKING:
    from reporting.entrypoints.deps import Commands


def _one(form: dict[str, list[str]], name: str) -> str | None:
    values = [v.strip() for v in form.get(name, []) if v.strip()]
    return values[-1] if values else None


def _request(step: str, form: dict[str, list[str]], today: date) -> Any:
    if step == "representations":
        return MakeRepresentations(received_on=today, summary=_one(form, "summary") or "")
    if step == "notice":
        return RecordNotice(recipients=form.get("recipients", []),  # type: ignore[arg-type]
                            given_on=today, method=_one(form, "method") or "")  # type: ignore[arg-type]
    if step == "appeal":
        return LodgeAppeal(lodged_on=today, grounds=_one(form, "grounds") or "")
    return DecideAppeal(appeal_outcome=_one(form, "appeal_outcome") or "",  # type: ignore[arg-type]
                        decided_on=today, extension_terms=_one(form, "extension_terms"),  # type: ignore[arg-type]
                        reason=_one(form, "reason"))


WHAT = {"representations": "your representations", "notice": "the notice",
        "appeal": "the appeal", "appeal-outcome": "the appeal's outcome"}


async def record(commands: Commands, caller: Principal, ect_id: UUID, step: str,
                 form: dict[str, list[str]], *, today: date, provenance: Provenance) -> None:
    try:
        body = _request(step, form, today)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}"
                             for e in exc.errors())
        raise FormRefusedError(f"{WHAT[step]} could not be recorded: {problems}") from None
    if isinstance(body, MakeRepresentations):
        await actions.make_representations(commands, caller, ect_id, body, provenance)
    elif isinstance(body, RecordNotice):
        await actions.record_notice(commands, caller, ect_id, body, provenance)
    elif isinstance(body, LodgeAppeal):
        await actions.lodge_appeal(commands, caller, ect_id, body, provenance)
    else:
        await actions.decide_appeal(commands, caller, ect_id, body, provenance)
