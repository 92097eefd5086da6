"""notifications' AsyncAPI document: the topic it publishes and the ones it reads.

``SUBSCRIBES`` names the topics bootstrap subscribes to; tests/contracts/test_asyncapi.py
fails when the two differ, so the document cannot name other topics than the service reads.
"""

from __future__ import annotations

import sys
from functools import cache

from contracts.topics import NOTIFICATIONS, REPORTING, SCHEDULING
from ect_platform import asyncapi

PUBLISHES = NOTIFICATIONS
SUBSCRIBES = (SCHEDULING, REPORTING)  # the facts and decisions that someone is told about
DESCRIPTION = ("Each notification's delivery (sent, or failed for good) as integration events, one "
               "message per event type and version; and the topics whose events people are "
               "notified of.")


@cache
def document(prefix: str = "") -> asyncapi.Document:
    return asyncapi.document("notifications", DESCRIPTION, PUBLISHES, SUBSCRIBES, prefix)


if __name__ == "__main__":  # `make asyncapi`: the document as committed under contracts/asyncapi
    sys.stdout.write(asyncapi.render(document()))
