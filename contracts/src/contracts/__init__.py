"""Public integration events of the ECT induction platform.

Everything another team may rely on lives here: the envelope every event travels in,
the payload of each event version, the topic registry, and the JSON Schema snapshots
committed under ``contracts/schemas``. Services share this package and nothing else.
"""

from contracts.base import Actor, EventEnvelope, EventPayload, Role
from contracts.registry import REGISTRY, ContractError, decode, encode, schema_for
from contracts.topics import Topic, topic_for_source

__all__ = [
    "REGISTRY",
    "Actor",
    "ContractError",
    "EventEnvelope",
    "EventPayload",
    "Role",
    "Topic",
    "decode",
    "encode",
    "schema_for",
    "topic_for_source",
]
