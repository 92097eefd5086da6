"""Fixtures the integration tests share (each test module keeps what is its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.test_notifications_delivery import ScriptedSmtp, smtp_server


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[ScriptedSmtp, int]]:
    """A scripted SMTP server on loopback, and its port: what notifications' delivery mails to."""
    async with smtp_server() as server:
        yield server
