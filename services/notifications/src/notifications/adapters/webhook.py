"""Webhooks over HTTP (httpx): a JSON POST signed with HMAC-SHA256 (``adapters.signing``).

The body is the notification (no personal data beyond the recipient's platform id). The
``X-ECT-Notification-Id`` header is an idempotency key: a receiver that sees the same id
twice (we retried after a timeout it had in fact answered) should ignore the second.
2xx is success; 408, 429 and 5xx or no answer are temporary; any other answer is permanent.

A webhook is an outbound call to an address anyone may register for themselves, so each send
is guarded (``WebhookGuard``): https only (outside development), the allow-listed hosts only,
and never an address that is not global (loopback, private, link-local, the cloud metadata
address...), checked on the addresses the name resolves to *at send time*. The request then
goes to the very address that was checked (the Host header and the TLS server name stay the
registered host's), so a name that resolves elsewhere between the check and the connect
(DNS rebinding) cannot slip through. Each send is bounded as a whole (one deadline over
resolving, connecting, writing and reading) and reads at most a few KiB of the answer, so a
slow or huge receiver costs one slot for a few seconds, never the worker.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import httpx

from notifications.adapters.signing import NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, sign
from notifications.channels import Failed, Outbound, Result, Sent

TEMPORARY_STATUSES = {408, 425, 429}
MAX_RESPONSE_BYTES = 16 * 1024  # we keep 500 characters of an error answer; the rest is not read

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class WebhookRefusedError(Exception):
    """The URL or the address it resolves to breaks a rule; ``str()`` names the rule."""


def host_allowed(url: str, allowed_hosts: Sequence[str]) -> bool:
    """Whether ``url``'s host is on the allow-list (``NOTIFICATIONS_WEBHOOK_ALLOWED_HOSTS``);
    ``.example.org`` allows any subdomain. An empty list allows every host by name: the
    addresses are still checked (``WebhookGuard``)."""
    if not allowed_hosts:
        return True
    host = (httpx.URL(url).host or "").lower().rstrip(".")
    return any(host == entry.lower() or (entry.startswith(".") and host.endswith(entry.lower()))
               for entry in allowed_hosts)


def networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs)


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _why_not_global(address: Address) -> str | None:
    """What kind of non-global address this is, or None for a global one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        why = _why_not_global(address.ipv4_mapped)
        return f"IPv4-mapped {why}" if why else None
    for kind, flag in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                       ("unspecified", address.is_unspecified), ("multicast", address.is_multicast),
                       ("reserved", address.is_reserved), ("private", address.is_private)):
        if flag:
            return kind
    if not address.is_global:  # shared (100.64/10), 6to4 / Teredo relays and other special ranges
        return "not global"
    return None


@dataclass(frozen=True)
class WebhookGuard:
    """Where webhooks may go. The defaults are production's: https, any global address.
    Development and tests allow http and name the non-global networks they use (loopback)."""

    allowed_hosts: tuple[str, ...] = ()
    require_https: bool = True
    allowed_networks: tuple[Network, ...] = ()

    def check_url(self, url: str) -> None:
        """The rules a URL can break by itself (at registration, and before each send): its
        scheme, its host against the allow-list, and a literal address that is not global."""
        parsed = httpx.URL(url)
        if parsed.scheme != "https" and not (parsed.scheme == "http" and not self.require_https):
            raise WebhookRefusedError("webhooks must use https")
        if not parsed.host:
            raise WebhookRefusedError("a webhook URL needs a host")
        if not host_allowed(url, self.allowed_hosts):
            raise WebhookRefusedError(f"webhooks may only go to {', '.join(self.allowed_hosts)}")
        literal = _literal(parsed.host)
        if literal is not None:
            self.check_address(literal)

    def check_address(self, address: Address) -> None:
        why = _why_not_global(address)
        if why and not any(address in network for network in self.allowed_networks
                           if network.version == address.version):
            raise WebhookRefusedError(
                f"webhooks may not go to a {why} address ({address})")

    async def resolve(self, url: httpx.URL) -> Address:
        """The address to connect to: every address the host resolves to must pass (a name with
        one private address among public ones is refused), and the first is used."""
        literal = _literal(url.host)
        if literal is not None:
            self.check_address(literal)
            return literal
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                url.host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise httpx.ConnectError(f"cannot resolve the webhook host: {exc}") from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
        if not addresses:
            raise httpx.ConnectError("the webhook host has no address")
        for address in addresses:
            self.check_address(address)
        return addresses[0]


