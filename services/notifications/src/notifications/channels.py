"""What a delivery channel is given and what it answers: sent, or failed (for now or for good).

Channels live in ``adapters`` (SMTP, webhooks). A failure carries two texts: ``detail`` is
safe to publish (``SMTP 550``, ``HTTP 503``, ``connection refused``: what went wrong, never
an address), ``internal`` may quote the server and stays in this service's database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class Outbound:
    notification_id: UUID
    rule: str
    recipient_role: str
    recipient_id: str
    ect_id: UUID | None
    subject: str
    body: str
    statutory: bool
    due_on: date | None


@dataclass(frozen=True)
class Sent:
    pass


@dataclass(frozen=True)
class Failed:
    permanent: bool  # retrying cannot help (a 5xx from SMTP, a 4xx from a webhook)
    detail: str
    internal: str = ""


Result = Sent | Failed


class EmailSender(Protocol):
    async def send(self, message: Outbound, to: str, name: str | None) -> Result: ...


class WebhookSender(Protocol):
    async def send(self, message: Outbound, url: str) -> Result: ...
