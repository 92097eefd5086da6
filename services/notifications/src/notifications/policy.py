"""What the hub has configured: who hears which rule, reminder timing, grace, retries.

Built from settings by the composition root; the rules read it and never the environment.
Statutory deadlines are not configurable; when and how often people are reminded of them is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from contracts import Role
from notifications.message import RULES, Rule


@dataclass(frozen=True)
class Policy:
    # Reminders of a due date: these many days before it (0 = on the day), ...
    days_before: tuple[int, ...] = (7, 1, 0)
    # ... then every this many days while it is overdue.
    overdue_every_days: int = 7
    # Coaching: a session owed in a teaching week is "missed" this many days after that week.
    entitlement_grace_days: int = 3
    # The hub programme leads who hear escalations (their ids, as in their tokens).
    hub_lead_ids: tuple[str, ...] = ("hub-lead",)
    disabled: frozenset[Rule] = frozenset()
    audiences: Mapping[Rule, tuple[Role, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(days < 0 for days in self.days_before):
            raise ValueError("reminders go out before or on a due date: days_before must be >= 0")
        if self.overdue_every_days < 1:
            raise ValueError("overdue_every_days must be at least 1")
        if self.entitlement_grace_days < 0:
            raise ValueError("entitlement_grace_days must not be negative")

    def enabled(self, rule: Rule) -> bool:
        return rule not in self.disabled

    def audience(self, rule: Rule) -> tuple[Role, ...]:
        if not self.enabled(rule):
            return ()
        return self.audiences.get(rule, RULES[rule].audience)

    @property
    def grace(self) -> timedelta:
        return timedelta(days=self.entitlement_grace_days)
