"""reporting's AsyncAPI document: the topic it publishes and the ones it reads.

``SUBSCRIBES`` names the topics bootstrap subscribes to; tests/contracts/test_asyncapi.py
fails when the two differ, so the document cannot name other topics than the service reads.
"""

from __future__ import annotations

import sys
from functools import cache

from contracts.topics import NOTIFICATIONS, REPORTING, SCHEDULING
from ect_platform import asyncapi

PUBLISHES = REPORTING
# every topic, its own included: its read models follow the whole induction
SUBSCRIBES = (SCHEDULING, REPORTING, NOTIFICATIONS)
DESCRIPTION = ("Reviews, assessments, support plans and induction outcomes as integration events, "
               "one message per event type and version; and every topic reporting's read models "
               "follow.")


@cache
def document(prefix: str = "") -> asyncapi.Document:
    return asyncapi.document("reporting", DESCRIPTION, PUBLISHES, SUBSCRIBES, prefix)


if __name__ == "__main__":  # `make asyncapi`: the document as committed under contracts/asyncapi
    sys.stdout.write(asyncapi.render(document()))
