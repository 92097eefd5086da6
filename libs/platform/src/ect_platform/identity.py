"""Who is calling: bearer tokens (JWT) carrying a user id and a role.

Two kinds of token are accepted. HS256 tokens signed with the platform's shared secret
(``JWT_SECRET``): ``ect token`` prints one, for development and for services. And, where
``JWT_JWKS_URL`` is set, RS256 tokens from the hub's identity provider, checked against the
keys it publishes there and against its own issuer and audience; this is how a hub's staff
sign in. Both carry the same claims (``sub``, ``role``, ``schools``, ``ab``), and both obey
the lifetime cap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts import Actor, Role

AUDIENCE = "ect-platform"
ISSUER = "ect-platform"
ALGORITHM = "HS256"
PROVIDER_ALGORITHM = "RS256"
MIN_SECRET_BYTES = 32
"""HS256 is only as strong as its key: RFC 7518 §3.2 asks for at least the hash's 256 bits."""
MAX_LIFETIME_SECONDS = 12 * 3600
"""The longest a token may live (exp - iat) unless configured otherwise: a working day and a bit.
A leaked token is a leaked login until it expires, so no token may be good for years."""


class WeakSecret(ValueError):
    """A signing secret too short to resist guessing; the process refuses to start with one."""


class NotAuthenticated(Exception):
    """No token, or one that cannot be trusted: HTTP 401."""


class Forbidden(Exception):
    """A valid token whose role may not do this: HTTP 403, naming the rule."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: who (the envelope's actor) and what they may see.

    ``schools``: the schools an induction tutor or hub lead acts for (the token's ``schools``
    claim); None for a hub lead without the claim, who acts for every school of the hub.
    ``appropriate_body_id``: the AB an appropriate-body user acts for (``ab`` claim, else ``sub``).
    """

    actor: Actor
    schools: frozenset[str] | None = None
    appropriate_body_id: str | None = None

    @property
    def id(self) -> str:
        return self.actor.id

    @property
    def role(self) -> Role:
        return self.actor.role

    def acts_for_school(self, school_id: str) -> bool:
        return self.schools is None or school_id in self.schools

    def is_ect(self, ect_id: object) -> bool:
        """The caller is this ECT themself (an ``ect`` token whose sub is the ECT's id)."""
        return self.role == Role.ECT and self.id == str(ect_id)


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


VERIFIED_CACHE_SIZE = 4096
REQUIRED_CLAIMS = ["exp", "iat", "sub", "aud", "iss"]


@dataclass(frozen=True)
class IdentityProvider:
    """RS256 tokens an identity provider signs, checked against its published keys (JWKS).

    The key set is fetched on the first token and then kept for ``KEYS_LIFESPAN_SECONDS``;
    a token naming a key (``kid``) not in it makes one refetch, so a rotated key is picked up.
    The fetch is synchronous (PyJWT's ``PyJWKClient``), once per lifespan, with a short timeout.
    """

    jwks_url: str
    issuer: str
    audience: str
    timeout_seconds: float = 5.0
    _keys: jwt.PyJWKClient = field(init=False, repr=False, compare=False, hash=False)

    KEYS_LIFESPAN_SECONDS = 300

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", jwt.PyJWKClient(
            self.jwks_url, cache_keys=True, lifespan=self.KEYS_LIFESPAN_SECONDS,
            timeout=int(max(1, self.timeout_seconds))))

    def decode(self, token: str) -> dict[str, Any]:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientError as exc:
            raise NotAuthenticated(f"the identity provider's signing key was not found: {exc}") from exc
        return jwt.decode(token, key.key, algorithms=[PROVIDER_ALGORITHM], audience=self.audience,
                          issuer=self.issuer, options={"require": REQUIRED_CLAIMS})


