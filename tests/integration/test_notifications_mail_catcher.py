"""``python -m notifications mail-catcher`` as ``make run`` starts it: a real SMTP server on a
port, keeping each message it receives in a folder, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from ect_platform.embedded import free_port, port_is_open
from notifications.adapters.email import SmtpChannel, SmtpSettings
from notifications.channels import Failed, Outbound, Sent
from notifications.settings import NotificationsSettings
from tests.support import eventually

pytestmark = pytest.mark.integration


@dataclass
class Catcher:
    port: int
    folder: Path
    returncode: int | None = None
    output: bytes = b""


@contextlib.asynccontextmanager
async def mail_catcher(tmp_path: Path) -> AsyncIterator[Catcher]:
    """``python -m notifications mail-catcher`` as ``make run`` starts it, stopped by SIGTERM."""
    found = Catcher(free_port(), tmp_path / "mail")
    env = {**os.environ, "NOTIFICATIONS_SMTP_PORT": str(found.port),
           "NOTIFICATIONS_MAIL_DIR": str(found.folder)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "notifications", "mail-catcher", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await eventually(lambda: port_is_open("127.0.0.1", found.port), within=30)
        yield found
    finally:
        process.send_signal(signal.SIGTERM)
        found.output, _ = await asyncio.wait_for(process.communicate(), timeout=15)
        found.returncode = process.returncode


async def test_the_mail_catcher_keeps_each_message_the_service_sends(tmp_path: Path):
    async with mail_catcher(tmp_path) as catcher:
        port, folder = catcher.port, catcher.folder
        channel = SmtpChannel(SmtpSettings("127.0.0.1", port, "ECT <notifications@ect.example>",
                                           security="none"))  # the local catcher has no TLS
        notification_id = uuid.uuid4()
        result = await channel.send(Outbound(
            notification_id=notification_id, rule="report_due", recipient_role="induction_tutor",
            recipient_id="tutor-1", ect_id=None, subject="The progress review for term 1 is due",
            body="Please submit it by Friday 19 December 2025.", statutory=True,
            due_on=date(2025, 12, 19)), "tutor@school.example", None)
        assert result == Sent()
        (kept,) = await eventually(lambda: sorted(folder.glob("*.eml")))
        mail = message_from_bytes(kept.read_bytes(), policy=policy.default)
        assert mail["Subject"] == "The progress review for term 1 is due"
        assert mail["To"] == "tutor@school.example"
        assert str(notification_id) in kept.name
    assert catcher.returncode == 0, catcher.output.decode()
    assert b"mail to tutor@school.example: The progress review for term 1 is due" in catcher.output


async def test_by_default_mail_is_never_sent_in_plaintext_to_a_server_without_starttls(tmp_path: Path):
    async with mail_catcher(tmp_path) as catcher:
        port, folder = catcher.port, catcher.folder
        assert NotificationsSettings.model_fields["smtp_security"].default == "starttls"
        channel = SmtpChannel(SmtpSettings("127.0.0.1", port, "ECT <notifications@ect.example>"))
        result = await channel.send(Outbound(
            notification_id=uuid.uuid4(), rule="report_due", recipient_role="induction_tutor",
            recipient_id="tutor-1", ect_id=None, subject="Not to be sent in the clear", body="-",
            statutory=True, due_on=date(2025, 12, 19)), "tutor@school.example", None)
        assert isinstance(result, Failed) and not result.permanent  # retried, never downgraded
        await asyncio.sleep(0.3)
        assert sorted(folder.glob("*.eml")) == []
