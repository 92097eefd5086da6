"""How the services log: readable lines by default (``make run``), or one JSON object a line
(``LOG_FORMAT=json``) for a log collector, each with the service, its part and, inside a
request, the request's correlation id, which every event the request caused carries too."""

from __future__ import annotations

import json
import logging
import os
from contextvars import ContextVar
from datetime import UTC, datetime
from uuid import UUID

CORRELATION: ContextVar[UUID | None] = ContextVar("ect_correlation_id", default=None)
"""The correlation id of the request being served (set by ``ect_platform.web``'s middleware)."""

FORMATS = ("text", "json")


class _Context(logging.Filter):
    def __init__(self, service: str, part: str) -> None:
        super().__init__()
        self.service, self.part = service, part

    def filter(self, record: logging.LogRecord) -> bool:
        record.service, record.part = self.service, self.part
        correlation = CORRELATION.get()
        record.correlation_id = str(correlation) if correlation else None
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": getattr(record, "service", None),
            "part": getattr(record, "part", None),
            "logger": record.name,
            "message": record.getMessage(),
        }
        correlation = getattr(record, "correlation_id", None)
        if correlation:
            entry["correlation_id"] = correlation
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(service: str, part: str = "all", log_format: str | None = None) -> None:
    chosen = (log_format or os.environ.get("LOG_FORMAT") or "text").lower()
    if chosen not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {chosen!r}")
    handler = logging.StreamHandler()
    handler.addFilter(_Context(service, part))
    handler.setFormatter(JsonLines() if chosen == "json" else logging.Formatter(
        f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("faststream").setLevel(logging.WARNING)
