"""Who is calling: bearer tokens (JWT, HS256) carrying a user id and a role.

Tokens are signed with the platform's shared secret. ``ect token`` prints one for
development; in production an identity provider issues them with the same claims.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts import Actor, Role

AUDIENCE = "ect-platform"
ISSUER = "ect-platform"
ALGORITHM = "HS256"


class NotAuthenticated(Exception):
    """No token, or one that cannot be trusted: HTTP 401."""


class Forbidden(Exception):
    """A valid token whose role may not do this: HTTP 403, naming the rule."""


@dataclass(frozen=True)
class TokenIssuer:
    secret: str

    def issue(self, user_id: str, role: Role, *, ttl_seconds: int = 8 * 3600) -> str:
        now = int(time.time())
        claims = {
            "sub": user_id,
            "role": role.value,
            "aud": AUDIENCE,
            "iss": ISSUER,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Actor:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],  # pinning the algorithm refuses "alg: none"
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise NotAuthenticated("the token has expired") from exc
        except jwt.InvalidTokenError as exc:
            raise NotAuthenticated(f"the token is not valid: {exc}") from exc
        try:
            role = Role(claims.get("role"))
        except ValueError as exc:
            raise NotAuthenticated("the token names no known role") from exc
        return Actor(id=str(claims["sub"]), role=role)


_bearer = HTTPBearer(auto_error=False)


def current_actor(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Actor:
    """FastAPI dependency: the caller, from the Authorization header.

    The verifying issuer is the one the service put in ``app.state.token_issuer``.
    """
    if credentials is None:
        raise NotAuthenticated("a bearer token is required (Authorization: Bearer ...)")
    issuer: TokenIssuer = request.app.state.token_issuer
    return issuer.verify(credentials.credentials)


Caller = Annotated[Actor, Depends(current_actor)]
"""Annotate a route parameter with this to require and receive the authenticated caller."""


def require_role(actor: Actor, allowed: Iterable[Role], action: str) -> None:
    allowed = tuple(allowed)
    if actor.role not in allowed:
        names = ", ".join(role.value for role in allowed)
        raise Forbidden(f"only {names} may {action}; the token's role is {actor.role.value}")
