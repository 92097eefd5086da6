#!/usr/bin/env bash
# Run once by the postgres image when it initialises an empty data directory
# (/docker-entrypoint-initdb.d): the login role the services run as. It owns nothing; each
# service's start-up, connected as the owner (POSTGRES_USER, DATABASE_OWNER_URL), creates its
# schema and hash-chained tables and grants this role only what running needs, so the
# services cannot disable the chain's triggers (libs/platform/src/ect_platform/ownership.py).
set -euo pipefail
: "${POSTGRES_SERVICE_PASSWORD:?set POSTGRES_SERVICE_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v password="$POSTGRES_SERVICE_PASSWORD" <<'SQL'
CREATE ROLE ect_service LOGIN PASSWORD :'password';
SQL
