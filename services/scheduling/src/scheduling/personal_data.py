"""Which attributes of scheduling's domain events are personal data, and whose.

Each is stored sealed with the person's data key (``ect_platform.sealing``): an ECT's
identity and what mentors and tutors write about their teaching, with the ECT's key; a
mentor's identity with the mentor's. The integration events mark the same fields in their
contracts (``contracts.sealed.PERSONAL``); ``tests/unit/test_personal_data.py`` holds the two
lists together.
"""

from __future__ import annotations

from ect_platform.sealing import Personal

ECT = "originator_id"  # events of an ECT's induction: the aggregate is the ECT

PERSONAL: dict[str, Personal] = {
    "Induction.EctRegistered": Personal(("trn", "name", "date_of_birth"), ECT),
    "EctTrnIndex.Indexed": Personal(("trn",), "ect_id"),
    "Induction.MentorAssigned": Personal(("policy_override_reason",), ECT),
    "Induction.EctReleased": Personal(("reason",), ECT),
    "Induction.EctLeft": Personal(("reason",), ECT),
    "Programme.SessionHeld": Personal(("action_step",), ECT),
    "Programme.SessionMissed": Personal(("note",), ECT),
    "Programme.DropInRecorded": Personal(("strengths", "development_areas", "next_step"), ECT),
    "Mentor.MentorRegistered": Personal(("trn", "name"), "originator_id"),
    "MentorTrnIndex.Indexed": Personal(("trn",), "mentor_id"),
}
