"""The OpenAPI documents tell the truth about errors: problem details (RFC 9457, with the
request's path as ``instance``) for every 4xx and 5xx, never FastAPI's default validation
schema, which the services never send."""

from __future__ import annotations

import json

import httpx

from tests.architecture.test_route_access import services


def test_every_operation_documents_problem_details_for_its_errors():
    for name, api in services().items():
        document = api.openapi()
        text = json.dumps(document)
        assert "HTTPValidationError" not in text, name
        assert document["components"]["schemas"]["Problem"]["required"] == [
            "type", "title", "status", "detail"]
        for path, item in document["paths"].items():
            for method, operation in item.items():
                responses = operation["responses"]
                assert "4XX" in responses and "5XX" in responses, (name, method, path)
                for code, response in responses.items():
                    if code.startswith(("4", "5")):
                        assert "application/problem+json" in response["content"], (name, code, path)


async def test_a_refusal_names_the_request_it_answers_as_its_instance():
    api = services()["scheduling"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as client:
        refused = await client.get("/ects/00000000-0000-4000-8000-000000000001")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["instance"] == "/ects/00000000-0000-4000-8000-000000000001"
