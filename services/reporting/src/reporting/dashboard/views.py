"""What each page shows, read from reporting's projections under the caller's access rules.

Each function answers a template context. The projection's signature is read *before* the
data, so a change landing in between is announced to the page rather than lost.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from uuid import UUID

from contracts import Role
from ect_platform.identity import Forbidden, Principal
from reporting import access
from reporting.dashboard import chart, data, induction_import, timeline
from reporting.dashboard import school as school_reads
from reporting.dashboard.auth import BadFilter
from reporting.domain.end_of_induction_steps import end_of_induction_steps, steps_as_of
from reporting.domain.history import EctHistory
from reporting.entrypoints import written_views
from reporting.projections import (
    backlog,
    directory,
    entitlement,
    exports,
    queries,
    support_plans,
    work_queue,
)
from statutory.calendar import SchoolCalendar
from statutory.end_of_induction import appealable

if TYPE_CHECKING:
    from reporting.entrypoints.deps import Commands

PAGE_SIZE = 50
STATUSES = ("red", "amber", "green")
INDUCTION_STATUSES = ("open", "released", "left", "passed", "failed")
# The work queue's tasks as the AB reads them (work_queue says when each leaves the queue).
QUEUE_TITLES = {
    "decisions_due": "Decisions due on a final recommendation",
    "reports_missing": "Reviews and assessments past due and not received",
    "reports_not_fully_signed": "Reports received without every signature",
    "leavers": f"Left their school in the last {work_queue.LEAVERS_WINDOW_DAYS} days: record the "
               "end of the period with the DfE",
    "claimed_by_another_ab": f"Now with another appropriate body (last "
                             f"{work_queue.LEAVERS_WINDOW_DAYS} days): pass their record on",
    "claims_waiting": "Claims waiting for the induction to start: check the start date",
    "no_qts": "ECTs with no QTS yet: confirm it is awarded before they start",
    "notices_owed": "Written notice of a decision still owed (within 3 working days, 2.69)",
}
SUBMISSION_STATES = ("missing", "late", "due", "on_time", "postponed", "unscheduled")


def choice(value: str, allowed: tuple[str, ...], name: str) -> str | None:
    """A filter from a GET form: empty means any; anything not offered is refused by name."""
    if not value:
        return None
    if value not in allowed:
        raise BadFilter(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def link(path: str, **params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "", 0)}
    return f"{path}?{urlencode(kept)}" if kept else path


def pages(path: str, answer: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    offset, limit, total = answer["offset"], answer["limit"], answer["total"]
    return {
        "first": offset + 1 if total else 0, "last": min(offset + limit, total), "total": total,
        "previous": link(path, **params, offset=max(offset - limit, 0)) if offset > 0 else None,
        "next": link(path, **params, offset=offset + limit) if offset + limit < total else None,
    }


def who(caller: Principal) -> dict[str, Any]:
    return {"id": caller.id, "role": caller.role.value.replace("_", " "), "role_id": caller.role.value,
            "sees_abs": caller.role in access.AB_READERS, "ab": caller.appropriate_body_id,
            "sees_schools": caller.role in SCHOOL_PAGE_READERS, "school": own_school(caller),
            "may_import": induction_import.may_import(caller)}


# Who may open a school's page: its tutor, headteacher and a hub lead acting for it, an
# auditor, and an AB (for the ECTs it holds there). Mentors and ECTs read ECTs, not schools.
SCHOOL_PAGE_READERS = (*access.SCHOOL_READERS, Role.AUDITOR, Role.APPROPRIATE_BODY)
# whose step a draft is, in words (statutory.signing's steps)
STEP_WORDS = {"ect_to_sign": "the ECT to sign", "headteacher_to_sign": "the headteacher to sign",
              "tutor_to_submit": "the induction tutor to submit"}


def own_school(caller: Principal) -> str | None:
    """The one school a tutor or headteacher acts for, where the token names exactly one: their
    page is where they land and what the masthead links to."""
    if caller.role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER) and caller.schools is not None \
            and len(caller.schools) == 1:
        return next(iter(caller.schools))
    return None


def induction_import_page(caller: Principal) -> dict[str, Any]:
    """The import page's context, for those scheduling lets import; a 403 naming the rule else."""
    if not induction_import.may_import(caller):
        raise Forbidden(f"{caller.role.value} {caller.id} may not import inductions: an import is "
                        "made by an appropriate body for its own ECTs or by a hub lead acting for "
                        "every school of the hub")
    return {"caller": who(caller), "title": "Import inductions", "answer": None, "problem": "",
            "filename": "", "returned": "", "own_ab": caller.appropriate_body_id,
            "nothing_recorded": True}


