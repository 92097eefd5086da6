"""An appropriate body's record in the hub's directory: its name, as people read it.

ABs are known everywhere by their id (the ``appropriate_body_id`` of tokens and claims); this
record gives that id a name for letters, lists and the dashboard (``AppropriateBodyRegistered``).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from scheduling.domain.provenance import Provenance


def appropriate_body_record_id(appropriate_body_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:appropriate-body:{appropriate_body_id}")


class AppropriateBody(Aggregate):
    @staticmethod
    def create_id(appropriate_body_id: str) -> UUID:
        return appropriate_body_record_id(appropriate_body_id)

    @event("Started")
    def __init__(self, *, appropriate_body_id: str) -> None:
        self.appropriate_body_id = appropriate_body_id
        self.name: str | None = None

    def register_name(self, name: str, provenance: Provenance) -> bool:
        """False when it already has that name."""
        if name == self.name:
            return False
        self._registered(appropriate_body_id=self.appropriate_body_id, name=name,
                         provenance=provenance)
        return True

    @event("AppropriateBodyRegistered")
    def _registered(self, appropriate_body_id: str, name: str, provenance: Provenance) -> None:
        self.name = name
