"""``/asyncapi.json`` and ``/asyncapi``: a service's AsyncAPI document and a page that reads it.

Both are public, like ``/openapi.json``: they say what is on the topics, not what is in them.
The page is plain HTML written here rather than faststream's ``get_asyncapi_html``, because
that one loads the AsyncAPI React component from a CDN, and production perimeters may not
reach one; this page needs nothing but itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from ect_platform.asyncapi import Document

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem;
       color: #1b1b1b; line-height: 1.4; }
h2 { border-bottom: 2px solid #1d70b8; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { margin: 1.5rem 0 .3rem; } code { background: #f3f2f1; padding: 0 .2rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #b1b4b6; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f2f1; } .action { font-weight: bold; text-transform: uppercase; }
"""


def router(document: Callable[[], Document]) -> APIRouter:
    """The two routes; ``document`` builds (or returns the cached) document on demand."""
    routes = APIRouter(tags=["asyncapi"])

    @routes.get("/asyncapi.json", summary="The AsyncAPI 3 document of the events on Kafka")
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(document())

    @routes.get("/asyncapi", response_class=HTMLResponse, summary="The AsyncAPI document, as a page")
    async def asyncapi_html() -> HTMLResponse:
        return HTMLResponse(page(document()))

    return routes


def page(doc: Document) -> str:
    info = doc.get("info", {})
    parts = [f"<h1>{escape(info.get('title', 'AsyncAPI'))}</h1>",
             f"<p>{escape(info.get('description', ''))}</p>",
             '<p>The document itself: <a href="asyncapi.json">asyncapi.json</a> '
             f"(AsyncAPI {escape(doc.get('asyncapi', ''))}).</p>"]
    for server in doc.get("servers", {}).values():
        parts.append(f"<p>Server <code>{escape(server.get('host', ''))}</code> "
                     f"({escape(server.get('protocol', ''))}): "
                     f"{escape(server.get('description', ''))}</p>")
    channels = doc.get("channels", {})
    # what the service publishes first: that is what an integrating team came to read
    operations = sorted(doc.get("operations", {}).values(), key=lambda op: op.get("action") != "send")
    anchored: set[str] = set()  # a topic both sent and read lists its messages twice; one id each
    for operation in operations:
        channel = channels[_last(operation["channel"]["$ref"])]
        verb = "publishes to" if operation.get("action") == "send" else "reads"
        parts.append(f'<h2><span class="action">{escape(verb)}</span> '
                     f"<code>{escape(channel['address'])}</code></h2>")
        if channel.get("description"):
            parts.append(f"<p>{escape(channel['description'])}</p>")
        for reference in channel.get("messages", {}).values():
            message = _resolve(doc, reference)
            parts.append(_message(doc, message, anchor=message.get("name") not in anchored))
            anchored.add(message.get("name", ""))
    title = escape(info.get("title", "AsyncAPI"))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>")


def _message(doc: Document, message: dict[str, Any], anchor: bool) -> str:
    name = escape(message.get("name", ""))
    headers = message.get("headers", {}).get("properties", {})
    key = message.get("bindings", {}).get("kafka", {}).get("key", {})
    envelope = _resolve(doc, message["payload"])
    payload = _resolve(doc, envelope.get("properties", {}).get("payload", {}))
    ce_type = headers.get("ce_type", {}).get("const", "")
    heading = f'<h3 id="{name}">' if anchor else "<h3>"
    return (f'{heading}{name}</h3><p>{escape(message.get("summary", ""))}</p>'
            f"<p><code>ce_type: {escape(ce_type)}</code>. Key: {escape(key.get('description', ''))}</p>"
            "<details><summary>Headers</summary>"
            + _table(("header", "value", "meaning"),
                     [(h, s.get("const", ""), s.get("description", "")) for h, s in headers.items()])
            + "</details>"
            + "<details open><summary>Payload</summary>" + _fields(doc, payload) + "</details>"
            + "<details><summary>Envelope</summary>" + _fields(doc, envelope) + "</details>")


def _fields(doc: Document, schema: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    rows = [(name, _type(doc, field), "yes" if name in required else "", field.get("description", ""))
            for name, field in schema.get("properties", {}).items()]
    return _table(("field", "type", "required", "meaning"), rows)


def _type(doc: Document, field: dict[str, Any]) -> str:
    if "$ref" in field:
        target = _resolve(doc, field)
        if "enum" in target:
            return " | ".join(json.dumps(value) for value in target["enum"])
        return _last(field["$ref"])
    if "anyOf" in field:
        return " or ".join(_type(doc, option) for option in field["anyOf"])
    if field.get("type") == "array":
        return f"array of {_type(doc, field.get('items', {}))}"
    if "enum" in field:
        return " | ".join(json.dumps(value) for value in field["enum"])
    text = str(field.get("type", "any"))
    return f"{text} ({field['format']})" if "format" in field else text


def _table(head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _last(reference: str) -> str:
    return unquote(reference.rsplit("/", 1)[-1])


def _resolve(doc: Document, reference: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` (local, ``#/a/b/c``) until a real object is reached."""
    while "$ref" in reference:
        target: Any = doc
        for part in reference["$ref"].lstrip("#/").split("/"):
            target = target[unquote(part).replace("~1", "/").replace("~0", "~")]
        reference = target
    return reference
