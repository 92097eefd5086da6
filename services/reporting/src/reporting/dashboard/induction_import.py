"""The dashboard's upload of a cohort already in induction, forwarded to scheduling.

Scheduling owns the import (``POST /imports/inductions``): it checks every row and records
the inductions, all or nothing. The dashboard only carries the file there on the signed-in
user's behalf and shows the answer, so the rows are checked once, by the code that records
them, and this service never writes scheduling's records.

Who may: the roles scheduling lets import, mirrored here so the form is offered only to them
(scheduling still decides): an appropriate body, for its own ECTs, and a hub lead acting for
every school of the hub (a token naming no schools).

The upload is read without a multipart library: a browser's ``multipart/form-data`` body is
a MIME message, which the standard library's email parser reads.
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httpx
from fastapi import Request

from contracts import Role
from ect_platform.identity import Principal, TokenIssuer

MAX_FILE_BYTES = 1_000_000
"""Scheduling's own limit (README, 'Importing a cohort already in induction'): a larger file
is refused here, before it is read any further or sent on."""
MAX_FORM_BYTES = MAX_FILE_BYTES + 64_000  # the form's other fields and the part headers
FORWARD_TOKEN_SECONDS = 120  # the token made for one forwarded upload: long enough for it only
FORWARD_TIMEOUT_SECONDS = 60.0


class UploadRefused(ValueError):
    """A file the dashboard does not send on (not a CSV, no file): nothing is recorded."""

    status = 400


class UploadTooLarge(UploadRefused):
    status = 413


class SchedulingUnavailable(RuntimeError):
    """Scheduling could not be asked or did not answer as it documents. ``nothing_recorded``:
    whether that is certain (the file never reached it, or it answered a failure) or not (it
    did not answer in time: the page then says to upload again, which records nothing twice)."""

    def __init__(self, reason: str, *, nothing_recorded: bool = True) -> None:
        super().__init__(reason)
        self.nothing_recorded = nothing_recorded


def may_import(caller: Principal) -> bool:
    """Scheduling's gate (routes_imports): an AB, or a hub lead acting for every school."""
    return caller.role == Role.APPROPRIATE_BODY or (
        caller.role == Role.HUB_LEAD and caller.schools is None)


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    dry_run: bool


async def _form_body(request: Request) -> bytes:
    """The posted form, read no further than the limit (refused as soon as it is passed)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise UploadTooLarge(_too_large())
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FORM_BYTES:
            raise UploadTooLarge(_too_large())
    return bytes(body)


async def read_upload(request: Request) -> Upload:
    """The file and the "check only" box from the posted form; too large or not a CSV is refused."""
    body = await _form_body(request)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise UploadRefused("the form must be sent as multipart/form-data, with the file in it")
    fields, files = _parts(content_type, body)
    if "file" not in files or not files["file"][1]:
        raise UploadRefused("choose a CSV file to upload")
    filename, data = files["file"]
    if len(data) > MAX_FILE_BYTES:
        raise UploadTooLarge(_too_large())
    _check_csv(filename, data)
    return Upload(data, filename, dry_run=fields.get("dry_run", "").strip() == "yes")


async def read_returned_file(request: Request) -> bytes:
    """The file the result page carried back (a hidden field) for the errors download."""
    body = await _form_body(request)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise UploadRefused("the errors file is downloaded with the button on the result page")
    fields, _ = _parts(content_type, body)
    text = fields.get("csv", "")
    if not text:
        raise UploadRefused("there is no file to check: upload it again on the import page")
    return text.encode("utf-8")


def _too_large() -> str:
    return (f"the file is larger than {MAX_FILE_BYTES:,} bytes (1 MB), the most one import takes; "
            "split it into smaller files and upload each")


def _parts(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise UploadRefused("the form could not be read; upload the file with the form on this page")
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename, data)
        else:
            fields[name] = data.decode("utf-8", "replace")
    return fields, files


def _check_csv(filename: str, data: bytes) -> None:
    if not filename.lower().endswith(".csv"):
        raise UploadRefused(f"{filename} is not a CSV file: save the spreadsheet as CSV "
                            "(comma separated values, UTF-8) and upload that")
    if b"\x00" in data[:4096] or data.startswith(b"PK\x03\x04"):
        # a spreadsheet workbook (a zip) or another binary file renamed .csv
        raise UploadRefused(f"{filename} is not CSV text (it looks like a spreadsheet workbook or "
                            "another binary file): save it as CSV UTF-8 and upload that")


@dataclass
class ImportAnswer:
    """Scheduling's answer: its counts and row errors (each naming the teacher), or why not."""

    status: int
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    refused: str = ""  # a refusal that is not about the rows (who may import, the token)


