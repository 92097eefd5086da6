"""A DATABASE_URL's TLS parameters reach every connection, the event stores' included."""

from __future__ import annotations

import os

import pytest

from ect_platform.database import PostgresLocation

URL = "postgresql://ect:secret@db.example:5432/ect?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem"


def test_sslmode_is_kept_when_the_url_is_rebuilt_for_another_database():
    location = PostgresLocation.from_url(URL)
    assert location.tls == {"sslmode": "verify-full", "sslrootcert": "/etc/ssl/ca.pem"}
    rebuilt = location.url("postgres")
    assert rebuilt.startswith("postgresql://ect:secret@db.example:5432/postgres?")
    assert "sslmode=verify-full" in rebuilt and "sslrootcert=%2Fetc%2Fssl%2Fca.pem" in rebuilt
    socket = PostgresLocation.from_url("postgresql://u@/ect?host=/tmp/pg&sslmode=disable").url()
    assert socket == "postgresql://u@/ect?host=/tmp/pg&port=5432&sslmode=disable"


def test_the_event_stores_get_the_urls_tls_through_libpqs_environment(monkeypatch: pytest.MonkeyPatch):
    # recorded first, so the test's PGSSLMODE is undone afterwards (asyncpg reads it too)
    monkeypatch.setenv("PGSSLMODE", "unset-by-the-test")
    monkeypatch.delenv("PGSSLMODE")
    monkeypatch.setenv("PGSSLROOTCERT", "/already/set.pem")  # an operator's own setting wins
    PostgresLocation.from_url(URL).use_tls_for_event_stores()
    assert os.environ["PGSSLMODE"] == "verify-full"
    assert os.environ["PGSSLROOTCERT"] == "/already/set.pem"
