"""Every service serves its AsyncAPI document at /asyncapi.json and a page at /asyncapi,
without a token, and the page needs nothing from outside the service (no CDN)."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from contracts.registry import produced_by
from ect_platform.asyncapi import message_name
from notifications.integration import asyncapi as notifications
from reporting.integration import asyncapi as reporting
from scheduling.entrypoints.api import create_api as scheduling_api
from scheduling.integration import asyncapi as scheduling
from tests.architecture.test_route_access import ISSUER, services
from tests.unit.scheduling_fixtures import Clock, in_memory_app

DOCUMENTS = {"scheduling": scheduling, "reporting": reporting, "notifications": notifications}


def client(service: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=services()[service]),
                             base_url="http://test")


@pytest.mark.parametrize("service", DOCUMENTS)
async def test_asyncapi_json_answers_without_a_token_with_the_services_document(service: str) -> None:
    async with client(service) as http:
        response = await http.get("/asyncapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == DOCUMENTS[service].document()


@pytest.mark.parametrize("service", DOCUMENTS)
async def test_the_asyncapi_page_lists_every_message_and_loads_nothing_from_elsewhere(service: str) -> None:
    async with client(service) as http:
        response = await http.get("/asyncapi")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for payload_cls in produced_by(DOCUMENTS[service].PUBLISHES.source):
        assert f'id="{message_name(payload_cls)}"' in html
        assert f"ect.{service}.{payload_cls.event_type}.v{payload_cls.event_version}" in html
    assert not re.search(r"<(script|link|img)\b", html), "the page must stand alone: no CDN"
    assert 'href="asyncapi.json"' in html


async def test_a_prefixed_environment_serves_its_own_topic_names() -> None:
    api = scheduling_api(in_memory_app(Clock(date(2025, 9, 10))), ISSUER, topic_prefix="staging.")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test") as http:
        served = (await http.get("/asyncapi.json")).json()

    assert {channel["address"] for channel in served["channels"].values()} == {
        "staging.ect.scheduling.events.v1", "staging.ect.reporting.events.v1"}