def forwarded_authorization(request: Request, caller: Principal, issuer: TokenIssuer) -> str:
    """The bearer for scheduling: the caller's own header where they sent one; for a dashboard
    session (which keeps no token), a short-lived token for the same user, role and scope,
    signed with the platform's shared secret as every service's tokens are."""
    sent = request.headers.get("authorization")
    if sent:
        return sent
    token = issuer.issue(caller.id, caller.role, ttl_seconds=FORWARD_TOKEN_SECONDS,
                         schools=caller.schools, appropriate_body_id=caller.appropriate_body_id)
    return f"Bearer {token}"


def _endpoint(scheduling_url: str, dry_run: bool) -> str:
    return f"{scheduling_url.rstrip('/')}/imports/inductions" + ("?dry_run=true" if dry_run else "")


async def _post(scheduling_url: str, authorization: str, data: bytes, dry_run: bool,
                accept: str) -> httpx.Response:
    try:
        async with httpx.AsyncClient(timeout=FORWARD_TIMEOUT_SECONDS) as client:
            return await client.post(_endpoint(scheduling_url, dry_run), content=data, headers={
                "Authorization": authorization, "Content-Type": "text/csv", "Accept": accept})
    except httpx.ConnectError as exc:
        raise SchedulingUnavailable(
            f"the scheduling service, which records imports, could not be reached at "
            f"{scheduling_url}. Try again later") from exc
    except httpx.TimeoutException as exc:
        raise SchedulingUnavailable(
            "the scheduling service did not answer in time, so whether the file was recorded is "
            "not known: upload it again, which records nothing twice", nothing_recorded=False) from exc
    except httpx.HTTPError as exc:
        raise SchedulingUnavailable(
            f"the scheduling service did not answer ({exc}), so whether the file was recorded is "
            "not known: upload it again, which records nothing twice", nothing_recorded=False) from exc


async def forward(scheduling_url: str, authorization: str, upload: Upload) -> ImportAnswer:
    response = await _post(scheduling_url, authorization, upload.data, upload.dry_run,
                           "application/json")
    try:
        answer = response.json()
    except ValueError as exc:
        raise SchedulingUnavailable(
            f"the scheduling service answered {response.status_code} without a readable result") from exc
    if response.status_code in (200, 201, 413, 422) and "errors" in answer:
        return ImportAnswer(response.status_code, rows=answer.get("rows", 0),
                            created=answer.get("created", 0), unchanged=answer.get("unchanged", 0),
                            dry_run=bool(answer.get("dry_run")), errors=list(answer["errors"]))
    if 400 <= response.status_code < 500:  # who may import, the token, the edge's own limits
        return ImportAnswer(response.status_code, refused=str(answer.get("detail", "refused")))
    raise SchedulingUnavailable(f"the scheduling service answered {response.status_code}: "
                                f"{answer.get('detail', '')}")


async def errors_csv(scheduling_url: str, authorization: str, data: bytes) -> bytes:
    """The file's rows with scheduling's ``Error`` column, checked again and recorded nowhere
    (a dry run): the dashboard keeps no upload, so the download carries the file back."""
    response = await _post(scheduling_url, authorization, data, True, "text/csv")
    if response.status_code not in (200, 413, 422) or "text/csv" not in response.headers.get(
            "content-type", ""):
        raise SchedulingUnavailable(f"the scheduling service answered {response.status_code} "
                                    "instead of the errors file")
    return response.content
