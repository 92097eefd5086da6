"""Helpers the tests share (fixtures live in tests/conftest.py)."""

from __future__ import annotations

import asyncio

from contracts import Actor, Role
from ect_platform.identity import TokenIssuer


def bearer(issuer: TokenIssuer, role: Role, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.issue(user, role)}"}


def actor(role: Role, user: str = "user-1") -> Actor:
    return Actor(id=user, role=role)


async def eventually(check, *, within: float = 20.0, interval: float = 0.05):  # type: ignore[no-untyped-def]
    """Poll ``check`` (sync or async) until it returns a truthy value, or fail at the deadline."""
    deadline = asyncio.get_running_loop().time() + within
    last = None
    while True:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s (last value: {last!r})")
        await asyncio.sleep(interval)
