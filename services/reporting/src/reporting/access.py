"""Who may see and do what in reporting. Every refusal is a 403 that names the rule.

- an appropriate body reads only its own ECTs (those it holds or held) and decides outcomes
  only for the ECTs whose induction it holds;
- an induction tutor and a hub lead read their schools' ECTs (a hub lead whose token names
  no schools acts for every school of the hub);
- a mentor reads only the ECTs assigned to them;
- an auditor reads everything and changes nothing;
- a headteacher reads their schools' ECTs as the induction tutor does;
- an ECT reads their own record and nobody else's;
- any other role reads nothing (a role this module does not name is refused, never let by);
- the ECT's own steps at the end of induction (representations, an appeal) are the ECT's, or
  the AB's recording them on the ECT's behalf; notice and the appeal's outcome are the AB's;
- term reports are written by the induction tutor, never the mentor (guidance 2.55); support
  plans are shared by the induction tutor or the hub lead;
- what was written about an ECT (reports, their signatures, support plans) is read by the ECT,
  their current mentor, their school's tutor and headteacher, an AB that holds or held them
  (it receives every review, 2.54) and an auditor: not by a hub lead, who watches the
  programme's delivery, not what is written about a teacher. A draft is the school's and the
  ECT's until it is submitted: the mentor and the AB read reports once submitted;
- a draft is signed by the ECT it is about and by a headteacher of their school.
"""

from __future__ import annotations

from contracts import Role
from ect_platform.identity import Forbidden, Principal, require_role
from reporting.domain.history import EctHistory

SCHOOL_STAFF = (Role.INDUCTION_TUTOR, Role.HUB_LEAD)
SCHOOL_READERS = (*SCHOOL_STAFF, Role.HEADTEACHER)

# Who may call a route at all (each route declares it with ect_platform.identity.allow); the
# functions below then check the scope.
AB_READERS = (Role.APPROPRIATE_BODY, Role.HUB_LEAD, Role.INDUCTION_TUTOR, Role.HEADTEACHER,
              Role.AUDITOR)
READERS = (*AB_READERS, Role.MENTOR, Role.ECT)
EXPORTERS = (Role.APPROPRIATE_BODY, Role.AUDITOR)
CONTENT_READERS = (Role.ECT, Role.MENTOR, Role.INDUCTION_TUTOR, Role.HEADTEACHER,
                   Role.APPROPRIATE_BODY, Role.AUDITOR)
DRAFT_READERS = (Role.ECT, Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.AUDITOR)
SIGNATORIES = (Role.ECT, Role.HEADTEACHER)


def check_may_read(principal: Principal, ect: EctHistory) -> None:
    role = principal.role
    if role == Role.AUDITOR:
        return
    if role == Role.APPROPRIATE_BODY:
        held_by = {p.appropriate_body_id for p in ect.periods}
        if principal.appropriate_body_id not in held_by:
            raise Forbidden(f"appropriate body {principal.appropriate_body_id} has never held this ECT's "
                            "induction, so may not read it")
    elif role in SCHOOL_READERS:
        if not principal.acts_for_school(ect.school_id or ""):
            raise Forbidden(f"{role.value} {principal.id} does not act for school {ect.school_id}, "
                            "so may not read this ECT")
    elif role == Role.MENTOR:
        if ect.mentor_id is None or str(ect.mentor_id) != principal.id:
            # an ECT with no mentor belongs to no mentor (a token whose sub is "None" matched it)
            raise Forbidden(f"mentor {principal.id} is not assigned to this ECT, so may not read it")
    elif role == Role.ECT:
        if not principal.is_ect(ect.ect_id):
            raise Forbidden("an ECT may read only their own record")
    else:
        raise Forbidden(f"a {role.value} may not read an ECT's record")


def check_may_report(principal: Principal, ect: EctHistory) -> None:
    require_role(principal, (Role.INDUCTION_TUTOR,),
                 "submit a progress review or assessment (never the mentor: guidance 2.55)")
    if not principal.acts_for_school(ect.school_id or ""):
        raise Forbidden(f"induction tutor {principal.id} does not act for school {ect.school_id}, "
                        "so may not report on this ECT")


def check_may_read_content(principal: Principal, ect: EctHistory) -> None:
    """What was written about the ECT: ``check_may_read``'s scope, for ``CONTENT_READERS``."""
    require_role(principal, CONTENT_READERS, "read what was written about an ECT")
    check_may_read(principal, ect)


def may_read_drafts(principal: Principal) -> bool:
    return principal.role in DRAFT_READERS


def check_may_sign(principal: Principal, ect: EctHistory) -> None:
    require_role(principal, SIGNATORIES, "sign a term report")
    if principal.role == Role.ECT:
        if not principal.is_ect(ect.ect_id):
            raise Forbidden("an ECT signs only their own reports")
    elif not principal.acts_for_school(ect.school_id or ""):
        raise Forbidden(f"headteacher {principal.id} does not act for school {ect.school_id}, so may "
                        "not sign this ECT's reports")


def check_may_share_plan(principal: Principal, ect: EctHistory) -> None:
    require_role(principal, SCHOOL_STAFF, "share a support plan")
    if not principal.acts_for_school(ect.school_id or ""):
        raise Forbidden(f"{principal.role.value} {principal.id} does not act for school {ect.school_id}, "
                        "so may not share a support plan for this ECT")


def check_may_decide(principal: Principal, ect: EctHistory) -> None:
    require_role(principal, (Role.APPROPRIATE_BODY,),
                 "decide an induction's outcome or extension (statutory guidance 2.67, 3.8)")
    if principal.appropriate_body_id != ect.appropriate_body_id:
        raise Forbidden(f"appropriate body {principal.appropriate_body_id} does not hold this ECT's "
                        "induction, so may not decide its outcome")


def list_scope(principal: Principal, school: str | None, ab: str | None) -> dict[str, object]:
    """The filters a list must apply for this caller, on top of those asked for; 403 if asked beyond."""
    role = principal.role
    scope: dict[str, object] = {}
    if role == Role.APPROPRIATE_BODY:
        if ab is not None and ab != principal.appropriate_body_id:
            raise Forbidden(f"appropriate body {principal.appropriate_body_id} may list only its own "
                            f"ECTs, not those of {ab}")
        scope["ab"] = principal.appropriate_body_id
    elif role in SCHOOL_READERS and principal.schools is not None:
        if school is not None and school not in principal.schools:
            raise Forbidden(f"{role.value} {principal.id} does not act for school {school}")
        scope["schools"] = sorted(principal.schools)
    elif role == Role.MENTOR:
        scope["mentor"] = principal.id
    elif role == Role.ECT:
        scope["ect"] = principal.id  # their own row, nothing else
    elif role not in SCHOOL_READERS and role != Role.AUDITOR:
        raise Forbidden(f"a {role.value} may not list ECTs")
    return scope


def check_may_act_for_ect(principal: Principal, ect: EctHistory, action: str) -> None:
    """The ECT's own steps (representations, an appeal): the ECT themself, or the AB that holds
    the induction recording them on the ECT's behalf."""
    require_role(principal, (Role.ECT, Role.APPROPRIATE_BODY), action)
    if principal.role == Role.ECT:
        if not principal.is_ect(ect.ect_id):
            raise Forbidden(f"an ECT may {action} only for themself")
    elif principal.appropriate_body_id != ect.appropriate_body_id:
        raise Forbidden(f"appropriate body {principal.appropriate_body_id} does not hold this ECT's "
                        f"induction, so may not {action} for them")