async def overview(commands: Commands, caller: Principal, *, q: str, school: str, ab: str, status: str,
                   induction: str, offset: int) -> dict[str, Any]:
    filters = {"q": q.strip(), "school": school.strip(), "ab": ab.strip(),
               "status": choice(status, STATUSES, "status"),
               "induction": choice(induction, INDUCTION_STATUSES, "induction")}
    scope = access.list_scope(caller, filters["school"] or None, filters["ab"] or None)
    pool = commands.pool
    signature = await data.signature(pool)
    common: dict[str, Any] = {"school": filters["school"] or None, "ab": filters["ab"] or None,
              "status": filters["status"], "induction_status": filters["induction"], "scope": scope,
              "limit": PAGE_SIZE, "offset": offset}
    if filters["q"]:
        answer = await data.search_entitlement(pool, text=filters["q"], **common)
    else:
        answer = await queries.list_entitlement(pool, term=None, **common)
    due = await data.next_reports_due(pool, [item["ect_id"] for item in answer["items"]])
    schools, abs_ = await data.filter_choices(pool, scope)
    params = {k: v for k, v in filters.items() if v}
    held = await quarantined(commands, caller)
    async with pool.acquire() as conn:  # every school and AB the page names, by name
        names = await directory.look_up(
            conn, schools=[*schools, *(r.get("school_id") for r in answer["items"] + held)],
            appropriate_bodies=[*abs_, *(r.get("appropriate_body_id") for r in answer["items"])])
    return {"caller": who(caller), "filters": filters, "items": answer["items"], "due": due,
            "quarantined": held, "directory": names,
            "schools": schools, "abs": abs_, "statuses": STATUSES, "inductions": INDUCTION_STATUSES,
            "pages": pages("/dashboard", answer, params), "signature": signature,
            "fragment_url": link("/dashboard", **params, offset=offset, fragment="table"),
            "ab_fixed": caller.role == Role.APPROPRIATE_BODY}


# Who is told that some rows are stale: those who run the hub and those who check it, as for
# GET /projection-quarantine (a hub lead only for their schools).
QUARANTINE_READERS = (Role.HUB_LEAD, Role.AUDITOR)


async def quarantined(commands: Commands, caller: Principal) -> list[dict[str, Any]]:
    """The ECTs whose rows could not be recomputed and so show what they last showed."""
    if caller.role not in QUARANTINE_READERS:
        return []
    async with commands.pool.acquire() as conn:
        return await backlog.quarantined(conn, caller.schools if caller.role == Role.HUB_LEAD else None)


async def ect(commands: Commands, caller: Principal, ect_id: UUID) -> dict[str, Any]:
    signature = await data.signature(commands.pool)
    history, clock = await commands.ect(ect_id)
    access.check_may_read(caller, history)
    row = await entitlement.get(commands.pool, ect_id)
    if row is not None and row["computed_on"] != clock.today:
        # as the API does: a status moves with the date, so recompute a row from an earlier day
        async with commands.pool.acquire() as conn, conn.transaction():
            await commands.projections.refresh(conn, ect_id, clock.today)
        row = await entitlement.get(commands.pool, ect_id)
    weeks = chart.weekly(clock)
    async with commands.pool.acquire() as conn:
        names = await directory.look_up(conn, schools=history.school_ids,
                                        appropriate_bodies=[p.appropriate_body_id for p in history.periods])
    return {"caller": who(caller), "ect": row or {}, "history": history, "weeks": weeks,
            "directory": names, "written": await written(commands, caller, history),
            "end": end_of_induction(caller, history, clock),
            "chart": chart.draw(weeks),
            "timeline": timeline.entries(history, (row or {}).get("mentor_name"), names),
            "signature": signature,
            "fragment_url": f"/dashboard/ects/{ect_id}?fragment=live"}


