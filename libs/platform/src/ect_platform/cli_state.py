"""Where the ``ect`` commands find the platform they operate on, and its development secrets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

STATE_DIR = Path(os.environ.get("ECT_STATE_DIR", ".ect"))


def jwt_secret() -> str:
    """JWT_SECRET if set; otherwise a development secret kept in the state directory."""
    from ect_platform.supervisor import development_secret

    return os.environ.get("JWT_SECRET") or development_secret(STATE_DIR / "jwt-secret")


def running() -> dict[str, str]:
    """The platform to operate on: environment variables first, then the one `ect up` started."""
    found: dict[str, str] = {}
    state = STATE_DIR / "platform.json"
    if state.exists():
        found.update(json.loads(state.read_text()))
    for key in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC_PREFIX",
                "CHAIN_CHECKPOINT_DIR"):
        if os.environ.get(key):
            found[key.lower()] = os.environ[key]
    if "kafka_bootstrap_servers" not in found:
        raise typer.BadParameter("no platform found: run `ect up`, or set KAFKA_BOOTSTRAP_SERVERS "
                                 "(and DATABASE_URL)")
    found.setdefault("kafka_topic_prefix", "")
    return found
