"""How a message names the people it is about: by name and TRN, never by an id.

Where notifications has not been told a name (an event that came before the registration, or
a state stored before names were kept, which a refold fills in), the message says so plainly.
"""

from __future__ import annotations

from notifications.induction import InductionState

UNNAMED_ECT = "an ECT whose name this service has not been told yet"


def ect(state: InductionState | None) -> str:
    """'Ada Lovelace (TRN 1234567)', in the middle of a sentence."""
    if state is None or not state.name:
        return UNNAMED_ECT
    return f"{state.name} (TRN {state.trn})" if state.trn else state.name


def mentor(state: InductionState | None) -> str:
    if state is None or not state.mentor_id:
        return "none assigned"
    return state.mentor_name or "assigned, but this service has not been told their name yet"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def school(state: InductionState | None) -> str:
    """'Oakwood Primary School (URN 100001)'; 'school URN 100001' while its name is unknown."""
    if state is None or not state.school_id:
        return "their school"
    return f"{state.school_name} (URN {state.school_id})" if state.school_name else (
        f"school URN {state.school_id}")
