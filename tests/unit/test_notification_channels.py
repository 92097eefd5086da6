"""Delivery decisions without I/O: signatures, routing by preference, backoff, settings."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from contracts import Role
from contracts.notifications.v1 import Channel
from notifications.adapters.email import compose
from notifications.adapters.signing import InvalidSignatureError, derived_secret, sign, verify
from notifications.adapters.webhook import WebhookChannel, WebhookGuard, host_allowed, payload
from notifications.channels import Failed, Outbound
from notifications.delivery import RetryPolicy, route
from notifications.message import Rule
from notifications.recipients import Recipient
from notifications.settings import NotificationsSettings

SECRET = b"whsec-test"
BODY = b'{"notification_id":"x"}'


def test_a_signature_is_hmac_sha256_of_the_timestamp_a_dot_and_the_body_in_hex():
    header = sign(SECRET, 1_760_000_000, BODY)
    expected = hmac.new(SECRET, b"1760000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1760000000,v1={expected}"
    verify(SECRET, header, BODY, now=1_760_000_010)


@pytest.mark.parametrize(("header", "body", "now", "why"), [
    (sign(SECRET, 1_760_000_000, BODY), BODY + b" ", 1_760_000_000, "does not match"),
    (sign(b"other", 1_760_000_000, BODY), BODY, 1_760_000_000, "does not match"),
    (sign(SECRET, 1_760_000_000, BODY), BODY, 1_760_000_301, "more than 300s"),
    ("v1=abc", BODY, 1_760_000_000, "expected t="),
    ("garbage", BODY, 1_760_000_000, "expected t="),
], ids=["body changed", "wrong secret", "replayed later", "no timestamp", "malformed"])
def test_a_signature_that_does_not_verify_is_refused_saying_why(header: str, body: bytes, now: int,
                                                                 why: str) -> None:
    with pytest.raises(InvalidSignatureError, match=why):
        verify(SECRET, header, body, now=now)


def test_a_derived_secret_is_stable_and_differs_from_its_root():
    assert derived_secret("root") == derived_secret("root") != "root"
    assert derived_secret("root") != derived_secret("other root")


def message(**overrides: Any) -> Outbound:
    fields: dict[str, Any] = {
        "notification_id": uuid.UUID("00000000-0000-4000-8000-0000000a0001"), "rule": "report_due",
        "recipient_role": "induction_tutor", "recipient_id": "tutor-1", "ect_id": None,
        "subject": "The progress review for term 1 is due", "body": "Please submit it.",
        "statutory": True, "due_on": date(2025, 12, 19)}
    fields.update(overrides)
    return Outbound(**fields)


def test_the_webhook_body_is_compact_sorted_json_of_the_notification():
    body = json.loads(payload(message()))
    assert body == {"notification_id": "00000000-0000-4000-8000-0000000a0001", "rule": "report_due",
                    "recipient_role": "induction_tutor", "recipient_id": "tutor-1", "ect_id": None,
                    "subject": "The progress review for term 1 is due", "body": "Please submit it.",
                    "statutory": True, "due_on": "2025-12-19"}
    assert b" " not in payload(message(subject="x", body="y"))


def test_an_email_carries_a_message_id_derived_from_the_notification_so_a_resend_is_recognisable():
    email = compose(message(), "tutor@school.example", "Alan Turing", "ECT <n@ect.example>",
                    "Fri, 12 Dec 2025 07:00:00 +0000")
    assert email["Message-ID"] == "<00000000-0000-4000-8000-0000000a0001@ect-platform.notifications>"
    assert email["To"] == "Alan Turing <tutor@school.example>"
    assert email["Subject"] == "The progress review for term 1 is due"
    assert "statutory guidance calls for it" in email.get_content()


def row(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"recipient_id": "mentor-1", "statutory": False}
    values.update(overrides)
    return values


def test_a_recipient_is_reached_on_their_chosen_channel():
    email = Recipient("mentor-1", Channel.EMAIL, name="Grace", email="g@school.example")
    hook = Recipient("mentor-1", Channel.WEBHOOK, webhook_url="https://hooks.example/ect")
    assert route(row(), email, None).address == "g@school.example"
    assert (route(row(), hook, None).channel, route(row(), hook, None).address) == (
        Channel.WEBHOOK, "https://hooks.example/ect")


def test_an_opt_out_suppresses_non_statutory_reminders_but_never_statutory_ones():
    opted_out = Recipient("mentor-1", Channel.EMAIL, email="g@school.example", opted_out_of_reminders=True)
    assert route(row(statutory=False), opted_out, None).suppressed
    assert not route(row(statutory=True), opted_out, None).suppressed


def test_a_recipient_without_contact_details_has_no_route_unless_development_mail_is_on():
    assert route(row(), None, None).channel is None
    fallback = route(row(), None, "ect.localhost")
    assert (fallback.channel, fallback.address) == (Channel.EMAIL, "mentor-1@ect.localhost")


def test_retries_back_off_exponentially_up_to_a_ceiling():
    policy = RetryPolicy(max_attempts=6, base_seconds=30, max_seconds=300)
    assert [policy.backoff(n) for n in range(1, 6)] == [timedelta(seconds=s) for s in (30, 60, 120, 240, 300)]


def test_settings_read_comma_separated_lists_and_a_json_audience_map(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NOTIFICATIONS_HUB_LEAD_IDS", "lead-1, lead-2")
    monkeypatch.setenv("NOTIFICATIONS_REMINDER_DAYS_BEFORE", "14,7,0")
    monkeypatch.setenv("NOTIFICATIONS_DISABLED_RULES", "mentor_assigned")
    monkeypatch.setenv("NOTIFICATIONS_AUDIENCES", '{"report_late": ["appropriate_body", "hub_lead"]}')
    settings = NotificationsSettings(database_url="postgresql://x/y",  # type: ignore[call-arg]
                                     kafka_bootstrap_servers="k:9092", jwt_secret="s")
    policy = settings.policy()
    assert policy.hub_lead_ids == ("lead-1", "lead-2")
    assert policy.days_before == (14, 7, 0)
    assert not policy.enabled(Rule.MENTOR_ASSIGNED)
    assert policy.audience(Rule.REPORT_LATE) == (Role.APPROPRIATE_BODY, Role.HUB_LEAD)
    assert settings.signing_secret() == derived_secret("s")


def test_an_unknown_rule_in_the_settings_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NOTIFICATIONS_DISABLED_RULES", "birthday")
    with pytest.raises(ValueError, match="NOTIFICATIONS_DISABLED_RULES"):
        NotificationsSettings(database_url="postgresql://x/y",  # type: ignore[call-arg]
                              kafka_bootstrap_servers="k:9092", jwt_secret="s")


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://hooks.school.example/ect", True),
    ("https://a.trusted.example/ect", True),
    ("https://trusted.example/ect", False),  # ".trusted.example" means subdomains
    ("http://127.0.0.1:5432/", False),
    ("http://169.254.169.254/latest/meta-data", False),
    ("https://hooks.school.example.evil.example/", False),
])
def test_webhooks_go_only_to_the_hosts_listed_once_a_list_is_set(url: str, allowed: bool):
    assert host_allowed(url, ["hooks.school.example", ".trusted.example"]) is allowed
    assert host_allowed(url, []) is True  # no list: development


async def test_a_webhook_to_a_host_no_longer_allowed_fails_for_good_without_a_request():
    class NoNetwork:
        async def post(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("must not be called")

    channel = WebhookChannel(NoNetwork(), "secret",  # type: ignore[arg-type]
                             guard=WebhookGuard(allowed_hosts=("hooks.school.example",)))
    result = await channel.send(message(), "https://10.0.0.5/internal")
    assert isinstance(result, Failed) and result.permanent
    assert result.detail == "webhook host not allowed"
