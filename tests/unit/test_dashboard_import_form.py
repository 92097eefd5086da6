"""The dashboard's import form, without a server: the upload is read byte for byte (scheduling
records the file's SHA-256, so the file it gets must be the one chosen), the gate mirrors
scheduling's, and the token sent on speaks for the same person."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from contracts import Actor, Role
from ect_platform.identity import Principal, TokenIssuer
from reporting.dashboard import induction_import

ISSUER = TokenIssuer("dashboard-import-unit-secret-of-32-bytes")


def request_of(files: dict[str, Any], data: dict[str, str] | None = None,
               headers: dict[str, str] | None = None) -> Request:
    sent = httpx.Request("POST", "http://127.0.0.1/dashboard/imports", files=files, data=data or {},
                         headers=headers or {})
    body = sent.read()
    chunks = [body[i:i + 7000] for i in range(0, len(body), 7000)] or [b""]

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    scope = {"type": "http", "method": "POST", "path": "/dashboard/imports", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in sent.headers.items()]}
    return Request(scope, receive)


def principal(role: Role, user: str, **scope: Any) -> Principal:
    return Principal(actor=Actor(id=user, role=role), **scope)


@pytest.mark.parametrize("data", [
    "TRN,Name\r\n1234567,Zoë Brontë\r\n".encode(), b"TRN,Name\n1234567,Ada", b"\xef\xbb\xbfTRN,Name\r\n\r\n",
    b"TRN,Name\r\n--looks-like-a-boundary\r\n",
])
async def test_the_file_reaches_scheduling_byte_for_byte(data: bytes):
    upload = await induction_import.read_upload(request_of({"file": ("cohort.csv", data, "text/csv")},
                                                           {"dry_run": "yes"}))
    assert hashlib.sha256(upload.data).digest() == hashlib.sha256(data).digest()
    assert (upload.filename, upload.dry_run) == ("cohort.csv", True)


async def test_without_the_box_ticked_it_is_an_import():
    upload = await induction_import.read_upload(request_of({"file": ("c.csv", b"TRN\r\n", "text/csv")}))
    assert upload.dry_run is False


@pytest.mark.parametrize(("name", "data", "says"), [
    ("cohort.xlsx", b"TRN\r\n", "cohort.xlsx is not a CSV file"),
    ("cohort.csv", b"PK\x03\x04rest of a workbook", "not CSV text"),
    ("cohort.csv", b"TRN\x00\x00", "not CSV text"),
    ("", b"", "choose a CSV file"),
])
async def test_what_is_not_a_csv_is_refused_by_name(name: str, data: bytes, says: str):
    with pytest.raises(induction_import.UploadRefused, match=says) as refused:
        await induction_import.read_upload(request_of({"file": (name, data, "text/csv")}))
    assert refused.value.status == 400


async def test_a_file_over_the_limit_is_refused_before_it_is_read_on():
    big = b"x" * (induction_import.MAX_FILE_BYTES + 1)
    with pytest.raises(induction_import.UploadTooLarge, match="1 MB") as refused:
        await induction_import.read_upload(request_of({"file": ("c.csv", big, "text/csv")}))
    assert refused.value.status == 413


def test_only_an_appropriate_body_or_a_hub_wide_lead_may_import():
    assert induction_import.may_import(principal(Role.APPROPRIATE_BODY, "ab-1", appropriate_body_id="ab-1"))
    assert induction_import.may_import(principal(Role.HUB_LEAD, "lead-1"))
    assert not induction_import.may_import(principal(Role.HUB_LEAD, "lead-2", schools=frozenset({"1"})))
    for role in (Role.INDUCTION_TUTOR, Role.MENTOR, Role.AUDITOR):
        assert not induction_import.may_import(principal(role, "someone", schools=frozenset({"1"})))


def test_a_session_is_forwarded_as_a_short_token_for_the_same_person_and_scope():
    caller = principal(Role.APPROPRIATE_BODY, "user-7", appropriate_body_id="ab-9")
    request = request_of({"file": ("c.csv", b"TRN\r\n", "text/csv")})
    sent = induction_import.forwarded_authorization(request, caller, ISSUER)
    forwarded, expires = ISSUER.verify_until(sent.removeprefix("Bearer "))
    assert forwarded == caller
    assert expires - time.time() <= induction_import.FORWARD_TOKEN_SECONDS
    own = request_of({"file": ("c.csv", b"TRN\r\n", "text/csv")}, headers={"Authorization": "Bearer abc"})
    assert induction_import.forwarded_authorization(own, caller, ISSUER) == "Bearer abc"
