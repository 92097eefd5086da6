"""Who may see and change a recipient's contact details. Every refusal is a 403 naming the rule.

Contact details are personal data, so they are managed by their owner and by the hub:
- anyone manages their own (the token's ``sub`` is the recipient id: a mentor's id, a user id);
- an appropriate body's user manages the AB's own recipient (the AB id, ``ab`` claim);
- the hub lead manages everyone's, to set up schools and ABs;
- an auditor sees notifications but not contact details: the audit trail never needs them.
"""

from __future__ import annotations

from contracts import Role
from ect_platform.identity import Forbidden, Principal


def check_may_manage_recipient(principal: Principal, recipient_id: str) -> None:
    if principal.role == Role.HUB_LEAD or principal.id == recipient_id:
        return
    if principal.role == Role.APPROPRIATE_BODY and principal.appropriate_body_id == recipient_id:
        return
    raise Forbidden(f"{principal.role.value} {principal.id} may manage only their own contact details "
                    f"(or, as an appropriate body, its own), not those of {recipient_id}; "
                    "the hub lead manages everyone's")
