"""One induction clock: scheduling, reporting and notifications agree on every figure and date.

The same real inductions (histories that began in the past, on a test clock) go through
scheduling's application; every event it and reporting store is delivered, as the bytes on
the topic, to reporting's consumer on PostgreSQL, to scheduling's inbound consumer (the AB's
decisions) and to notifications' fold. Then, on several days of each induction:

- scheduling's ``GET /ects/{id}`` view, reporting's entitlement and notifications' timeline
  give the same terms served, terms required, year of induction, year-two start and the same
  breakdown, line for line;
- every report reporting lists as due is one scheduling's view lists, on the same date;
- every report notifications reminds the current AB's tutor of is due on the date reporting
  and scheduling give it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from contracts import decode
from notifications.induction import InductionState, evolve, timeline_of
from notifications.reminders import report_deadlines
from scheduling.integration.inbound import InboundFacts
from scheduling.views import ect_view
from tests.integration.test_reporting_absence_scenarios import absent
from tests.integration.test_reporting_harness import AB, LEAD_P, Hub, open_hub, record
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration

OWN_DATES = [  # school 100002's own 2025/26 and 2026/27 dates: a short spring, an early summer
    (2025, [{"name": "autumn", "start": date(2025, 9, 3), "end": date(2025, 12, 17)},
            {"name": "spring", "start": date(2026, 1, 6), "end": date(2026, 3, 27)},
            {"name": "summer", "start": date(2026, 4, 13), "end": date(2026, 7, 15)}]),
    (2026, [{"name": "autumn", "start": date(2026, 9, 2), "end": date(2026, 12, 16)},
            {"name": "spring", "start": date(2027, 1, 5), "end": date(2027, 3, 24)},
            {"name": "summer", "start": date(2027, 4, 12), "end": date(2027, 7, 14)}]),
]


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    for year, terms in OWN_DATES:
        hub.scheduling.set_term_dates("100002", year, terms, provenance=LEAD_P)
    yield hub
    await hub.pool.close()


def plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


class Services:
    """What each service says of one ECT, from the same delivered events."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.inbound = InboundFacts(hub.scheduling)
        self.fed = 0

    async def deliver(self) -> None:
        await self.hub.deliver()
        fresh = self.hub.delivered[self.fed:]
        self.fed = len(self.hub.delivered)
        await self.inbound.handle([record(v, n) for n, v in enumerate(fresh)])
        await self.hub.deliver()  # anything scheduling recorded from the AB's decisions

    def notifications(self, ect: UUID) -> InductionState:
        state = InductionState(ect_id=ect)
        for value in self.hub.delivered:
            envelope = self.hub.sealer.open(decode(value))  # as notifications opens it
            if envelope.ect_id == ect:
                state = evolve(state, envelope)
        return state

    async def agree(self, ect: UUID) -> dict[str, Any]:
        """Assert the three agree today; reporting's figures, for the scenario's own checks."""
        await self.deliver()
        app, today = self.hub.scheduling, self.hub.clock.today
        induction = app.get_induction(ect)
        scheduling = plain(ect_view(induction, app.timeline_of(induction, today)))
        reporting = plain(await self.hub.entitlement(ect))
        state = self.notifications(ect)
        calendars = {school: app.calendar_for(school) for school in state.school_ids()}
        notifications = timeline_of(state, calendars, today)
        told = plain(notifications.breakdown())
        for key in ("terms_served", "terms_required", "induction_year", "year_two_starts"):
            assert scheduling[key] == reporting[key] == told[key], key
        assert scheduling["breakdown"] == reporting["breakdown"] == told
        submissions = await self.hub.submissions(ect)
        scheduled = {(r["term_number"], r["kind"]): r["due_on"] for r in scheduling["reports_due"]}
        for key, row in submissions.items():
            if row["due_on"] is not None:
                assert scheduled[key] == row["due_on"], key
        for deadline in report_deadlines(state, notifications):
            # "the progress review for term 2", "the interim assessment": the kind and term reminded of
            kind = next(k for k in ("progress_review", "formal_assessment", "interim_assessment")
                        if k.replace("_", " ") in deadline.what)
            term = re.search(r"term (\d+)", deadline.what)
            planned = {due for (number, of), due in scheduled.items()
                       if of == kind and (term is None or number == int(term.group(1)))}
            assert deadline.due_on.isoformat() in planned, (deadline.what, deadline.due_on, planned)
        return reporting


