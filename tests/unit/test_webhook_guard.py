"""Where a webhook may go: https, the allow-list, and never an address that is not global, checked
on the address the name resolves to when the webhook is sent. No network: names are resolved by a
stub resolver on the running loop, and the client's transport records where it was asked to go."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from notifications.adapters import webhook
from notifications.adapters.webhook import WebhookChannel, WebhookGuard, WebhookRefusedError, networks
from notifications.channels import Failed, Outbound, Sent
from notifications.delivery import send_budget
from notifications.settings import NotificationsSettings

MESSAGE = Outbound(uuid.uuid4(), "mentor_assigned", "mentor", "mentor-1", None, "Subject", "Body",
                   False, None)

NOT_GLOBAL = [
    ("http://127.0.0.1/", "loopback"),
    ("https://127.1.2.3/", "loopback"),
    ("https://[::1]/", "loopback"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://10.0.0.5/", "private"),
    ("https://172.16.0.1/", "private"),
    ("https://192.168.1.1/", "private"),
    ("https://100.64.0.1/", "not global"),  # carrier-grade NAT
    ("https://0.0.0.0/", "unspecified"),
    ("https://[::]/", "unspecified"),
    ("https://224.0.0.1/", "multicast"),
    ("https://240.0.0.1/", "reserved"),
    ("https://[fd00::1]/", "private"),  # IPv6 unique local
    ("https://[fe80::1]/", "link-local"),
    ("https://[::ffff:169.254.169.254]/", "IPv4-mapped link-local"),
    ("https://[::ffff:127.0.0.1]/", "IPv4-mapped loopback"),
]


@pytest.mark.parametrize(("url", "kind"), NOT_GLOBAL)
def test_a_webhook_to_a_literal_address_that_is_not_global_is_refused_naming_the_kind(url: str, kind: str):
    with pytest.raises(WebhookRefusedError, match=f"may not go to a {kind} address"):
        WebhookGuard(require_https=False).check_url(url)


def test_a_webhook_to_a_global_address_or_a_name_passes_the_url_check():
    guard = WebhookGuard()
    for url in ("https://93.184.215.14/hook", "https://[2606:4700::1111]/hook", "https://hooks.school.example/"):
        guard.check_url(url)


def test_a_webhook_must_use_https_unless_development_allows_http():
    with pytest.raises(WebhookRefusedError, match="must use https"):
        WebhookGuard().check_url("http://hooks.school.example/ect")
    WebhookGuard(require_https=False).check_url("http://hooks.school.example/ect")
    with pytest.raises(WebhookRefusedError, match="must use https"):
        WebhookGuard(require_https=False).check_url("ftp://hooks.school.example/ect")


def test_the_allow_list_still_holds_alongside_the_address_rules():
    guard = WebhookGuard(allowed_hosts=("hooks.school.example",))
    with pytest.raises(WebhookRefusedError, match=r"may only go to hooks\.school\.example"):
        guard.check_url("https://elsewhere.example/")
    guard.check_url("https://hooks.school.example/ect")


def test_a_network_named_in_the_settings_is_allowed_and_no_other():
    guard = WebhookGuard(require_https=False, allowed_networks=networks(["127.0.0.0/8"]))
    guard.check_url("http://127.0.0.1:8080/hook")
    with pytest.raises(WebhookRefusedError, match="link-local"):
        guard.check_url("http://169.254.169.254/")
    with pytest.raises(WebhookRefusedError, match="loopback"):
        guard.check_url("http://[::1]/")  # 127.0.0.0/8 says nothing of IPv6


def test_the_settings_refuse_a_bad_network_and_a_webhook_deadline_past_the_lease():
    base: dict[str, Any] = {"database_url": "postgresql://x/y", "kafka_bootstrap_servers": "k:9092",
                            "jwt_secret": "s" * 32}
    with pytest.raises(ValueError, match="not-a-network"):
        NotificationsSettings(**base, webhook_allowed_networks="127.0.0.0/8,not-a-network")
    with pytest.raises(ValueError, match="NOTIFICATIONS_WEBHOOK_TIMEOUT_SECONDS"):
        NotificationsSettings(**base, delivery_lease_seconds=10, webhook_timeout_seconds=9)
    settings = NotificationsSettings(**base, webhook_allowed_networks="127.0.0.0/8",
                                     webhook_require_https="false")
    assert settings.webhook_guard() == WebhookGuard(require_https=False,
                                                    allowed_networks=networks(["127.0.0.0/8"]))
    assert NotificationsSettings(**base).webhook_guard() == WebhookGuard()  # production's defaults
    assert send_budget(120) == 90


# -- at send time: after resolving, to the address checked -------------------------------------


class Recording(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200)


@pytest.fixture
async def resolver(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[dict[str, list[str]]]:
    """What each name resolves to, in order: a name that changes its answer between two lookups
    (DNS rebinding) is a list of answers."""
    answers: dict[str, list[str]] = {}
    loop = asyncio.get_running_loop()

    async def getaddrinfo(host: str, port: int, **_: Any) -> list[Any]:
        address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    yield answers


def channel(transport: httpx.AsyncBaseTransport, guard: WebhookGuard | None = None) -> WebhookChannel:
    return WebhookChannel(httpx.AsyncClient(transport=transport), "secret", guard=guard)


async def test_a_name_that_resolves_to_a_private_address_is_refused_for_good_without_a_request(resolver):
    resolver["hooks.evil.example"] = ["169.254.169.254"]
    transport = Recording()
    result = await channel(transport).send(MESSAGE, "https://hooks.evil.example/ect")
    assert isinstance(result, Failed) and result.permanent
    assert result.detail == "webhook host not allowed"  # published: no address in it
    assert "link-local address (169.254.169.254)" in result.internal
    assert transport.requests == []


async def test_the_request_goes_to_the_address_checked_keeping_the_host_and_the_tls_name(resolver):
    # checked as public, then the name would answer loopback: it is not asked again
    resolver["hooks.school.example"] = ["93.184.215.14", "127.0.0.1"]
    transport = Recording()
    result = await channel(transport).send(MESSAGE, "https://hooks.school.example:8443/ect?x=1")
    assert result == Sent()
    (request,) = transport.requests
    assert str(request.url) == "https://93.184.215.14:8443/ect?x=1"
    assert request.headers["host"] == "hooks.school.example:8443"
    assert request.extensions["sni_hostname"] == "hooks.school.example"


async def test_a_name_with_any_address_that_is_not_global_is_refused(resolver, monkeypatch):
    loop = asyncio.get_running_loop()

    async def two_answers(host: str, port: int, **_: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(loop, "getaddrinfo", two_answers)
    transport = Recording()
    result = await channel(transport).send(MESSAGE, "https://mixed.example/ect")
    assert isinstance(result, Failed) and result.permanent and "private address (10.0.0.7)" in result.internal
    assert transport.requests == []


async def test_a_webhook_refused_by_its_url_is_never_resolved_nor_requested(resolver):
    transport = Recording()
    result = await channel(transport).send(MESSAGE, "http://hooks.school.example/ect")
    assert isinstance(result, Failed) and result.permanent and "must use https" in result.internal
    assert transport.requests == []


async def test_the_webhook_client_follows_no_redirect_and_takes_no_proxy_from_the_environment(
        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    async with webhook.client() as client:
        assert not client.follow_redirects
        assert not client.trust_env
