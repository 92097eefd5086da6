"""The dashboard's import page, on PostgreSQL: the file goes to scheduling's real API over HTTP
(served on a port of this machine) as the signed-in user, the page shows scheduling's counts and
row errors by teacher, and bad uploads, other sites and other roles change nothing."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
import uvicorn

from contracts import Role
from ect_platform.embedded import free_port
from reporting.dashboard import induction_import
from reporting.entrypoints.api import create_api
from scheduling.entrypoints.api import create_api as create_scheduling_api
from scheduling.imports.induction_file import COLUMNS
from tests.integration.test_reporting_harness import ISSUER, Hub, open_hub

pytestmark = pytest.mark.integration

HTML = {"Accept": "text/html"}
TODAY = date(2026, 12, 2)  # a hub adopting the platform in December, its ECTs in since September


def row(trn: str, name: str, **overrides: str) -> dict[str, str]:
    values = {"TRN": trn, "Name": name, "Date of birth": "1998-03-14", "School URN": "100001",
              "School name": "Oakwood Primary School", "Subject": "", "Phase": "primary",
              "QTS date": "2026-07-15", "Appropriate body": "ab-1", "Induction programme": "provider-led",
              "Registered on": "2026-08-20", "Induction period start date": "2026-09-01",
              "Induction period end date": "", "Number of terms": "", "FTE": "1.0",
              "Induction tutor": "tutor-1", "Outcome": ""}
    values.update(overrides)
    return values


def as_csv(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
async def hub(database_url) -> AsyncIterator[Hub]:  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, TODAY)
    yield hub
    await hub.pool.close()


@pytest.fixture
async def scheduling_url(hub: Hub) -> AsyncIterator[str]:
    """Scheduling's own API (the hub's scheduling application) listening on a real port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_scheduling_api(hub.scheduling, ISSUER), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn's server says so by a flag only)
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


def dashboard(hub: Hub, scheduling_url: str) -> httpx.AsyncClient:
    """A browser on this machine: the dashboard's cookie is kept, and its posts say their Origin."""
    api = create_api(hub.reporting, hub.pool, ISSUER, hub.projections, scheduling_url=scheduling_url)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://127.0.0.1",
                             headers={**HTML, "Origin": "http://127.0.0.1"})


async def signed_in(client: httpx.AsyncClient, role: Role, user: str, **scope: Any) -> httpx.AsyncClient:
    answer = await client.post("/dashboard/login", data={"token": ISSUER.issue(user, role, **scope)})
    assert answer.status_code == 303, answer.text
    return client


async def upload(client: httpx.AsyncClient, data: bytes, *, name: str = "cohort.csv",
                 check_only: bool = False, **headers: str) -> httpx.Response:
    return await client.post("/dashboard/imports", files={"file": (name, data, "text/csv")},
                             data={"dry_run": "yes"} if check_only else {}, headers=headers)


