"""HTTP pieces every service's API shares: correlation ids and health endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID, uuid4

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

CORRELATION_HEADER = "X-Correlation-Id"

Check = Callable[[], Awaitable[None]]


def install_correlation(app: FastAPI) -> None:
    """Every request gets a correlation id (the caller's, if it sent a valid one), echoed back."""

    @app.middleware("http")
    async def correlate(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                        ) -> Response:
        raw = request.headers.get(CORRELATION_HEADER, "")
        try:
            correlation_id = UUID(raw)
        except ValueError:
            correlation_id = uuid4()
        request.state.correlation_id = correlation_id
        response = await call_next(request)
        response.headers[CORRELATION_HEADER] = str(correlation_id)
        return response


def correlation_id(request: Request) -> UUID:
    return getattr(request.state, "correlation_id", None) or uuid4()


def health_router(checks: dict[str, Check]) -> APIRouter:
    """``/health/live`` answers while the process runs; ``/health/ready`` runs each check."""
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
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
