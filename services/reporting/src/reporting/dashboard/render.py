"""Jinja2 templates and the headers every dashboard page carries.

Templates and static files are found next to this module, so the editable install (and a
wheel that ships them as package data) finds them without a working directory.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

HERE = Path(__file__).parent
STATIC = HERE / "static"

# Pages show personal data: never cached, never framed, nothing loaded from elsewhere. The
# chart is inline SVG drawn with presentation attributes, so no inline style is needed.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

STATUS_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


def as_day(value: Any) -> date | None:
    """Projection dates arrive as ``date`` from columns and as ISO text from the JSON details."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def day(value: Any, missing: str = "—") -> str:
    found = as_day(value)
    return f"{found.day} {found:%b %Y}" if found else missing


def words(value: Any) -> str:
    return str(value).replace("_", " ")


def number(value: Any) -> str:
    return "—" if value is None else f"{float(value):g}"


ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(day=day, words=words, number=number)
ENV.globals.update(status_labels=STATUS_LABELS)


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


def page(template: str, status_code: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status_code,
                        headers={**PAGE_HEADERS, **(headers or {})})