def client() -> httpx.AsyncClient:
    """The client webhooks are sent with: no redirects (a 3xx is an answer, never followed to
    an unchecked address), no proxy from the environment (it would connect elsewhere than the
    address checked), and no kept-alive connections: requests go to an address, so a pooled
    connection would be shared by every host on that address, and one verified by TLS for one
    host would carry another's request. Time is bounded per send by ``WebhookChannel``."""
    return httpx.AsyncClient(follow_redirects=False, trust_env=False,
                             limits=httpx.Limits(max_connections=100, max_keepalive_connections=0))


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
    def __init__(self, client: httpx.AsyncClient, secret: str, *, guard: WebhookGuard | None = None,
                 deadline_seconds: float = 10.0, max_response_bytes: int = MAX_RESPONSE_BYTES,
                 clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._secret = secret.encode()
        self._guard = guard or WebhookGuard()
        self._deadline = deadline_seconds
        self._max_bytes = max_response_bytes
        self._clock = clock

    async def send(self, message: Outbound, url: str) -> Result:
        try:
            self._guard.check_url(url)
        except WebhookRefusedError as exc:
            # e.g. registered before the list was tightened: refused for good, and visibly
            return Failed(permanent=True, detail="webhook host not allowed", internal=str(exc))
        body = payload(message)
        target = httpx.URL(url)
        headers = {
            "Host": target.netloc.decode("ascii"),
            "Content-Type": "application/json",
            "Accept-Encoding": "identity",  # the answer's bytes are capped as they arrive
            SIGNATURE_HEADER: sign(self._secret, int(self._clock()), body),
            NOTIFICATION_ID_HEADER: str(message.notification_id),
            "User-Agent": "ect-platform-notifications/1",
        }
        try:
            async with asyncio.timeout(self._deadline):
                address = await self._guard.resolve(target)
                return await self._post(target, address, body, headers)
        except WebhookRefusedError as exc:  # the name resolves to an address we must not call
            return Failed(permanent=True, detail="webhook host not allowed", internal=str(exc))
        except TimeoutError:
            return Failed(permanent=False, detail=f"webhook gave no answer within {self._deadline:g}s",
                          internal=f"deadline of {self._deadline:g}s passed")
        except httpx.HTTPError as exc:
            return Failed(permanent=False, detail=f"webhook unreachable ({type(exc).__name__})",
                          internal=str(exc))

    async def _post(self, target: httpx.URL, address: Address, body: bytes,
                    headers: dict[str, str]) -> Result:
        # To the address checked, not the name again; TLS still verifies the registered host.
        pinned = target.copy_with(host=str(address))
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        request = self._client.build_request("POST", pinned, content=body, headers=headers,
                                             timeout=self._deadline, extensions=extensions)
        response = await self._client.send(request, stream=True)
        try:
            if response.is_success:
                return Sent()  # its body is never read
            excerpt = await self._excerpt(response)
        finally:
            await response.aclose()
        status = response.status_code
        temporary = status >= 500 or status in TEMPORARY_STATUSES
        return Failed(permanent=not temporary, detail=f"HTTP {status}",
                      internal=f"HTTP {status}: {excerpt[:500]}")

    async def _excerpt(self, response: httpx.Response) -> str:
        """At most ``max_response_bytes`` of the answer, undecoded (we asked for no encoding)."""
        read = bytearray()
        async for chunk in response.aiter_raw():
            read += chunk[: self._max_bytes - len(read)]
            if len(read) >= self._max_bytes:
                break
        return bytes(read).decode("utf-8", errors="replace")
