"""PostgreSQL connection settings, shared by asyncpg (read models) and eventsourcing (event stores).

Each service owns one schema in the configured database, so a single ``DATABASE_URL``
serves the whole platform while the services' data stay apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import asyncpg

from ect_platform.chain import ChainKey

# The URL's TLS parameters, and the libpq environment variable each is also read from.
TLS_PARAMETERS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                  "sslkey": "PGSSLKEY", "sslcrl": "PGSSLCRL"}


@dataclass(frozen=True)
class PostgresLocation:
    host: str  # a hostname, or a directory holding the server's Unix socket
    port: int
    user: str
    password: str
    dbname: str
    tls: dict[str, str] = field(default_factory=dict)  # sslmode=verify-full and the like, kept

    @classmethod
    def from_url(cls, url: str) -> PostgresLocation:
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise ValueError(f"DATABASE_URL must be a postgresql:// URL, got scheme {parts.scheme!r}")
        query = parse_qs(parts.query)
        host = query.get("host", [parts.hostname or "localhost"])[0]
        return cls(
            host=host,
            port=parts.port or int(query.get("port", ["5432"])[0]),
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            dbname=(parts.path.lstrip("/") or "postgres"),
            tls={name: query[name][0] for name in TLS_PARAMETERS if name in query},
        )

    def url(self, dbname: str | None = None) -> str:
        name = dbname or self.dbname
        auth = self.user + (f":{self.password}" if self.password else "")
        tls = urlencode(self.tls)
        if self.host.startswith("/"):
            socket = f"postgresql://{auth}@/{name}?host={self.host}&port={self.port}"
            return socket + (f"&{tls}" if tls else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{name}" + (f"?{tls}" if tls else "")

    def use_tls_for_event_stores(self) -> None:
        """eventsourcing hands psycopg the host, port and credentials but no TLS options; libpq
        reads those from its environment (PGSSLMODE and the like), so this process's event-store
        connections get the URL's, where the environment does not already set them."""
        for name, value in self.tls.items():
            os.environ.setdefault(TLS_PARAMETERS[name], value)

    def eventsourcing_env(self, schema: str, pool_size: int = 10, max_overflow: int = 10
                          ) -> dict[str, str]:
        """The environment eventsourcing's PostgreSQL persistence module reads; its pool holds
        ``pool_size`` connections and opens up to ``max_overflow`` more under load."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": schema,
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": str(max_overflow),
            # Commands hold the table lock only for an insert; a second is plenty.
            "POSTGRES_LOCK_TIMEOUT": "5",
        }


async def create_pool(url: str, schema: str, *, min_size: int = 1, max_size: int = 10,
                      chain_key: ChainKey | None = None) -> asyncpg.Pool:
    """A pool whose connections resolve unqualified names in the service's schema first and,
    given the chain key, may write to its hash-chained tables (the key goes in each session's
    start-up settings, which outlive asyncpg's reset of a released connection)."""
    settings = {"search_path": f"{schema},public"}
    if chain_key is not None:
        settings.update(chain_key.server_settings())
    pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size,
                                     server_settings=settings)
    assert pool is not None
    return pool


async def ensure_schema(url: str, schema: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        # An identifier cannot be a bind parameter; quote_ident makes it safe.
        quoted = await conn.fetchval("SELECT quote_ident($1)", schema)
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
    finally:
        await conn.close()


async def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if the server does not have it yet."""
    location = PostgresLocation.from_url(url)
    conn = await asyncpg.connect(location.url("postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", location.dbname)
        if not exists:
            quoted = await conn.fetchval("SELECT quote_ident($1)", location.dbname)
            await conn.execute(f"CREATE DATABASE {quoted}")
    finally:
        await conn.close()
