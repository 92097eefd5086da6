"""A school's record: its name (``SchoolRegistered``) and its own term dates, one academic
year at a time (the source of ``TermDatesSet``).

Schools without their own dates use the England default from ``calendar.england_default``.
Term dates are stored as plain dicts in the event so that replay never depends on the
calendar module's classes.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from scheduling.domain.errors import InvalidTermDatesError
from scheduling.domain.provenance import Provenance
from statutory.calendar import AcademicYear, SchoolCalendar, Term, TermName


def school_terms_id(school_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:school-terms:{school_id}")


def term_to_dict(term: Term) -> dict[str, Any]:
    half = term.half_term
    return {"name": term.name.value, "start": term.start, "end": term.end,
            "half_term_start": half[0] if half else None, "half_term_end": half[1] if half else None}


def term_from_dict(data: dict[str, Any]) -> Term:
    start, end = data.get("half_term_start"), data.get("half_term_end")
    if (start is None) != (end is None):
        raise InvalidTermDatesError(f"the {data['name']} half-term needs both a start and an end")
    half = (start, end) if start is not None and end is not None else None
    return Term(name=TermName(data["name"]), start=data["start"], end=data["end"], half_term=half)


def academic_year(start_year: int, terms: list[dict[str, Any]]) -> AcademicYear:
    """Validated term dates; any inconsistency is an InvalidTermDatesError naming it."""
    by_name = {t["name"]: t for t in terms}
    if sorted(by_name) != ["autumn", "spring", "summer"]:
        raise InvalidTermDatesError("give exactly one autumn, one spring and one summer term")
    try:
        return AcademicYear(
            start_year=start_year,
            autumn=term_from_dict(by_name["autumn"]),
            spring=term_from_dict(by_name["spring"]),
            summer=term_from_dict(by_name["summer"]),
        )
    except ValueError as exc:
        raise InvalidTermDatesError(str(exc)) from exc


class SchoolTerms(Aggregate):
    @staticmethod
    def create_id(school_id: str) -> UUID:
        return school_terms_id(school_id)

    @event("Started")
    def __init__(self, *, school_id: str) -> None:
        self.school_id = school_id
        self.years: dict[int, list[dict[str, Any]]] = {}

    def set_term_dates(self, year: AcademicYear, provenance: Provenance) -> bool:
        terms = [term_to_dict(t) for t in year.terms]
        if self.years.get(year.start_year) == terms:
            return False
        self._term_dates_set(school_id=self.school_id, academic_year=year.start_year, terms=terms,
                             provenance=provenance)
        return True

    @event("TermDatesSet")
    def _term_dates_set(self, school_id: str, academic_year: int, terms: list[dict[str, Any]],
                        provenance: Provenance) -> None:
        self.years[academic_year] = terms

    @property
    def name(self) -> str | None:
        # records stored before schools had names have none until one is given
        return getattr(self, "_name", None)

    def register_name(self, name: str, provenance: Provenance) -> bool:
        """The school's name as people read it; False when it already is that."""
        if name == self.name:
            return False
        self._school_registered(school_id=self.school_id, name=name, provenance=provenance)
        return True

    @event("SchoolRegistered")
    def _school_registered(self, school_id: str, name: str, provenance: Provenance) -> None:
        self._name = name

    def calendar(self) -> SchoolCalendar:
        return SchoolCalendar({y: academic_year(y, terms) for y, terms in self.years.items()})

