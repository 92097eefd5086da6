"""HTTP pieces every service's API shares: correlation ids and health endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from opentelemetry.trace import SpanKind
from pydantic import BaseModel, Field

from ect_platform import logs, tracing
from ect_platform.problems import send_problem

CORRELATION_HEADER = "X-Correlation-Id"

Check = Callable[[], Awaitable[None]]


class HttpMiddleware:
    """A plain ASGI middleware that acts on HTTP requests (``http``) and passes anything else
    (lifespan, websockets) straight through.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware runs
    each request through an extra task group and memory streams, a sizeable share of a
    command's CPU.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Any, receive: Any, send: Any) -> None:
        raise NotImplementedError


class Correlation(HttpMiddleware):
    """Every request gets a correlation id (the caller's, if it sent a valid one) in
    ``request.state.correlation_id``, echoed back in the response's header."""

    async def http(self, scope: Any, receive: Any, send: Any) -> None:
        raw = _header(scope, CORRELATION_HEADER_BYTES)
        try:
            correlation_id = UUID(raw.decode("latin-1")) if raw is not None else uuid4()
        except ValueError:
            correlation_id = uuid4()
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        echoed = (CORRELATION_HEADER_BYTES, str(correlation_id).encode("latin-1"))
        token = logs.CORRELATION.set(correlation_id)  # each log line of the request names it

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", ())
                           if name.lower() != CORRELATION_HEADER_BYTES]
                headers.append(echoed)
                message = {**message, "headers": headers}
            await send(message)

        try:
            if tracing.enabled():
                await _traced(self.app, scope, receive, send_with_id, correlation_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            logs.CORRELATION.reset(token)


async def _traced(app: Any, scope: Any, receive: Any, send: Any, correlation_id: UUID) -> None:
    """The request as a ``SERVER`` span of the correlation id's trace, named by its route
    template once routing found it (``GET /ects/{ect_id}``), never by a path with ids in it."""
    method = scope.get("method", "HTTP")
    status: dict[str, int] = {}

    async def send_noting_status(message: Any) -> None:
        if message["type"] == "http.response.start":
            status["code"] = message["status"]
        await send(message)

    with tracing.tracer("ect_platform.web").start_as_current_span(
            method, context=tracing.request_parent(correlation_id), kind=SpanKind.SERVER,
            attributes={"http.request.method": method}) as span:
        try:
            await app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", None)
            if route:
                span.update_name(f"{method} {route}")
                span.set_attribute("http.route", route)
            if "code" in status:
                span.set_attribute("http.response.status_code", status["code"])


CORRELATION_HEADER_BYTES = CORRELATION_HEADER.lower().encode("latin-1")


def _header(scope: Any, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value)
    return None


def install_correlation(app: FastAPI) -> None:
    """Every request gets a correlation id (the caller's, if it sent a valid one), echoed back."""
    app.add_middleware(Correlation)


def correlation_id(request: Request) -> UUID:
    return getattr(request.state, "correlation_id", None) or uuid4()


class Live(BaseModel):
    status: str = Field(description="ok while the process runs")


class Ready(BaseModel):
    status: str = Field(description="ok when every check passed, else down (answered 503)")
    checks: dict[str, str] = Field(description="each dependency: ok, or down and why")


def health_router(checks: dict[str, Check]) -> APIRouter:
    """``/health/live`` answers while the process runs; ``/health/ready`` runs each check."""
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> Live:
        return Live(status="ok")

    # a 503 answers the same shape (not a problem document: it is the check's result)
    @router.get("/health/ready", response_model=Ready)
    async def ready() -> JSONResponse:
        results = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:  # a failed check is the answer, not an error
                results[name] = f"down: {type(exc).__name__}: {exc}"
        healthy = all(value == "ok" for value in results.values())
        return JSONResponse({"status": "ok" if healthy else "down", "checks": results},
                            status_code=200 if healthy else 503)

    return router


MAX_BODY_BYTES = 256 * 1024  # the largest legitimate command (a long review) is far smaller


class BodyTooLarge(Exception):
    pass


class BodyLimit(HttpMiddleware):
    """A body over ``max_bytes`` gets 413 before the app reads it all.

    Checks Content-Length up front, and counts the bytes of a chunked body as they arrive.
    """

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES,
                 own_checks: Collection[str] = ()) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.own_checks = frozenset(own_checks)

    async def http(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("path") in self.own_checks:
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def counting_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        await send_problem(send, 413, "Payload too large",
                           f"request bodies are limited to {self.max_bytes} bytes",
                           kind="payload-too-large")


class NoNulCharacter(HttpMiddleware):
    """Text with a NUL character is refused with 422 at the door.

    PostgreSQL cannot store U+0000 in text, so such a value would otherwise reach the database
    and fail there as a 500. JSON must escape it (``\\u0000``), and URLs must percent-encode it.
    """

    def __init__(self, app: Any, own_checks: Collection[str] = ()) -> None:
        super().__init__(app)
        self.own_checks = frozenset(own_checks)

    async def http(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("path") in self.own_checks:
            await self.app(scope, receive, send)
            return
        target = (scope.get("raw_path") or b"") + b"?" + (scope.get("query_string") or b"")
        if b"%00" in target.lower() or b"\x00" in target or "\x00" in scope.get("path", ""):
            await _refuse_nul(send, "the URL")
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"\\u0000" in body or b"\x00" in body:
            await _refuse_nul(send, "the request body")
            return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse_nul(send: Any, where: str) -> None:
    await send_problem(send, 422, "Invalid request",
                       f"{where} contains the NUL character, which no field accepts",
                       kind="invalid-request")


def install_edge(app: FastAPI, own_checks: Collection[str] = ()) -> None:
    """What every service's HTTP edge gets: correlation ids, a body size limit, no NUL text.

    ``own_checks``: paths whose route reads its body itself, as a stream, with its own size
    limit and its own checks of what it holds, and answers a refusal in its own form (the
    dashboard's upload page, which a browser must see as a page, not a problem document).

    CORS stays closed: no CORS middleware is installed, so browsers on other origins are refused.
    """
    install_correlation(app)
    app.add_middleware(NoNulCharacter, own_checks=own_checks)
    # added last, so it runs first: a huge body is never buffered
    app.add_middleware(BodyLimit, own_checks=own_checks)
