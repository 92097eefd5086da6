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
    **extra: Any,
) -> JSONResponse:
    body = {"type": PROBLEM_BASE + kind, "title": title, "status": status, "detail": detail, **extra}
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
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(400, "Malformed JSON", "the request body is not valid JSON",
                           kind="malformed-json")
        fields = [
            {"field": _field_path(tuple(e.get("loc", ()))), "reason": e.get("msg", "invalid")}
            for e in errors
        ]
        detail = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
        return problem(422, "Invalid request", detail, kind="invalid-request", errors=fields)

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(_: Request, exc: NotAuthenticated) -> JSONResponse:
        return problem(401, "Not authenticated", str(exc), kind="not-authenticated",
                       headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, "Forbidden", str(exc), kind="forbidden")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail),
                       kind=_slug(str(exc.detail).title().replace(" ", "")))

    for error_type, status in domain_errors.items():

        async def domain_error(_: Request, exc: Exception, status: int = status) -> JSONResponse:
            name = type(exc).__name__
            title = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error"))
            return problem(status, title, str(exc), kind=_slug(name))

        app.add_exception_handler(error_type, domain_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "the request could not be completed; it changed nothing "
                       "that was not already committed", kind="internal-error")
