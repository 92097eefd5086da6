"""scheduling's AsyncAPI document: the topic it publishes and the ones it reads.

``SUBSCRIBES`` names the topics bootstrap subscribes to; tests/contracts/test_asyncapi.py
fails when the two differ, so the document cannot name other topics than the service reads.
"""

from __future__ import annotations

import sys
from functools import cache

from contracts.topics import REPORTING, SCHEDULING
from ect_platform import asyncapi

PUBLISHES = SCHEDULING
SUBSCRIBES = (REPORTING,)  # the appropriate body's decisions on an induction
DESCRIPTION = ("The induction programme's facts (ECTs, mentors, sessions, calendars, absence) as "
               "integration events, one message per event type and version; and the reporting "
               "decisions scheduling acts on.")


@cache
def document(prefix: str = "") -> asyncapi.Document:
    return asyncapi.document("scheduling", DESCRIPTION, PUBLISHES, SUBSCRIBES, prefix)


if __name__ == "__main__":  # `make asyncapi`: the document as committed under contracts/asyncapi
    sys.stdout.write(asyncapi.render(document()))
