"""Crypto-shredding at the platform's two edges: the event stores and the topics.

- **Stored events.** ``SealingMapper`` is eventsourcing's mapper with one step more: a domain
  event's personal attributes (each service names them, ``Personal``) are taken out of its
  state and stored sealed, AES-256-GCM under the person's data key (``ect_platform.keystore``),
  bound to the event's place (originator id and version). Reading the event opens them again;
  once the person is erased they read as erased (text ``"(erased)"``, a date ``None``), so an
  aggregate of an erased person still loads, replays and answers, with its dates and counts.
  The stored bytes never change: the hash chain over them still verifies after an erasure.
- **Integration events.** ``EnvelopeSealer`` seals an envelope's personal payload fields
  before it is published and opens them for a consumer (``contracts.sealed``), a batch's keys
  fetched in one look-up.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic

from contracts import EventEnvelope
from contracts.sealed import ERASED, open_envelope, personal_fields, seal_envelope
from ect_platform.keystore import Keystore

_BOX = "_sealed"
_NONCE = 12


@dataclass(frozen=True)
class Personal:
    """A domain event's personal attributes, and whose key seals them: the attribute holding
    the person's id (``originator_id`` when the aggregate is the person, e.g. an ECT's
    induction; ``ect_id`` for a report about the ECT)."""

    fields: tuple[str, ...]
    subject: str = "originator_id"


PersonalAttributes = Mapping[str, Personal]
"""By domain event class (its ``__qualname__``, e.g. ``Induction.EctRegistered``)."""


class SealingMapper(Mapper[UUID]):
    def __init__(self, transcoder: Transcoder, keystore: Keystore, personal: PersonalAttributes,
                 **kwargs: Any) -> None:
        super().__init__(transcoder, **kwargs)
        self.keystore = keystore
        self.personal = dict(personal)
        self._rules: dict[type, Personal | None] = {}

    def _rule(self, cls: type) -> Personal | None:
        """The rule for an event class, or for the class it inherits its attributes from (an
        aggregate's event made from a mixin's, e.g. ``Induction.SessionHeld``)."""
        if cls not in self._rules:
            self._rules[cls] = next((self.personal[k.__qualname__] for k in cls.__mro__
                                     if k.__qualname__ in self.personal), None)
        return self._rules[cls]

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        rule = self._rule(type(domain_event))
        if rule is None:
            return super().to_stored_event(domain_event)
        # eventsourcing's own steps (its mapper's to_stored_event), the personal ones sealed
        assert self.compressor is None and self.cipher is None, "sealing replaces the cipher"
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        values = {name: state.pop(name) for name in rule.fields}
        subject = UUID(str(getattr(domain_event, rule.subject)))
        key = self.keystore.key(subject, create=True)
        # what each value was, so an erased one reads as the same kind of nothing
        box: dict[str, Any] = {"k": str(subject), "kinds": {
            name: kind for name, kind in ((n, _kind(v)) for n, v in values.items()) if kind}}
        if key is not None:  # None: the person was erased already; what they gave is not kept
            nonce = os.urandom(_NONCE)
            sealed = AESGCM(key).encrypt(nonce, self.transcoder.encode(values),
                                         _place(originator_id, originator_version))
            box["d"] = base64.b64encode(nonce + sealed).decode()
        state[_BOX] = box
        return StoredEvent(originator_id=originator_id, originator_version=originator_version,
                           topic=get_topic(type(domain_event)), state=self.transcoder.encode(state))

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        box = getattr(event, _BOX, None)
        if box is None:
            return event
        rule = self._rule(type(event))
        names = rule.fields if rule is not None else ()
        key = self.keystore.key(UUID(box["k"])) if "d" in box else None
        values: dict[str, Any] | None = None
        if key is not None:
            raw = base64.b64decode(box["d"])
            try:
                plain = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], _place(
                    stored_event.originator_id, stored_event.originator_version))
            except InvalidTag as exc:
                raise ValueError(f"the personal data of event {stored_event.originator_id} "
                                 f"v{stored_event.originator_version} does not open with its "
                                 "person's key: the stored bytes were altered") from exc
            values = self.transcoder.decode(plain)
        if values is None:
            kinds = box.get("kinds", {})
            values = {name: _ERASED_AS[kinds.get(name, "")]() for name in names}
        state = event.__dict__
        state.pop(_BOX, None)
        state.update(values)
        return event


_ERASED_AS: dict[str, Callable[[], Any]] = {
    "": lambda: ERASED, "date": lambda: None, "none": lambda: None, "list": list, "dict": dict}


def _kind(value: Any) -> str | None:
    """How an erased value reads: text (None here) as ``ERASED``, the others as empty."""
    if value is None:
        return "none"
    if isinstance(value, date):
        return "date"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return None


def _place(originator_id: Any, version: int) -> bytes:
    return f"{originator_id}:{version}".encode()


class EnvelopeSealer:
    """Seals envelopes for the topics and opens them for the consumers."""

    def __init__(self, keystore: Keystore) -> None:
        self.keystore = keystore

    @staticmethod
    def key_id(envelope: EventEnvelope[Any]) -> UUID:
        """Whose key seals an envelope: its ECT's, or its aggregate's (a mentor's own events)."""
        return envelope.ect_id or envelope.aggregate_id

    def seal(self, envelope: EventEnvelope[Any]) -> EventEnvelope[Any]:
        if not personal_fields(type(envelope.payload)):
            return envelope
        key_id = self.key_id(envelope)
        return seal_envelope(envelope, self.keystore.key(key_id, create=True), key_id)

    def open(self, envelope: EventEnvelope[Any]) -> EventEnvelope[Any]:
        return self.open_all([envelope])[0]

    def open_all(self, envelopes: Sequence[EventEnvelope[Any]]) -> list[EventEnvelope[Any]]:
        """The envelopes with their personal fields in clear (or erased), keys fetched at once."""
        wanted = {e.sealed.key_id for e in envelopes if e.sealed is not None}
        keys = self.keystore.keys(wanted) if wanted else {}
        return [open_envelope(e, keys.get(e.sealed.key_id) if e.sealed is not None else None)
                for e in envelopes]

    def forget(self, key_ids: Iterable[UUID]) -> None:
        """Told of an erasure: drop any key remembered for these people before reading again."""
        for key_id in key_ids:
            self.keystore.forget(key_id)
