"""Who may see and change which ECT. Every refusal is a 403 that names the rule.

- an appropriate body registers, releases and reads only its own ECTs (those it claimed);
- an induction tutor and a hub lead act for their schools' ECTs (a hub lead whose token
  names no schools acts for every school of the hub);
- a mentor reads, and records sessions and drop-ins for, only the ECTs currently assigned to
  them (an ECT with no mentor is no mentor's);
- a mentor's record (name, TRN, training) is read by the mentor, their school's staff, an
  appropriate body through an ECT it holds or held whose mentor they are, and an auditor;
- an auditor reads everything and changes nothing (as in reporting: the audit needs the whole
  record, mentors' eligibility and training included);
- a headteacher reads their schools' ECTs and mentors, and changes nothing here;
- an ECT reads their own induction and their own mentor's record, nobody else's;
- what was written in coaching (sessions' action steps, drop-ins' strengths, development areas
  and next steps) is read by the ECT, their current mentor, their school's tutor and
  headteacher, an AB that claimed them and an auditor: not by a hub lead, who watches that the
  programme is delivered, not what is written about a teacher;
- any other role reads nothing (a role this module does not name is refused, never let by).
"""

from __future__ import annotations

from uuid import UUID

from contracts import Role
from ect_platform.identity import Forbidden, Principal
from scheduling.domain.induction import Induction

SCHOOL_STAFF = (Role.INDUCTION_TUTOR, Role.HUB_LEAD)
SCHOOL_READERS = (*SCHOOL_STAFF, Role.HEADTEACHER)

# Who may call a route at all (declared on each route with ect_platform.identity.allow);
# the functions below then check the scope against the ECT itself.
STAFF = SCHOOL_STAFF
AB = (Role.APPROPRIATE_BODY,)
AB_OR_LEAD = (Role.APPROPRIATE_BODY, Role.HUB_LEAD)
COACHES = (Role.MENTOR, Role.INDUCTION_TUTOR, Role.HUB_LEAD)
READERS = (Role.APPROPRIATE_BODY, Role.INDUCTION_TUTOR, Role.HUB_LEAD, Role.MENTOR, Role.AUDITOR,
           Role.HEADTEACHER, Role.ECT)
# what mentors and tutors wrote (action steps, strengths, development areas): not the hub lead's
CONTENT_READERS = tuple(role for role in READERS if role != Role.HUB_LEAD)


def _school_rule(principal: Principal, school_id: str, action: str) -> None:
    if not principal.acts_for_school(school_id):
        raise Forbidden(f"{principal.role.value} {principal.id} does not act for school {school_id}, "
                        f"so may not {action}")


def _own_ab_rule(principal: Principal, ect: Induction, action: str) -> None:
    claimed_by = {p.appropriate_body_id for p in ect.periods}
    if principal.appropriate_body_id not in claimed_by:
        raise Forbidden(f"appropriate body {principal.appropriate_body_id} has never claimed this ECT, "
                        f"so may not {action}")


def check_may_read(principal: Principal, ect: Induction) -> None:
    role = principal.role
    if role == Role.AUDITOR:
        return
    if role == Role.APPROPRIATE_BODY:
        _own_ab_rule(principal, ect, "read it")
    elif role in SCHOOL_READERS:
        _school_rule(principal, ect.school_id, "read this ECT")
    elif role == Role.MENTOR:
        if ect.mentor_id is None or str(ect.mentor_id) != principal.id:
            raise Forbidden(f"mentor {principal.id} is not assigned to this ECT, so may not read it")
    elif role == Role.ECT:
        if not principal.is_ect(ect.id):
            raise Forbidden("an ECT may read only their own induction")
    else:
        raise Forbidden(f"a {role.value} may not read an ECT's record")


def check_may_read_content(principal: Principal, ect: Induction) -> None:
    """What was written in coaching: ``check_may_read``'s scope, for ``CONTENT_READERS``."""
    if principal.role not in CONTENT_READERS:
        raise Forbidden(f"only {', '.join(r.value for r in CONTENT_READERS)} may read what was "
                        f"written about an ECT; the token's role is {principal.role.value}")
    check_may_read(principal, ect)


def check_may_read_mentor(principal: Principal, mentor_id: UUID, school_id: str | None,
                          through: Induction | None) -> None:
    """``school_id``: the mentor's school (None while not yet looked up: an appropriate body is
    checked before, so an id it may not read tells it nothing); ``through``: the ECT an
    appropriate body asks through."""
    role = principal.role
    if role == Role.AUDITOR:
        return
    if role == Role.MENTOR:
        if principal.id != str(mentor_id):
            raise Forbidden("a mentor may read only their own record")
    elif role == Role.APPROPRIATE_BODY:
        if through is None:
            raise Forbidden("an appropriate body reads a mentor only through an ECT it holds or held "
                            "whose mentor they are: ask with ?ect_id=")
        _own_ab_rule(principal, through, "read its mentor")
        if through.mentor_id != mentor_id:
            raise Forbidden(f"mentor {mentor_id} is not the mentor of ECT {through.id}, so appropriate "
                            f"body {principal.appropriate_body_id} may not read them")
    elif role == Role.ECT:
        if through is None or not principal.is_ect(through.id) or through.mentor_id != mentor_id:
            raise Forbidden("an ECT may read only their own mentor's record")
    elif role in SCHOOL_READERS:
        if school_id is not None:
            _school_rule(principal, school_id, "read this mentor")
    else:
        raise Forbidden(f"a {role.value} may not read a mentor's record")


def check_may_register(principal: Principal, appropriate_body_id: str, school_id: str) -> None:
    if principal.role == Role.APPROPRIATE_BODY:
        if principal.appropriate_body_id != appropriate_body_id:
            raise Forbidden(f"appropriate body {principal.appropriate_body_id} may register ECTs only "
                            f"for itself, not for {appropriate_body_id}")
    elif principal.role == Role.HUB_LEAD:
        _school_rule(principal, school_id, "register an ECT there")
    else:
        raise Forbidden("only appropriate_body or hub_lead may register an ECT")


def check_may_release(principal: Principal, ect: Induction) -> None:
    if principal.role != Role.APPROPRIATE_BODY:
        raise Forbidden("only the appropriate body holding the ECT's induction may release them")
    if principal.appropriate_body_id != ect.appropriate_body_id:
        raise Forbidden(f"appropriate body {principal.appropriate_body_id} does not hold this ECT's "
                        "induction, so may not release them")


def check_may_manage(principal: Principal, ect: Induction, action: str) -> None:
    """School-side changes: mentor assignment, working pattern, absence, training, leaving."""
    if principal.role not in SCHOOL_STAFF:
        raise Forbidden(f"only induction_tutor or hub_lead may {action}; the token's role is "
                        f"{principal.role.value}")
    _school_rule(principal, ect.school_id, action)


def check_may_record_coaching(principal: Principal, ect: Induction, action: str) -> None:
    """Sessions and drop-ins: the assigned mentor, or the school's tutor or hub lead."""
    if principal.role == Role.MENTOR:
        ect.check_may_record_as_mentor(principal.id)
        return
    check_may_manage(principal, ect, action)


def check_may_manage_school(principal: Principal, school_id: str, action: str) -> None:
    if principal.role not in SCHOOL_STAFF:
        raise Forbidden(f"only induction_tutor or hub_lead may {action}")
    _school_rule(principal, school_id, action)
