"""Tokens verified once are remembered with their expiry: still refused once expired, and any
other bytes (a tampered token) are verified in full."""

from __future__ import annotations

import time

import pytest

from contracts import Role
from ect_platform.identity import NotAuthenticated, TokenIssuer

SECRET = "verified-token-cache-secret-32-bytes!!"


def test_a_remembered_token_is_refused_once_it_has_expired():
    issuer = TokenIssuer(SECRET)
    token = issuer.issue("lead-1", Role.HUB_LEAD, ttl_seconds=2)
    assert issuer.verify(token).id == "lead-1"
    assert token in issuer._verified
    assert issuer.verify(token).id == "lead-1"  # remembered
    time.sleep(max(0.0, issuer._verified[token][1] - time.time()) + 0.1)
    with pytest.raises(NotAuthenticated, match="expired"):
        issuer.verify(token)
    with pytest.raises(NotAuthenticated, match="expired"):
        issuer.verify(token)


def test_a_tampered_copy_of_a_remembered_token_is_refused():
    issuer = TokenIssuer(SECRET)
    token = issuer.issue("mentor-1", Role.MENTOR)
    issuer.verify(token)
    header, _payload, signature = token.split(".")
    forged = TokenIssuer("another-secret-of-at-least-32-bytes!!").issue("mentor-1", Role.HUB_LEAD)
    with pytest.raises(NotAuthenticated):
        issuer.verify(".".join([header, forged.split(".")[1], signature]))


def test_a_token_signed_with_another_secret_is_refused_even_if_another_issuer_knows_it():
    token = TokenIssuer("another-secret-of-at-least-32-bytes!!").issue("lead-1", Role.HUB_LEAD)
    TokenIssuer("another-secret-of-at-least-32-bytes!!").verify(token)
    with pytest.raises(NotAuthenticated):
        TokenIssuer(SECRET).verify(token)
