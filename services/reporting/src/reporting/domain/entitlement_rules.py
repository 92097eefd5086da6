"""Is the ECT getting their full entitlement? A status, green / amber / red, with every reason.

A hub lead must see *why* an ECT is amber, so each rule that fires adds a sentence and the
worst level wins. The thresholds are hub policy, configurable (``Thresholds``, set from the
environment in ``reporting.settings``); the defaults, and what each rule looks at:

- **coaching shortfall**: sessions expected by the cadence (weekly in year 1, fortnightly in
  year 2, teaching weeks only) less sessions held, less sessions missed because the ECT was
  absent (not a gap in provision). Amber at 2, red at 4.
- **no recent session**: teaching weeks since the week of the last session (or the start).
  Amber at 3, red at 6; doubled in year 2, whose cadence is fortnightly.
- **no mentor**: amber from the first day without one; red after 14 days.
- **mentor training**: amber when the mentor missed a training session (1 or more).
- **catch-up work overdue**: amber for each overdue catch-up (1 or more).
- **absence**: counted days in the current induction year; amber at 20, red at 30, the
  statutory threshold (3.6) at which the headteacher must tell the AB (5.4).
- **reports**: a review or assessment missing past its due date is amber, red once more than
  10 days overdue (the AB chases late reports, 2.74).
- **progress**: the latest review not on track with no support plan shared is red (4.1);
  with a plan, amber while the ECT is not back on track.
- **timetable** (statutory, 2.20-2.21, ``statutory.timetable``): the share of a normal
  timetable recorded for the current year of induction over its limit (90% in year 1, 95% in
  year 2) is amber when reduced too little, red when not reduced at all.

The same rules, scoped to one term (its shortfall, its reports, its review), give the status
of each term.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reporting.domain.history import EctHistory
from reporting.domain.reports_owed import Submission
from statutory.timetable import TimetableStanding, limit_percent, standing

GREEN, AMBER, RED = "green", "amber", "red"
_RANK = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Thresholds:
    session_shortfall_amber: int = 2
    session_shortfall_red: int = 4
    weeks_without_session_amber: int = 3
    weeks_without_session_red: int = 6
    unmentored_days_red: int = 14
    mentor_training_missed_amber: int = 1
    catch_ups_overdue_amber: int = 1
    absence_days_amber: float = 20
    absence_days_red: float = 30
    report_overdue_red_days: int = 10


class Verdict:
    """Collects reasons; the status is the worst level among them."""

    def __init__(self) -> None:
        self.status = GREEN
        self.reasons: list[dict[str, str]] = []

    def add(self, level: str, rule: str, reason: str) -> None:
        self.reasons.append({"level": level, "rule": rule, "reason": reason})
        if _RANK[level] > _RANK[self.status]:
            self.status = level


def level(value: float, amber: float, red: float) -> str | None:
    if value >= red:
        return RED
    if value >= amber:
        return AMBER
    return None


def judge_coaching(v: Verdict, t: Thresholds, shortfall: int, expected: int, held: int,
                   excused: int) -> None:
    found = level(shortfall, t.session_shortfall_amber, t.session_shortfall_red)
    if found:
        v.add(found, "coaching_shortfall",
              f"{held} of {expected} coaching sessions held ({excused} excused: ECT absent), "
              f"{shortfall} short")


def judge_recent_session(v: Verdict, t: Thresholds, weeks: int, year: int,
                         last_session_on: date | None) -> None:
    factor = 2 if year >= 2 else 1
    found = level(weeks, t.weeks_without_session_amber * factor, t.weeks_without_session_red * factor)
    if found:
        since = f"since {last_session_on}" if last_session_on else "since the start"
        v.add(found, "no_recent_session", f"no coaching session for {weeks} teaching weeks ({since})")


def judge_mentor(v: Verdict, t: Thresholds, history: EctHistory, as_of: date,
                 training: dict[str, dict[str, int]]) -> None:
    if history.mentor_id is None and history.status == "open":
        since = history.unmentored_since or history.induction_start_date or as_of
        days = max((as_of - since).days, 0)
        found = RED if days > t.unmentored_days_red else AMBER
        v.add(found, "no_mentor", f"no mentor assigned for {days} days (since {since})")
        return
    missed = sum(tally.get("missed", 0) for tally in training.values())
    if history.mentor_id is not None and missed >= t.mentor_training_missed_amber:
        kinds = ", ".join(f"{kind} ({tally['missed']})" for kind, tally in sorted(training.items())
                          if tally.get("missed"))
        v.add(AMBER, "mentor_training", f"the mentor missed {missed} training session(s): {kinds}")


def judge_catch_ups(v: Verdict, t: Thresholds, overdue: int) -> None:
    if overdue >= t.catch_ups_overdue_amber:
        v.add(AMBER, "catch_up_overdue", f"{overdue} catch-up task(s) overdue")


def judge_absence(v: Verdict, t: Thresholds, days: float, year: int) -> None:
    found = level(days, t.absence_days_amber, t.absence_days_red)
    if found == RED:
        v.add(RED, "absence", f"{days:g} days' absence in induction year {year}: the 30-day threshold "
              "is reached, the year is extended by the days absent and the AB must be told (3.6, 5.4)")
    elif found == AMBER:
        v.add(AMBER, "absence", f"{days:g} days' absence in induction year {year}, approaching 30 (3.6)")


def judge_timetable(v: Verdict, year: int, timetable_percent: float | None) -> None:
    if timetable_percent is None:
        return
    found = standing(year, timetable_percent)
    if found is TimetableStanding.WITHIN:
        return
    limit = limit_percent(year)
    what = (f"a full timetable ({timetable_percent:g}%) in induction year {year}: no reduction"
            if found is TimetableStanding.NO_REDUCTION else
            f"{timetable_percent:g}% of a normal timetable in induction year {year}")
    v.add(RED if found is TimetableStanding.NO_REDUCTION else AMBER, "timetable",
          f"{what}, where an ECT teaches at most {limit:g}% (statutory guidance 2.20-2.21)")


def judge_reports(v: Verdict, t: Thresholds, items: list[Submission], today: date) -> None:
    for item in items:
        if item.state != "missing" or item.due_on is None:
            continue
        overdue = (today - item.due_on).days
        found = RED if overdue > t.report_overdue_red_days else AMBER
        v.add(found, "report_overdue", f"{item.kind.replace('_', ' ')} for term {item.term_number} "
              f"overdue since {item.due_on} ({overdue} days)")


def judge_progress(v: Verdict, history: EctHistory, term_number: int | None = None) -> None:
    """The latest review (of the term, when one is given) not on track needs a support plan (4.1)."""
    reports = [r for r in history.reports.values()
               if term_number is None or r.term_number == term_number]
    if not reports:
        return
    latest = max(reports, key=lambda r: (r.term_number, r.submitted_on))
    if latest.on_track:
        return
    plans = [p for p in history.support_plans.values()
             if p.report_id == latest.report_id or p.shared_on >= latest.submitted_on]
    what = f"{latest.kind.replace('_', ' ')} for term {latest.term_number} found the ECT not on track"
    if plans:
        shared = min(p.shared_on for p in plans)
        v.add(AMBER, "not_on_track", f"{what}; support plan shared on {shared} (4.1)")
    else:
        v.add(RED, "not_on_track", f"{what} and no support plan has been shared with the AB (4.1)")