@pytest.fixture
def services(hub: Hub) -> Services:
    return Services(hub)


async def test_a_gap_and_a_second_ab_agree_everywhere(hub: Hub, services: Services):
    ect = hub.register()
    hub.on(date(2025, 12, 19))
    hub.scheduling.release(ect, released_on=date(2025, 12, 19), reason="contract ended", provenance=LEAD_P)
    await services.agree(ect)
    hub.on(date(2026, 4, 20))
    hub.register(appropriate_body_id="ab-2", induction_start_date=date(2026, 4, 20))
    for day in (date(2026, 6, 1), date(2026, 7, 20), date(2026, 12, 18)):
        hub.on(day)
        row = await services.agree(ect)
    assert row["terms_served"] == 3.0


async def test_a_short_post_a_part_timer_and_a_transfer_to_other_term_dates_agree_everywhere(
        hub: Hub, services: Services):
    ect = hub.register(fte=0.6)
    hub.on(date(2025, 10, 10))
    hub.scheduling.release(ect, released_on=date(2025, 10, 10), reason="left the school", provenance=LEAD_P)
    hub.on(date(2026, 1, 5))
    hub.register(appropriate_body_id="ab-2", induction_start_date=date(2026, 1, 5), fte=0.6)
    hub.on(date(2026, 2, 2))
    hub.scheduling.change_working_pattern(ect, fte=0.8, effective_from=date(2026, 2, 2), provenance=LEAD_P)
    await services.agree(ect)
    hub.on(date(2026, 4, 13))
    hub.scheduling.transfer(ect, to_school_id="100002", effective_on=date(2026, 4, 13),
                            induction_tutor_id="tutor-2", provenance=LEAD_P)
    for day in (date(2026, 4, 14), date(2026, 9, 30), date(2027, 3, 1)):
        hub.on(day)
        row = await services.agree(ect)
    first = row["breakdown"]["periods"][0]
    assert (first["counts"], first["terms"]) == (False, 0.0)


async def test_absences_statutory_leave_and_the_abs_decisions_agree_everywhere(hub: Hub, services: Services):
    ect = hub.register()
    hub.on(date(2026, 3, 20))
    absent(hub, ect, date(2025, 11, 3), 30, "sickness")
    absent(hub, ect, date(2026, 3, 2), 10, "sickness")
    await services.agree(ect)
    hub.on(date(2026, 7, 10))
    absent(hub, ect, date(2026, 4, 20), 30, "maternity")
    hub.on(date(2026, 9, 7))
    hub.scheduling.opt_to_extend(ect, extension_days=30, provenance=LEAD_P)
    row = await services.agree(ect)
    assert row["terms_required"] == 7.2  # 40 days' absence (0.7) and 30 of leave (0.5)
    hub.on(date(2026, 9, 8))
    await hub.post(f"/ects/{ect}/reductions", {"reduction_terms": "1.0", "reason": "a year in a sixth-form "
                   "college", "ect_consented_on": "2026-09-01", "decided_on": "2026-09-08"}, AB)
    row = await services.agree(ect)
    assert row["terms_required"] == 6.2
    for day in (date(2027, 1, 15), date(2027, 5, 4)):
        hub.on(day)
        await services.agree(ect)


async def test_a_period_the_ab_recorded_a_number_of_terms_for_counts_as_recorded_everywhere_2_31(
        hub: Hub, services: Services):
    ect = hub.register()
    hub.on(date(2025, 10, 10))
    # six weeks would count for nothing (2.33), but the AB recorded 0.4 terms for the period
    hub.scheduling.release(ect, released_on=date(2025, 10, 10), reason="moved area", provenance=LEAD_P,
                           number_of_terms=Decimal("0.4"))
    hub.on(date(2026, 1, 5))
    hub.register(appropriate_body_id="ab-2", induction_start_date=date(2026, 1, 5))
    hub.on(date(2026, 4, 2))
    row = await services.agree(ect)
    first = row["breakdown"]["periods"][0]
    assert (first["terms"], first["counts"], first["recorded"]) == (0.4, True, True)
    assert row["terms_served"] == 1.4
