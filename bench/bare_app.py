"""The commands measure's baseline: the same web framework doing one INSERT per request.

``python -m bench.bare_app PORT`` serves a FastAPI app with uvicorn configured as
``ect_platform.runtime.serve`` configures it; its one POST handler does a single asyncpg
INSERT into a scratch table in the database named by ``DATABASE_URL``. No auth, no
validation beyond the body, no event store, no outbox: the floor of a write over HTTP.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import asyncpg
import uvicorn
from fastapi import FastAPI

POOL_SIZE = 10  # ect_platform.database.create_pool's default max_size, as the services use


def create_app(database_url: str) -> FastAPI:
    app = FastAPI()
    state: dict[str, Any] = {}

    @app.post("/rows", status_code=201)
    async def insert(body: dict[str, Any]) -> dict[str, str]:
        await state["pool"].execute(
            "INSERT INTO bench_bare_commands (request_id, held_on, minutes) VALUES ($1, $2, $3)",
            str(body["request_id"]), str(body["held_on"]), int(body["minutes"]))
        return {"request_id": str(body["request_id"])}

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    async def start() -> None:
        state["pool"] = await asyncpg.create_pool(database_url, min_size=1, max_size=POOL_SIZE)
        await state["pool"].execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_commands (id bigserial PRIMARY KEY, "
            "request_id text NOT NULL, held_on text NOT NULL, minutes int NOT NULL)")

    app.state.start = start
    return app


async def _main(port: int) -> None:
    app = create_app(os.environ["DATABASE_URL"])
    await app.state.start()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", access_log=False)
    await uvicorn.Server(config).serve()


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1])))
