"""Webhooks over HTTP (httpx): a JSON POST signed with HMAC-SHA256 (``adapters.signing``).

The body is the notification (no personal data beyond the recipient's platform id). The
``X-ECT-Notification-Id`` header is an idempotency key: a receiver that sees the same id
twice (we retried after a timeout it had in fact answered) should ignore the second.
2xx is success; 408, 429 and 5xx or no answer are temporary; any other answer is permanent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence

import httpx

from notifications.adapters.signing import NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, sign
from notifications.channels import Failed, Outbound, Result, Sent

TEMPORARY_STATUSES = {408, 425, 429}


def host_allowed(url: str, allowed_hosts: Sequence[str]) -> bool:
    """Whether ``url`` may be posted to. Anyone may register a webhook for themselves, so in
    production the hosts are listed (``NOTIFICATIONS_WEBHOOK_ALLOWED_HOSTS``) and the service
    cannot be used to reach its own network; ``.example.org`` allows any subdomain. An empty
    list allows every host (development)."""
    if not allowed_hosts:
        return True
    host = (httpx.URL(url).host or "").lower().rstrip(".")
    return any(host == entry.lower() or (entry.startswith(".") and host.endswith(entry.lower()))
               for entry in allowed_hosts)


def payload(message: Outbound) -> bytes:
    """The exact bytes that are signed and sent (compact JSON, keys sorted)."""
    return json.dumps({
        "notification_id": str(message.notification_id),
        "rule": message.rule,
        "recipient_role": message.recipient_role,
        "recipient_id": message.recipient_id,
        "ect_id": str(message.ect_id) if message.ect_id else None,
        "subject": message.subject,
        "body": message.body,
        "statutory": message.statutory,
        "due_on": message.due_on.isoformat() if message.due_on else None,
    }, sort_keys=True, separators=(",", ":")).encode()


class WebhookChannel:
    def __init__(self, client: httpx.AsyncClient, secret: str, *, allowed_hosts: Sequence[str] = (),
                 clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._secret = secret.encode()
        self._allowed_hosts = tuple(allowed_hosts)
        self._clock = clock

    async def send(self, message: Outbound, url: str) -> Result:
        if not host_allowed(url, self._allowed_hosts):
            # registered before the list was tightened: refused for good, and visibly
            return Failed(permanent=True, detail="webhook host not allowed")
        body = payload(message)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self._secret, int(self._clock()), body),
            NOTIFICATION_ID_HEADER: str(message.notification_id),
            "User-Agent": "ect-platform-notifications/1",
        }
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Failed(permanent=False, detail=f"webhook unreachable ({type(exc).__name__})",
                          internal=str(exc))
        if response.is_success:
            return Sent()
        status = response.status_code
        temporary = status >= 500 or status in TEMPORARY_STATUSES
        return Failed(permanent=not temporary, detail=f"HTTP {status}",
                      internal=f"HTTP {status}: {response.text[:500]}")