def text_of(page: httpx.Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def recorded(hub: Hub, trn: str) -> bool:
    return hub.scheduling.ect_id_for(trn) is not None


async def test_an_appropriate_body_checks_then_imports_its_cohort_and_the_ects_appear(hub, scheduling_url):
    file = as_csv(row("4100001", "Ada Imported"), row("4100002", "Bob Imported", FTE="0.6"))
    async with dashboard(hub, scheduling_url) as browser:
        await signed_in(browser, Role.APPROPRIATE_BODY, "ab-1")
        overview = await browser.get("/dashboard")
        assert '<a href="/dashboard/imports">import inductions</a>' in overview.text
        form = await browser.get("/dashboard/imports")
        assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
        assert 'type="file"' in form.text and 'name="dry_run"' in form.text

        checked = await upload(browser, file, check_only=True)
        assert checked.status_code == 200, checked.text
        assert "cohort.csv passed the check" in text_of(checked)
        assert "2 rows, of which 2 would be recorded" in text_of(checked)
        assert not recorded(hub, "4100001") and not recorded(hub, "4100002")

        imported = await upload(browser, file)
        assert imported.status_code == 200, imported.text
        assert "cohort.csv was imported" in text_of(imported) and "2 recorded" in text_of(imported)
        assert recorded(hub, "4100001") and recorded(hub, "4100002")
        # recorded as the signed-in AB: the import's events name it, not the dashboard
        ect = hub.scheduling.get_induction(hub.scheduling.ect_id_for("4100001"))
        assert ect.appropriate_body_id == "ab-1"

        await hub.deliver()
        overview = await browser.get("/dashboard")
        assert "Ada Imported" in overview.text and "Bob Imported" in overview.text

        again = await upload(browser, file)  # the same file again records nothing new
        assert "0 recorded, 2 recorded already" in text_of(again)


async def test_row_errors_name_the_teacher_record_nothing_and_download_as_csv(hub, scheduling_url):
    file = as_csv(row("4200001", "Cy Fine"),
                  row("4200002", "Di Elsewhere", **{"Appropriate body": "ab-2"}),
                  row("4200003", "Eve Typo", **{"Induction programme": "diy-led"}))
    async with dashboard(hub, scheduling_url) as browser:
        await signed_in(browser, Role.APPROPRIATE_BODY, "ab-1")
        refused = await upload(browser, file)
        assert refused.status_code == 422
        page = text_of(refused)
        assert "cohort.csv was not imported: 2 errors" in page and "Nothing was recorded" in page
        table = refused.text.split('<table class="import-errors">', 1)[1].split("</table>", 1)[0]
        rows = [text_of(httpx.Response(200, text=tr)) for tr in table.split("<tr>")[2:]]
        # the AB's own identity reached scheduling: another AB's row is refused as not its own
        assert rows[0].startswith("3 Di Elsewhere (TRN 4200002) Appropriate body")
        assert "may import only its own ECTs" in rows[0]
        assert rows[1].startswith("4 Eve Typo (TRN 4200003) Induction programme")
        assert not any(recorded(hub, trn) for trn in ("4200001", "4200002", "4200003"))

        # as a browser reads the hidden field: the newline just after the tag is not content
        returned = html.unescape(refused.text.split('name="csv"', 1)[1].split(">", 1)[1]
                                 .split("</textarea>", 1)[0]).removeprefix("\n")
        assert returned.encode() == file
        download = await browser.post("/dashboard/imports/errors.csv",
                                      files={"csv": (None, returned)})
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
        assert 'filename="import-errors.csv"' in download.headers["content-disposition"]
        errors = list(csv.DictReader(io.StringIO(download.text)))
        assert [(e["Name"], bool(e["Error"])) for e in errors] == [
            ("Cy Fine", False), ("Di Elsewhere", True), ("Eve Typo", True)]
        assert not any(recorded(hub, trn) for trn in ("4200001", "4200002", "4200003"))


async def test_bad_uploads_get_a_clear_message_and_change_nothing(hub, scheduling_url):
    good = as_csv(row("4300001", "Fay Never"))
    async with dashboard(hub, scheduling_url) as browser:
        await signed_in(browser, Role.HUB_LEAD, "lead-1")
        too_big = await upload(browser, good + b"x" * induction_import.MAX_FILE_BYTES)
        assert too_big.status_code == 413
        assert "larger than 1,000,000 bytes (1 MB)" in text_of(too_big)
        # past the 256 KiB the platform's edge takes for other bodies: the import reads the file
        # itself, up to 1 MB, so a large bad file gets its row errors, not an edge refusal
        over_edge = await upload(browser, good + b"9" * 300_000 + b"\n")
        assert over_edge.status_code == 422 and "limited to" not in text_of(over_edge)
        assert "Nothing was recorded: an import is all or nothing" in text_of(over_edge)
        assert "field larger than field limit" in text_of(over_edge)
        workbook = await upload(browser, b"PK\x03\x04" + b"\x00" * 200, name="cohort.csv")
        assert workbook.status_code == 400 and "not CSV text" in text_of(workbook)
        named = await upload(browser, good, name="cohort.xlsx")
        assert named.status_code == 400 and "cohort.xlsx is not a CSV file" in text_of(named)
        empty = await browser.post("/dashboard/imports", files={"file": ("", b"", "text/csv")})
        assert empty.status_code == 400 and "choose a CSV file" in text_of(empty)
        for page in (too_big, workbook, named, empty):
            assert "Nothing was recorded." in text_of(page)
            assert 'type="file"' in page.text  # the form again, to try once more
    async with dashboard(hub, f"http://127.0.0.1:{free_port()}") as browser:  # nothing listens there
        await signed_in(browser, Role.HUB_LEAD, "lead-1")
        unreachable = await upload(browser, good)
        assert unreachable.status_code == 503
        assert "could not be reached" in text_of(unreachable)
        assert "Nothing was recorded." in text_of(unreachable)
    assert not recorded(hub, "4300001")


async def test_only_an_appropriate_body_or_a_hub_wide_lead_sees_the_form(hub, scheduling_url):
    async with dashboard(hub, scheduling_url) as browser:
        await signed_in(browser, Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
        assert "import inductions" not in (await browser.get("/dashboard")).text
        refused = await browser.get("/dashboard/imports")
        assert refused.status_code == 403 and 'type="file"' not in refused.text
        posted = await upload(browser, as_csv(row("4400001", "Gus Tutor")))
        assert posted.status_code == 403
    async with dashboard(hub, scheduling_url) as browser:
        await signed_in(browser, Role.HUB_LEAD, "lead-2", schools=["100001"])
        refused = await browser.get("/dashboard/imports")
        assert refused.status_code == 403 and "acting for every school" in text_of(refused)
        assert "import inductions" not in (await browser.get("/dashboard")).text
    async with dashboard(hub, scheduling_url) as browser:
        await signed_in(browser, Role.AUDITOR, "auditor-1")
        assert (await browser.get("/dashboard/imports")).status_code == 403
    assert not recorded(hub, "4400001")


async def test_a_post_from_another_site_or_without_its_origin_is_refused(hub, scheduling_url):
    file = as_csv(row("4500001", "Hal Forged"))
    async with dashboard(hub, scheduling_url) as browser:
        await signed_in(browser, Role.HUB_LEAD, "lead-1")
        forged = await upload(browser, file, Origin="https://evil.example")
        assert forged.status_code == 403 and "not from https://evil.example" in text_of(forged)
        browser.headers.pop("Origin")
        assert (await upload(browser, file)).status_code == 403
    assert not recorded(hub, "4500001")


async def test_scheduling_not_answering_in_time_is_said_so_and_what_to_do(hub, monkeypatch):
    monkeypatch.setattr(induction_import, "FORWARD_TIMEOUT_SECONDS", 0.3)

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1000)  # takes the request and never answers
        await asyncio.sleep(2)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with dashboard(hub, f"http://127.0.0.1:{port}") as browser:
            await signed_in(browser, Role.HUB_LEAD, "lead-1")
            late = await upload(browser, as_csv(row("4600001", "Ivy Waiting")))
    finally:
        server.close()
    assert late.status_code == 503
    assert "did not answer in time" in text_of(late) and "upload it again" in text_of(late)
    assert "Nothing was recorded." not in text_of(late)  # it may have been: that is not known
