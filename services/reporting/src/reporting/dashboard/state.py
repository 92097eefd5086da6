"""What the dashboard's routes share across requests, put on ``app.state`` by the app factory
and handed to them with FastAPI's ``Depends``: the sign-in sessions, the change feed the live
pages watch, and where uploads go (scheduling)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from reporting.dashboard import data
from reporting.dashboard.live import ChangeFeed
from reporting.dashboard.sessions import DashboardSessions


@dataclass
class Dashboard:
    sessions: DashboardSessions
    feed: ChangeFeed
    scheduling_url: str  # where the import page sends uploads (setting ``SCHEDULING_URL``)

    @classmethod
    def of(cls, pool: asyncpg.Pool, scheduling_url: str) -> Dashboard:
        return cls(DashboardSessions(pool), ChangeFeed(lambda: data.signature(pool)), scheduling_url)


def dashboard(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.dashboard
    return found


DashboardDep = Annotated[Dashboard, Depends(dashboard)]
