"""An ECT's timeline: everything reporting knows happened, newest first, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reporting.domain.history import EctHistory
from reporting.projections.directory import Directory

REPORT_KINDS = {"progress_review": "Progress review", "formal_assessment": "Formal assessment",
                "interim_assessment": "Interim assessment"}
MISSED_BECAUSE = {"ect_absent": "the ECT was absent", "mentor_absent": "the mentor was absent",
                  "school_event": "a school event", "other": "another reason"}


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # a short noun a hub lead scans for: Session, Drop-in, Absence, Review...
    what: str
    tone: str = ""  # "warning" for what needs attention; shown in words as well as colour


def _report(kind: str, term: int, on_track: bool, recommendation: str | None, signed: bool) -> str:
    words = [f"{REPORT_KINDS.get(kind, kind)} for term {term}: "
             f"{'on track' if on_track else 'not on track'}"]
    if recommendation:
        words.append(f"recommends {recommendation.replace('_', ' ')}")
    if not signed:
        words.append("not fully signed")
    return "; ".join(words)


def entries(h: EctHistory, mentor_name: str | None = None, names: Directory | None = None) -> list[Entry]:
    """``mentor_name`` and ``names``: the people and places by name (as far as known)."""
    ab = (names or Directory()).appropriate_body
    found: list[Entry] = []
    for p in h.periods:
        found.append(Entry(p.start, "Induction", f"period with {ab(p.appropriate_body_id)} starts "
                           f"({p.induction_programme.replace('_', '-')})"))
        if p.end is not None:
            found.append(Entry(p.end, "Induction", f"period with {ab(p.appropriate_body_id)} ends: "
                               f"{p.end_reason or 'released'}"))
    if h.mentor_id is not None and h.mentor_assigned_on is not None:
        who = mentor_name or "a mentor whose name is not known yet"
        found.append(Entry(h.mentor_assigned_on, "Mentor", f"{who} assigned as mentor"))
    found += [Entry(s.held_on, "Session", f"coaching session held, {s.minutes} minutes")
              for s in h.sessions.values()]
    found += [Entry(m.due_on, "Session missed", f"missed because of {MISSED_BECAUSE.get(m.reason, m.reason)}",
                    "" if m.reason == "ect_absent" else "warning") for m in h.missed.values()]
    found += [Entry(d, "Drop-in", "drop-in observation recorded") for d in h.drop_ins.values()]
    for a in h.absences.values():
        counted = "counts towards the 30 days" if a.counts else "statutory leave, not counted (3.7)"
        found.append(Entry(a.first_day, "Absence", f"{a.days:g} day(s), {a.reason.value.replace('_', ' ')}; "
                           f"{counted}"))
    found += [Entry(r.submitted_on, "Review" if r.kind == "progress_review" else "Assessment",
                    _report(r.kind, r.term_number, r.on_track, r.recommendation, r.fully_signed),
                    "" if r.on_track and r.fully_signed else "warning") for r in h.reports.values()]
    found += [Entry(p.shared_on, "Support plan", "support plan shared with the appropriate body")
              for p in h.support_plans.values()]
    found += [Entry(t.held_on, "Training", f"hub {t.kind.replace('_', ' ')} "
                    f"{'attended' if t.attended else 'missed'}", "" if t.attended else "warning")
              for t in h.training.values()]
    for c in h.catch_ups.values():
        found.append(Entry(c.completed_on or c.due_by, "Catch-up",
                           f"catch-up work completed (due {c.due_by})" if c.completed_on
                           else "catch-up work due"))
    found += [Entry(e.decided_on, "Extension", f"extended by {e.extension_terms} term(s) by "
                    f"{ab(e.appropriate_body_id)}: {e.reason}") for e in h.extensions]
    if h.outcome is not None:
        found.append(Entry(h.outcome.decided_on, "Outcome", f"induction {h.outcome.outcome} "
                           f"({ab(h.outcome.appropriate_body_id)})"))
    if h.left_on is not None:
        found.append(Entry(h.left_on, "Left", "the ECT left the school"))
    return sorted(found, key=lambda e: e.on, reverse=True)  # stable: a day keeps the order above