def end_of_induction(caller: Principal, history: EctHistory, clock: Any) -> dict[str, Any] | None:
    """The steps after the final recommendation with their clocks (``end_of_induction_steps``),
    and which of them this caller may record here; None before any recommendation."""
    steps = end_of_induction_steps(history, clock.final_assessment(), clock.today)
    decision = steps["decision"]["decision"]
    if steps["recommendation"]["received_on"] is None and decision is None:
        return None
    ect, ab = caller.is_ect(history.ect_id), (caller.role == Role.APPROPRIATE_BODY and
                                              caller.appropriate_body_id == history.appropriate_body_id)
    appeal = steps["appeal"]
    may_appeal = bool(decision and appealable(decision) and "ect" in steps["notice"]["given"]
                      and appeal["lodged_on"] is None)
    return {"steps": steps, "forms": {
        "representations": (ect or ab) and decision is None,
        "notice": ab and bool(steps["notice"]["owed"]),
        "appeal": (ect or ab) and may_appeal,
        "appeal_outcome": ab and appeal["lodged_on"] is not None and appeal["outcome"] is None,
    }}


async def written(commands: Commands, caller: Principal, history: EctHistory) -> dict[str, Any] | None:
    """What was written about the ECT (reports and their signatures, support plans, action steps,
    drop-in feedback), for those who may read it (``access.CONTENT_READERS``): the ECT, their
    mentor, their school's tutor and headteacher, their AB and an auditor. None for the others."""
    if caller.role not in access.CONTENT_READERS:
        return None
    found = await commands.read(commands.app.term_reports_of, history.ect_id)
    drafts = access.may_read_drafts(caller)
    names = await written_views.naming(commands, history,
                                        [r.appropriate_body_id for r, _ in found if r])
    reports = sorted((written_views.view(names, report, draft) for report, draft in found
                      if report is not None or drafts), key=lambda v: (v.term_number, v.kind))
    coaching = await data.coaching_written(commands.pool, history.ect_id, commands.projections.sealer)
    plans = await support_plans.of_ect(commands.pool, history.ect_id, commands.projections.sealer)
    return {"reports": reports, "plans": plans, **coaching}


def current_term(today: date) -> str:
    """This school term on England's default dates, or the last one during a holiday."""
    return SchoolCalendar().terms_between(today - timedelta(days=120), today)[-1].label


async def appropriate_body(commands: Commands, caller: Principal, ab: str, *, term: str, state: str,
                           offset: int) -> dict[str, Any]:
    filters = {"term": term.strip(), "state": choice(state, SUBMISSION_STATES, "state")}
    scope = access.list_scope(caller, None, ab)
    pool = commands.pool
    signature = await data.signature(pool)
    summary = await queries.submission_summary(pool, ab=ab, term=None, scope=scope)
    submissions = await queries.list_submissions(
        pool, school=None, ab=ab, state=filters["state"], term=filters["term"] or None, term_number=None,
        kind=None, scope=scope, limit=PAGE_SIZE, offset=offset)
    outcomes = await queries.list_outcomes(pool, ab=ab, state=None, scope=scope, limit=200, offset=0)
    queue = await work_queue.work_queue(pool, ab, scope, commands.projections.clock())
    parts = {}
    if caller.role in access.EXPORTERS:  # a link per file the DfE service accepts
        parts = {"claims": len(exports.dfe_files(await exports.dfe_claims(pool, ab, None))),
                 "outcomes": len(exports.dfe_files(await exports.dfe_outcomes(pool, ab, None)))}
    now = current_term(commands.projections.clock())
    terms = sorted({row["school_term"] for row in summary} | {now})
    async with pool.acquire() as conn:
        names = await directory.for_rows(conn, [
            {"appropriate_body_id": ab}, *submissions["items"], *outcomes["items"],
            *(item for task in queue["tasks"].values() for item in task["items"])])
    today = commands.projections.clock()
    for outcome in outcomes["items"]:
        if outcome.get("end_of_induction"):
            outcome["end_of_induction"] = steps_as_of(outcome["end_of_induction"], today)
    params = {k: v for k, v in filters.items() if v}
    path = f"/dashboard/abs/{ab}"
    return {"caller": who(caller), "ab": ab, "filters": filters, "summary": summary, "queue": queue,
            "queue_titles": QUEUE_TITLES, "dfe_parts": parts,
            "directory": names,
            "submissions": submissions["items"], "outcomes": outcomes["items"], "terms": terms,
            "current_term": now, "states": SUBMISSION_STATES, "signature": signature,
            "pages": pages(path, submissions, params),
            "may_export": caller.role in access.EXPORTERS, "export_base": f"{path}/exports",
            "fragment_url": link(path, **params, offset=offset, fragment="live")}


