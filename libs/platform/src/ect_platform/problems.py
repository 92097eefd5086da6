"""Every error answered as RFC 9457 problem details (``application/problem+json``).

Services map their domain errors to statuses once, here; handlers never build error
bodies by hand, and nothing ever leaks a stack trace.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ect_platform.identity import Forbidden, NotAuthenticated

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://ect-platform.example/problems/"
MEDIA_TYPE = "application/problem+json"


def _slug(name: str) -> str:
    name = name.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def problem(
    status: int, title: str, detail: str, *, kind: str, headers: Mapping[str, str] | None = None,
    instance: str | None = None, **extra: Any,
) -> JSONResponse:
    body = {"type": PROBLEM_BASE + kind, "title": title, "status": status, "detail": detail,
            **({"instance": instance} if instance else {}), **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=dict(headers or {}))


async def send_problem(send: Any, status: int, title: str, detail: str, *, kind: str) -> None:
    """The same problem document, sent straight through ASGI by middleware that answers before
    FastAPI (and its exception handlers) ever see the request."""
    body = json.dumps({"type": PROBLEM_BASE + kind, "title": title, "status": status,
                       "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", MEDIA_TYPE.encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _field_path(loc: tuple[Any, ...]) -> str:
    # ("body", "trn") -> "trn"; ("path", "ect_id") -> "ect_id"; nested -> "a.b.0"
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in ("body", "path", "query", "header") else [
        str(p) for p in loc
    ]
    return ".".join(parts) or str(loc[0] if loc else "body")


def install_problem_handlers(app: FastAPI, domain_errors: Mapping[type[Exception], int]) -> None:
    """Register handlers for validation, auth, HTTP and the service's own domain errors."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(400, "Malformed JSON", "the request body is not valid JSON",
                           kind="malformed-json", instance=request.url.path)
        fields = [
            {"field": _field_path(tuple(e.get("loc", ()))), "reason": e.get("msg", "invalid")}
            for e in errors
        ]
        detail = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
        return problem(422, "Invalid request", detail, kind="invalid-request", errors=fields,
                       instance=request.url.path)

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> JSONResponse:
        return problem(401, "Not authenticated", str(exc), kind="not-authenticated",
                       headers={"WWW-Authenticate": "Bearer"}, instance=request.url.path)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, "Forbidden", str(exc), kind="forbidden", instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail),
                       kind=_slug(str(exc.detail).title().replace(" ", "")),
                       instance=request.url.path)

    for error_type, status in domain_errors.items():

        async def domain_error(request: Request, exc: Exception, status: int = status) -> JSONResponse:
            name = type(exc).__name__
            title = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error"))
            return problem(status, title, str(exc), kind=_slug(name), instance=request.url.path)

        app.add_exception_handler(error_type, domain_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "the request could not be completed; it changed nothing "
                       "that was not already committed", kind="internal-error",
                       instance=request.url.path)
    document_problems(app)


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object", "required": ["type", "title", "status", "detail"],
    "description": "RFC 9457 problem details: every refusal and error of the platform. A refused "
                   "request changed nothing. Some problems add members (an import's rows and "
                   "errors, an invalid request's field errors).",
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "What kind of problem"},
        "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What happened, naming the rule"},
        "instance": {"type": "string", "format": "uri-reference",
                     "description": "The request's path"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "reason": {"type": "string"}}}},
    },
    "additionalProperties": True,
}
_REFUSED = {"description": "Refused or failed: problem details (RFC 9457); nothing was changed",
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def document_problems(app: FastAPI) -> None:
    """The OpenAPI document says what the errors really are: problem details for every 4xx
    and 5xx, instead of FastAPI's default validation-error schema (never sent here)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["Problem"] = PROBLEM_SCHEMA
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                for code in [c for c in responses if c.startswith(("4", "5"))]:
                    # FastAPI's default (its validation schema) or none: the problem document;
                    # a route's own documented refusal (an import's rows and errors) stays
                    content = json.dumps(responses[code].get("content", {}))
                    if "HTTPValidationError" in content or not responses[code].get("content"):
                        described = responses[code].get("description", "")
                        responses[code] = {**_REFUSED,
                                           "description": described or _REFUSED["description"]}
                responses.setdefault("4XX", _REFUSED)
                responses.setdefault("5XX", _REFUSED)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
