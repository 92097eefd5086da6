"""Secrets never reach the logs: not the token secret, not a token, not a bad token either."""

from __future__ import annotations

import pytest

from tests.conftest import JWT_SECRET
from tests.e2e.test_spine import LEAD, register_ect

pytestmark = pytest.mark.e2e


async def test_no_secret_or_token_appears_in_any_service_log(platform, http):
    await register_ect(http, platform)  # some real traffic, including an authenticated command
    forged = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    await http.get(platform.url("scheduling") + "/ects/00000000-0000-4000-8000-000000000000",
                   headers={"Authorization": forged})
    await http.post(platform.url("reporting") + "/ects/x/term-reports", headers=LEAD, content=b"{bad")
    logs = {path.name: path.read_text(errors="replace") for path in platform.log_dir.glob("*.log")}
    assert logs, "the services write logs"
    for name, text in logs.items():
        assert JWT_SECRET not in text, name
        assert LEAD["Authorization"].split()[1] not in text, name
        assert forged.split()[1] not in text, name
