"""What ``GET /ects/{id}`` and ``GET /mentors/{id}`` answer: the aggregate, with its derived figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from scheduling.domain.induction import Induction
from scheduling.domain.mentor import Mentor
from statutory.absence import counted_days
from statutory.cadence import sessions_expected
from statutory.calendar import SchoolCalendar
from statutory.terms_served import induction_year_at, terms_remaining, terms_required


def ect_view(ect: Induction, calendar: SchoolCalendar, today: date) -> dict[str, Any]:
    as_of = min(today, ect.left_on or today)
    served = ect.served(calendar, as_of)
    year = induction_year_at(calendar, ect.induction_start_date, as_of, ect.fte_history)
    absences = list(ect.absences.values())
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
        "terms_served": float(served),
        "terms_required": float(terms_required()),
        "terms_remaining": float(terms_remaining(served, terms_required())),
        "absence_days_counted_this_year": counted_days(absences, year),
        "absence_extension_days": ect.absence_extension_days,
        "statutory_leave_extension_days": ect.statutory_extension_days,
        "mentor_id": ect.mentor_id,
        "sessions_expected": sessions_expected(calendar, ect.induction_start_date, as_of,
                                               ect.fte_history, ect.left_on),
        "sessions_held": ect.sessions_held,
        "sessions_missed": ect.sessions_missed,
        "minutes_coached": ect.minutes_coached,
        "last_session_on": ect.last_session_on,
        "drop_ins": len(ect.drop_in_ids),
        "open_catch_ups": [{"id": k, "due_by": v} for k, v in sorted(ect.open_catch_ups.items(),
                                                                    key=lambda kv: kv[1])],
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
