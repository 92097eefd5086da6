"""Every event scheduling stores is either published under a contract or documented as private."""

from __future__ import annotations

from eventsourcing.domain import CanMutateAggregate

from contracts import REGISTRY
from scheduling.domain.clock import InductionClock
from scheduling.domain.induction import EctTrnIndex, Induction
from scheduling.domain.mentor import Mentor, MentorTrnIndex
from scheduling.domain.programme import Programme
from scheduling.domain.school_terms import SchoolTerms
from scheduling.integration.outbound import PRIVATE_EVENTS, to_integration_event

AGGREGATES = (Induction, Programme, InductionClock, Mentor, SchoolTerms, EctTrnIndex, MentorTrnIndex)


def declared_events(cls: type) -> list[type]:
    """Event classes a class declares itself (not the copies eventsourcing makes for subclasses)."""
    inherited = {name for base in cls.__mro__[1:] for name in vars(base)}
    return [value for name, value in vars(cls).items()
            if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name not in inherited]


def test_every_stored_event_type_has_a_contract_or_a_documented_reason_to_stay_private():
    published = set(to_integration_event._translators)
    undocumented = [
        f"{cls.__name__}.{event.__name__}"
        for cls in AGGREGATES for event in declared_events(cls)
        if event not in published and event not in PRIVATE_EVENTS
    ]
    assert undocumented == []


def test_every_contract_scheduling_publishes_is_registered_with_a_schema():
    names = {event.__name__ for event in to_integration_event._translators}
    registered = {event_type for event_type, _ in REGISTRY}
    assert names <= registered
