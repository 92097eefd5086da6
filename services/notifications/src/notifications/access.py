"""Who may see and change a recipient's contact details, and which notifications a caller reads.

Contact details are personal data, so they are managed by their owner and by the hub; every
refusal is a 403 naming the rule:
- anyone manages their own (the token's ``sub`` is the recipient id: a mentor's id, a user id);
- an appropriate body's user manages the AB's own recipient (the AB id, ``ab`` claim);
- a hub lead whose token names no schools acts for the whole hub, so manages everyone's, to set
  up schools and ABs; a hub lead scoped to some schools manages only the people at those schools
  (mentors and induction tutors of their ECTs) and the hub's leads, never an AB's;
- an auditor sees notifications but not contact details: the audit trail never needs them.
"""

from __future__ import annotations

from collections.abc import Collection

from contracts import Role
from ect_platform.identity import Forbidden, Principal
from notifications.projections.notification import Scope

# Who may call a route at all (each route declares it); the functions below then scope it.
READERS = (Role.HUB_LEAD, Role.MENTOR, Role.INDUCTION_TUTOR, Role.APPROPRIATE_BODY, Role.AUDITOR,
           Role.HEADTEACHER, Role.ECT)
CONTACT_ROLES = (Role.HUB_LEAD, Role.MENTOR, Role.INDUCTION_TUTOR, Role.APPROPRIATE_BODY,
                 Role.HEADTEACHER, Role.ECT)


def check_may_manage_recipient(principal: Principal, recipient_id: str, *,
                               at_their_schools: bool = False, hub_lead_ids: Collection[str] = ()) -> None:
    """``at_their_schools``: whether the recipient is someone at the caller's schools (asked
    only for a hub lead scoped to some); ``hub_lead_ids``: the hub's leads."""
    if principal.id == recipient_id:
        return
    if principal.role == Role.HUB_LEAD and (
            principal.schools is None or at_their_schools or recipient_id in hub_lead_ids):
        return
    if principal.role == Role.APPROPRIATE_BODY and principal.appropriate_body_id == recipient_id:
        return
    if principal.role == Role.HUB_LEAD:
        schools = ", ".join(sorted(principal.schools or ()))
        raise Forbidden(f"hub lead {principal.id} acts for schools {schools} "
                        "only, so may manage the contact details of the people there and of the hub's "
                        f"leads, not those of {recipient_id}")
    raise Forbidden(f"{principal.role.value} {principal.id} may manage only their own contact details "
                    f"(or, as an appropriate body, its own), not those of {recipient_id}; "
                    "the hub lead manages everyone's")


def notification_scope(principal: Principal) -> Scope:
    """The notifications a caller may read: reporting's rule for ECTs (``reporting.access``),
    plus whatever was addressed to the caller. An auditor reads everything; so does a hub lead
    whose token names no schools (they act for every school of the hub)."""
    role = principal.role
    if role == Role.AUDITOR or (role == Role.HUB_LEAD and principal.schools is None):
        return Scope(everything=True)
    if role == Role.APPROPRIATE_BODY:
        ab = principal.appropriate_body_id or principal.id
        return Scope(recipient=(role.value, ab), ab=ab)
    if role in (Role.INDUCTION_TUTOR, Role.HUB_LEAD, Role.HEADTEACHER):
        return Scope(recipient=(role.value, principal.id), schools=tuple(sorted(principal.schools or ())))
    return Scope(recipient=(role.value, principal.id))
