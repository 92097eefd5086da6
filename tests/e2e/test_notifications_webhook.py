"""A notification end to end across the service processes: a recipient registers a webhook with
notifications, scheduling assigns them an ECT, and the webhook receives a signed POST once;
its outcome is published on the notifications topic."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from contracts import Role
from contracts.notifications.v1 import Channel, NotificationSent
from contracts.topics import NOTIFICATIONS
from notifications.adapters.signing import NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, derived_secret, verify
from tests.conftest import JWT_SECRET
from tests.e2e.test_spine import ISSUER, LEAD, TODAY, register_ect, register_mentor
from tests.integration.test_notifications_delivery import webhook_receiver
from tests.support import eventually
from tests.support.kafka import read_topic

pytestmark = pytest.mark.e2e


async def test_an_assigned_mentor_gets_one_signed_webhook_and_its_sending_is_published(platform, http):
    ect_id = await register_ect(http, platform)
    mentor_id = await register_mentor(http, platform)
    mentor = {"Authorization": f"Bearer {ISSUER.issue(mentor_id, Role.MENTOR)}"}
    async with webhook_receiver() as receiver:
        preferences = await http.put(platform.url("notifications") + f"/recipients/{mentor_id}",
                                     headers=mentor, json={"channel": "webhook", "webhook_url": receiver.url})
        assert preferences.status_code == 201, preferences.text
        assigned = await http.put(platform.url("scheduling") + f"/ects/{ect_id}/mentor", headers=LEAD,
                                  json={"mentor_id": mentor_id, "assigned_on": TODAY})
        assert assigned.status_code == 200, assigned.text

        def delivered() -> list[tuple[dict[str, str], bytes]]:
            return [(headers, raw) for headers, raw in receiver.received
                    if json.loads(raw)["recipient_id"] == mentor_id]

        ((headers, raw),) = await eventually(delivered)
        body = json.loads(raw)
        # Unset NOTIFICATIONS_WEBHOOK_SECRET: the key derived from JWT_SECRET signs (development).
        verify(derived_secret(JWT_SECRET).encode(), headers[SIGNATURE_HEADER.lower()], raw,
               now=int(time.time()))
        assert (body["rule"], body["ect_id"], body["subject"]) == (
            "mentor_assigned", ect_id, "You have been assigned an ECT")
        notification_id = headers[NOTIFICATION_ID_HEADER.lower()]

    async def sent() -> dict[str, Any] | None:
        answer = await http.get(platform.url("notifications") + f"/notifications/{notification_id}",
                                headers=LEAD)
        return answer.json() if answer.json().get("status") == "sent" else None

    detail = await eventually(sent)
    assert [(a["attempt"], a["outcome"], a["channel"]) for a in detail["delivery_attempts"]] == [
        (1, "sent", "webhook")]

    async def published() -> list[Any]:
        messages = await read_topic(platform.bootstrap_servers,
                                    NOTIFICATIONS.qualified(platform.topic_prefix), at_least=1)
        return [e for _, e in messages if str(e.aggregate_id) == notification_id]

    (event,) = await eventually(published)
    assert isinstance(event.payload, NotificationSent)
    assert (event.payload.channel, event.payload.recipient_id, str(event.ect_id)) == (
        Channel.WEBHOOK, mentor_id, ect_id)
    assert receiver.url not in event.model_dump_json()