@dataclass(frozen=True)
class TokenIssuer:
    """Signs and verifies tokens with one secret.

    The secret (setting ``JWT_SECRET``) must be at least ``MIN_SECRET_BYTES`` long; tokens may
    live at most ``max_lifetime_seconds`` (setting ``JWT_MAX_LIFETIME_SECONDS``) from their
    ``iat`` to their ``exp``: longer ones are neither issued nor accepted.

    ``verify`` remembers the tokens it accepted (up to ``VERIFIED_CACHE_SIZE``) with their
    expiry: the same bytes under the same secret verify the same way, except for time, so a
    remembered token is accepted again only while it has not expired (a token's "issued at"
    and "not before" cannot become invalid later). Any other token is verified in full.
    """

    secret: str
    max_lifetime_seconds: int = MAX_LIFETIME_SECONDS
    provider: IdentityProvider | None = None
    accept_hs256: bool = True  # False: only the provider's tokens (production, once it is set)
    _verified: dict[str, tuple[Principal, float]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        length = len(self.secret.encode())
        if length < MIN_SECRET_BYTES:
            raise WeakSecret(
                f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes; this one is {length}. "
                "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        if self.max_lifetime_seconds <= 0:
            raise ValueError("JWT_MAX_LIFETIME_SECONDS must be a positive number of seconds, "
                             f"not {self.max_lifetime_seconds}")

    def issue(self, user_id: str, role: Role, *, ttl_seconds: int = 8 * 3600,
              schools: Iterable[str] | None = None, appropriate_body_id: str | None = None) -> str:
        if not 0 < ttl_seconds <= self.max_lifetime_seconds:
            raise ValueError(
                f"a token may live at most {self.max_lifetime_seconds} seconds "
                f"(JWT_MAX_LIFETIME_SECONDS), and at least 1; {ttl_seconds} were asked for")
        now = int(time.time())
        claims: dict[str, object] = {
            "sub": user_id,
            "role": role.value,
            "aud": AUDIENCE,
            "iss": ISSUER,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        if schools is not None:
            claims["schools"] = sorted(schools)
        if appropriate_body_id is not None:
            claims["ab"] = appropriate_body_id
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        return self.verify_until(token)[0]

    def may_fetch(self, token: str) -> bool:
        """Whether verifying ``token`` may fetch the provider's keys (a blocking HTTP call)."""
        return self.provider is not None and token not in self._verified and token.count(".") == 2

    def verify_until(self, token: str) -> tuple[Principal, float]:
        """The caller, and until when (epoch seconds) the token speaks for them."""
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, expires = remembered
            if time.time() < expires:
                return principal, expires
            self._verified.pop(token, None)
        principal, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal, expires

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            # each kind of token is decoded with its own key and only its own algorithm, so an
            # HS256 token "signed" with the provider's public key, or "alg: none", is refused
            from_provider = jwt.get_unverified_header(token).get("alg") == PROVIDER_ALGORITHM
            if self.provider is not None and from_provider:
                claims = self.provider.decode(token)
            elif not self.accept_hs256:
                raise NotAuthenticated("only the identity provider's tokens are accepted here "
                                       "(JWT_ACCEPT_HS256 is off)")
            else:
                claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                                    issuer=ISSUER, options={"require": REQUIRED_CLAIMS})
        except jwt.ExpiredSignatureError as exc:
            raise NotAuthenticated("the token has expired") from exc
        except jwt.InvalidTokenError as exc:
            raise NotAuthenticated(f"the token is not valid: {exc}") from exc
        lifetime = float(claims["exp"]) - float(claims["iat"])
        if lifetime > self.max_lifetime_seconds:
            raise NotAuthenticated(
                f"the token lives too long: {lifetime:.0f} seconds from iat to exp, and tokens "
                f"may live at most {self.max_lifetime_seconds} seconds; ask for a shorter one")
        try:
            role = Role(str(claims.get("role", "")))
        except ValueError as exc:
            raise NotAuthenticated("the token names no known role") from exc
        actor = Actor(id=str(claims["sub"]), role=role)
        schools = claims.get("schools")
        if schools is not None and not (
            isinstance(schools, list) and all(isinstance(x, str) for x in schools)
        ):
            raise NotAuthenticated("the token's schools claim must be a list of school ids")
        if role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER) and schools is None:
            raise NotAuthenticated(f"a {role.value.replace('_', ' ')}'s token must name their schools")
        if role == Role.ECT and not _is_uuid(actor.id):
            raise NotAuthenticated("an ECT's token must carry their ECT id as its sub")
        return Principal(
            actor=actor,
            schools=frozenset(schools) if schools is not None else None,
            appropriate_body_id=str(claims.get("ab", actor.id)) if role == Role.APPROPRIATE_BODY else None,
        ), float(claims["exp"])


_bearer = HTTPBearer(auto_error=False)

PRINCIPAL_SCOPE_KEY = "ect_platform.principal"
"""Where server code that authenticated the request another way (the dashboard's session
cookie, looked up in its own store) puts the Principal. Only code in the process can write an
ASGI scope, so a client cannot; every role gate and ``Caller`` then applies unchanged."""


async def current_principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Principal:
    """FastAPI dependency: the caller, from the Authorization header (or ``PRINCIPAL_SCOPE_KEY``).

    The verifying issuer is the one the service put in ``app.state.token_issuer``. A coroutine
    although it never awaits: verifying an HS256 token takes microseconds, and FastAPI would
    send a plain function to its thread pool (a thread hop per request, and per ``allow`` gate);
    only a provider's token not verified before, which may need its keys fetched, takes one.
    """
    authenticated = request.scope.get(PRINCIPAL_SCOPE_KEY)
    if isinstance(authenticated, Principal):
        return authenticated
    if credentials is None:
        raise NotAuthenticated("a bearer token is required (Authorization: Bearer ...)")
    issuer: TokenIssuer = request.app.state.token_issuer
    if issuer.may_fetch(credentials.credentials):
        # a provider's token seen for the first time may need its key set: not on the event loop
        return await asyncio.to_thread(issuer.verify, credentials.credentials)
    return issuer.verify(credentials.credentials)


Caller = Annotated[Principal, Depends(current_principal)]
"""Annotate a route parameter with this to require and receive the authenticated caller."""


def require_role(actor: Actor | Principal, allowed: Iterable[Role], action: str) -> None:
    allowed = tuple(allowed)
    if actor.role not in allowed:
        names = ", ".join(role.value for role in allowed)
        raise Forbidden(f"only {names} may {action}; the token's role is {actor.role.value}")


def allow(*roles: Role, action: str) -> Any:
    """A route dependency admitting only ``roles``; checked before the body is validated.

    Declared on the route (``dependencies=[allow(...)]``), so the route table itself says who
    may call what, and a test can walk it: a route without one is a route without a rule.
    Finer rules (which school, which AB, which mentor) are checked against the data later.
    """

    async def gate(principal: Principal = Depends(current_principal)) -> None:
        require_role(principal, roles, action)

    gate.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
    return Depends(gate)


def allowed_roles(route: Any) -> frozenset[Role] | None:
    """The roles a route's ``allow`` dependency admits, or None if it declares none."""
    for dependency in getattr(route, "dependencies", []):
        roles = getattr(dependency.dependency, "allowed_roles", None)
        if roles is not None:
            return frozenset(roles)
    return None