def check_may_read_school(caller: Principal, urn: str, names: directory.Directory) -> dict[str, Any]:
    """The list scope of the school's page; a 403 naming the rule for a school the caller does
    not act for (an AB is scoped to the ECTs it holds there rather than refused)."""
    if caller.role not in SCHOOL_PAGE_READERS:
        raise Forbidden(f"a {caller.role.value.replace('_', ' ')} may not read a school's page: it "
                        "is for the school's induction tutor and headteacher, a hub lead acting for "
                        "it, its appropriate bodies and auditors")
    if caller.role in access.SCHOOL_READERS and not caller.acts_for_school(urn):
        raise Forbidden(f"{caller.role.value.replace('_', ' ')} {caller.id} does not act for "
                        f"{names.school(urn)}, so may not read its page")
    return access.list_scope(caller, urn, None)


async def school_page(commands: Commands, caller: Principal, urn: str, *, offset: int) -> dict[str, Any]:
    """One school: its ECTs with status, year and term, mentor, next report due and whose step
    each draft is; what waits for the headteacher's signature; its mentors and their training."""
    pool = commands.pool
    async with pool.acquire() as conn:
        named = await directory.look_up(conn, schools=[urn])
    scope = check_may_read_school(caller, urn, named)
    signature = await data.signature(pool)
    answer = await queries.list_entitlement(pool, school=urn, ab=None, status=None, term=None,
                                            induction_status=None, scope=scope, limit=PAGE_SIZE,
                                            offset=offset)
    items = answer["items"]
    ect_ids = [item["ect_id"] for item in items]
    due = await data.next_reports_due(pool, ect_ids)
    # drafts are the school's and the ECT's (access.DRAFT_READERS): an AB or a hub lead sees none
    drafts: dict[UUID, list[dict[str, Any]]] = {}
    if access.may_read_drafts(caller):
        async with pool.acquire() as conn:
            reports = await school_reads.drafts_in_trail(conn, ect_ids)
        drafts = await commands.read(school_reads.drafts_of, commands.app, reports)
    by_ect = {item["ect_id"]: item for item in items}
    to_sign = [{**d, "ect": by_ect[ect_id]} for ect_id, found in drafts.items() for d in found
               if d["step"] == "headteacher_to_sign"]
    async with pool.acquire() as conn:
        # an AB sees the mentors of the ECTs it holds here; the school's own people every mentor
        # registered at the school, whether or not they mentor anyone yet
        registered = [] if "ab" in scope else await school_reads.mentors_registered_at(conn, urn)
        mentors = await school_reads.mentors(conn, [*registered, *(i["mentor_id"] for i in items
                                                             if i["mentor_id"])],
                                             commands.projections.sealer)
        names = await directory.look_up(conn, schools=[urn],
                                        appropriate_bodies=[i["appropriate_body_id"] for i in items])
    mentees: dict[UUID, list[dict[str, Any]]] = {}
    for item in items:
        if item["mentor_id"]:
            mentees.setdefault(item["mentor_id"], []).append(item)
    path = f"/dashboard/schools/{urn}"
    return {"caller": who(caller), "urn": urn, "school_name": names.school(urn), "directory": names,
            "items": items, "due": due, "drafts": drafts, "to_sign": to_sign,
            "may_read_drafts": access.may_read_drafts(caller), "steps": STEP_WORDS,
            "mentors": sorted(mentors.values(), key=lambda m: (m["name"] or "~", str(m["mentor_id"]))),
            "mentees": mentees, "is_headteacher": caller.role == Role.HEADTEACHER,
            "scoped_to_ab": scope.get("ab"), "pages": pages(path, answer, {}), "signature": signature}
