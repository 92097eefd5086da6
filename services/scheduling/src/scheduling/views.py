"""What ``GET /ects/{id}`` and ``GET /mentors/{id}`` answer: the aggregate, with the clock's figures.

Every statutory figure is the kernel's timeline's (``statutory.timeline``), the same one
reporting and notifications ask, so no screen or message can disagree with this one.
"""

from __future__ import annotations

from typing import Any

from scheduling.domain.induction import Induction
from scheduling.domain.mentor import Mentor
from statutory.timeline import Timeline
from statutory.timetable import limit_percent


def ect_view(ect: Induction, timeline: Timeline) -> dict[str, Any]:
    year = timeline.induction_year
    lines = timeline.plan.extensions
    return {
        "id": ect.id,
        "version": ect.version,
        "trn": ect.trn,
        "name": ect.name,
        "status": ect.status,
        "school_id": ect.school_id,
        "subject": ect.subject,
        "phase": ect.phase,
        "qts_date": ect.qts_date,
        "induction_start_date": ect.induction_start_date,
        "fte": ect.fte,
        "working_pattern": [{"effective_from": c.effective_from, "fte": c.fte} for c in ect.fte_history],
        "appropriate_body_id": ect.appropriate_body_id,
        "periods": [{"appropriate_body_id": p.appropriate_body_id, "start": p.start, "end": p.end}
                    for p in ect.periods],
        "induction_programme": ect.induction_programme,
        "induction_tutor_id": ect.induction_tutor_id,
        "left_on": ect.left_on,
        "induction_year": year,
        "year_two_starts": timeline.year_two_starts,
        "terms_served": float(timeline.terms_served),
        "terms_required": float(timeline.terms_required),
        "terms_remaining": float(timeline.terms_remaining),
        "absence_days_counted_this_year": timeline.counted_absence_days(year),
        "absence_extension_days": sum(line.days or 0.0 for line in lines if line.source == "absence"),
        "statutory_leave_extension_days": sum(line.days or 0.0 for line in lines
                                              if line.source == "statutory_leave"),
        "absences": [{"first_day": a.first_day, "days": a.days, "reason": a.reason.value,
                      "induction_year": a.induction_year, "counts": a.counts}
                     for a in timeline.plan.absences],
        "reports_due": [{"kind": r.kind, "term_number": r.term_number, "held_on": r.held_on,
                         "due_on": r.due_on, "appropriate_body_id": r.appropriate_body_id,
                         "school_id": r.school_id, "final": r.final,
                         "postponed_until": r.postponed_until}
                        for r in timeline.reports],
        "mentor_id": ect.mentor_id,
        "sessions_expected": timeline.sessions_expected(),
        "sessions_held": ect.sessions_held,
        "sessions_missed": ect.sessions_missed,
        "minutes_coached": ect.minutes_coached,
        "last_session_on": ect.last_session_on,
        "drop_ins": len(ect.drop_in_ids),
        "open_catch_ups": [{"id": k, "due_by": v} for k, v in sorted(ect.open_catch_ups.items(),
                                                                    key=lambda kv: kv[1])],
        "timetable": [{"induction_year": y, "timetable_percent": p, "limit_percent": limit_percent(y)}
                      for y, p in sorted(ect.timetable.items())],
        "breakdown": timeline.breakdown(),
    }


def mentor_view(mentor: Mentor) -> dict[str, Any]:
    return {
        "id": mentor.id,
        "trn": mentor.trn,
        "name": mentor.name,
        "school_id": mentor.school_id,
        "subject": mentor.subject,
        "phase": mentor.phase,
        "years_teaching": mentor.years_teaching,
        "training": mentor.training_progress(),
    }
