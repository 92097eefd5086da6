"""One topic per producing service. Messages are keyed by ECT id so each ECT's events stay in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    source: str
    name: str
    partitions: int = 6

    def qualified(self, prefix: str = "") -> str:
        """The name on the broker; a prefix lets several environments share one cluster."""
        return f"{prefix}{self.name}"


SCHEDULING = Topic(source="scheduling", name="ect.scheduling.events.v1")
REPORTING = Topic(source="reporting", name="ect.reporting.events.v1")
NOTIFICATIONS = Topic(source="notifications", name="ect.notifications.events.v1")

ALL_TOPICS = (SCHEDULING, REPORTING, NOTIFICATIONS)


def topic_for_source(source: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.source == source:
            return topic
    raise KeyError(f"no topic is registered for source {source!r}")
