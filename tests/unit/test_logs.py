"""LOG_FORMAT=json: one JSON object a line, with the service, its part and the request's
correlation id; the readable format stays the default."""

from __future__ import annotations

import io
import json
import logging
import uuid

import httpx
import pytest
from fastapi import FastAPI

from ect_platform import logs
from ect_platform.web import CORRELATION_HEADER, install_correlation


@pytest.fixture
def captured():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


def _stream() -> io.StringIO:
    out = io.StringIO()
    logging.getLogger().handlers[0].setStream(out)  # type: ignore[attr-defined]
    return out


async def test_a_json_line_names_the_service_the_part_and_the_requests_correlation_id(captured):
    logs.configure("scheduling", "api", "json")
    out = _stream()
    api = FastAPI()
    install_correlation(api)

    @api.get("/x")
    async def x() -> dict[str, str]:
        logging.getLogger("scheduling.test").warning("refused %s", "Ada Lovelace")
        return {}

    correlation = str(uuid.uuid4())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as client:
        await client.get("/x", headers={CORRELATION_HEADER: correlation})
    logging.getLogger("scheduling.test").info("outside any request")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]  # every line is JSON
    first, second = (entry for entry in lines if entry["logger"] == "scheduling.test")
    assert first["service"] == "scheduling" and first["part"] == "api"
    assert first["level"] == "warning" and first["message"] == "refused Ada Lovelace"
    assert first["correlation_id"] == correlation and first["logger"] == "scheduling.test"
    assert "correlation_id" not in second


def test_the_readable_format_stays_the_default(captured, monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    logs.configure("reporting")
    out = _stream()
    logging.getLogger("reporting.test").info("hello")
    line = out.getvalue()
    assert " reporting INFO reporting.test: hello" in line and not line.startswith("{")


def test_an_unknown_format_is_refused_by_name(captured):
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of text, json"):
        logs.configure("reporting", log_format="xml")
