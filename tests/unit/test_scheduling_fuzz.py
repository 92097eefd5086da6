"""schemathesis against scheduling's own OpenAPI document: no 5xx, every error is problem+json."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from contracts import Role
from ect_platform.identity import TokenIssuer
from scheduling.entrypoints.api import create_api
from tests.unit.scheduling_fixtures import Clock, in_memory_app

ISSUER = TokenIssuer("fuzz-secret-of-at-least-thirty-two-bytes")
TOKEN = ISSUER.issue("lead-1", Role.HUB_LEAD)

schema = schemathesis.openapi.from_asgi("/openapi.json", create_api(in_memory_app(Clock(date(2025, 9, 10))),
                                                                   ISSUER))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)  # the same examples every run: a red build always means a change
def test_no_input_makes_scheduling_fail_or_answer_without_a_problem_document(case):
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        content_type = response.headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), response.text
        body = response.json()
        assert body["status"] == response.status_code and body["detail"]


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
