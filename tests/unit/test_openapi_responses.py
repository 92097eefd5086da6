"""The OpenAPI documents tell the truth about answers: every JSON route's 2xx response names a
schema with its fields (a ``$ref`` to a component with ``properties``, or an object or array
of such), never an empty schema or a bare ``{"type": "object", "additionalProperties": true}``
that says nothing of what a client receives."""

from __future__ import annotations

from typing import Any

from tests.architecture.test_route_access import services

# (service, method, path) -> why its 2xx answer is not a typed JSON schema
UNTYPED: dict[tuple[str, str, str], str] = {
    **{(name, "get", "/asyncapi.json"): "the AsyncAPI document itself (ect_platform.asyncapi_page), "
       "as /openapi.json is not described by itself" for name in ("scheduling", "reporting",
                                                                   "notifications")},
}
# HTML pages (the dashboard, /asyncapi) and CSV downloads answer no JSON: their content types
# are not application/json, so they are not checked. /metrics is not in the documents.


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _is_typed(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    if schema.get("type") == "array":
        return _is_typed(document, schema.get("items", {}))
    resolved = _resolve(document, schema)
    return resolved.get("type") == "object" and bool(resolved.get("properties"))


def _json_answers() -> list[tuple[str, str, str, str, dict[str, Any], dict[str, Any]]]:
    found = []
    for name, api in services().items():
        document = api.openapi()
        for path, item in document["paths"].items():
            for method, operation in item.items():
                for code, response in operation["responses"].items():
                    content = response.get("content", {})
                    if code.startswith("2") and "application/json" in content:
                        found.append((name, method, path, code, content["application/json"].get(
                            "schema", {}), document))
    return found


def test_every_json_answer_documents_its_fields():
    untyped = [(name, method, path, code, schema) for name, method, path, code, schema, document
               in _json_answers()
               if (name, method, path) not in UNTYPED and not _is_typed(document, schema)]
    assert untyped == []


def test_the_routes_left_untyped_still_exist_and_are_still_untyped():
    """So the list above says only what is so: a route typed since leaves it."""
    answers = {(name, method, path): (schema, document)
               for name, method, path, _, schema, document in _json_answers()}
    for route in UNTYPED:
        assert route in answers, route
        assert not _is_typed(*answers[route]), route


def test_the_answers_that_matter_most_name_their_fields():
    documents = {name: api.openapi() for name, api in services().items()}
    schemas = {name: d["components"]["schemas"] for name, d in documents.items()}
    ect = schemas["scheduling"]["EctView"]["properties"]
    assert {"id", "trn", "terms_served", "reports_due", "breakdown"} <= set(ect)
    assert ect["breakdown"] == {"$ref": "#/components/schemas/Breakdown"}
    assert "from" in schemas["scheduling"]["Gap"]["properties"]  # the field's name as answered
    assert {"items", "total", "limit", "offset"} <= set(schemas["reporting"]["SubmissionPage"]["properties"])
    assert {"tasks", "total", "as_of"} <= set(schemas["reporting"]["WorkQueue"]["properties"])
    # the open-ended answers say so rather than pretend to a closed set of fields
    for name in documents:
        assert schemas[name]["SubjectAccessAnswer"]["additionalProperties"] is True
        assert set(schemas[name]["SubjectAccessAnswer"]["required"]) == {"service", "trn", "held"}


def test_every_paged_list_on_the_platform_has_one_shape():
    """items, total, limit, offset: whichever service, a client pages the same way."""
    from notifications.entrypoints.api import NotificationPage
    from reporting.entrypoints import responses

    pages = [NotificationPage, responses.TermReportPage, responses.SupportPlanPage,
             responses.EntitlementPage, responses.SubmissionPage, responses.OutcomePage,
             responses.PeriodPage]
    for page in pages:
        # (a page may add what describes the whole list, as the periods' counts by state)
        assert {"items", "total", "limit", "offset"} <= set(page.model_fields), page.__name__
