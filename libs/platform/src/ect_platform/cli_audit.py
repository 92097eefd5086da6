"""``ect audit``: for auditors, an ECT's history and the tamper evidence of the stored logs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from ect_platform.cli_state import STATE_DIR
from ect_platform.cli_state import running as _running

audit = typer.Typer(help="For auditors: the tamper evidence of the event logs.")

@audit.command("history")
def audit_history(
    ect_id: str = typer.Argument(..., help="The ECT's id."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    as_of: str | None = typer.Option(None, "--as-of", help="Only what was recorded by then (ISO)."),
) -> None:
    """Every event about an ECT from every service, in order: who, when recorded, when it happened,
    and the correlation id linking a request to its consequences."""
    import asyncio
    from datetime import datetime
    from uuid import UUID

    from ect_platform import audit_trail
    from ect_platform.database import create_pool

    running = _running()
    if "database_url" not in running:
        raise typer.BadParameter("set DATABASE_URL, or run `ect up`")

    async def go() -> list[dict[str, object]]:
        pool = await create_pool(running["database_url"], "reporting")  # reporting hosts the trail
        try:
            return await audit_trail.history(pool, UUID(ect_id),
                                             datetime.fromisoformat(as_of) if as_of else None)
        finally:
            await pool.close()

    events = asyncio.run(go())
    if as_json:
        typer.echo(json.dumps(events, default=str, indent=2))
    else:
        typer.echo(audit_trail.as_table(events), nl=False)


@audit.command("verify")
def audit_verify() -> None:
    """Walk every hash-chained log (both event stores, the audit trail, notifications' outbox)
    under the chain key and against its signed checkpoints; name the first record altered,
    removed, reordered or inserted around the trigger, and newest records removed."""
    import asyncio

    import asyncpg

    from ect_platform import chain
    from ect_platform.checkpoint import CheckpointBook, CheckpointError
    from ect_platform.supervisor import development_secret

    running = _running()
    if "database_url" not in running:
        raise typer.BadParameter("set DATABASE_URL, or run `ect up`")
    secret = os.environ.get("CHAIN_KEY") or (
        development_secret(STATE_DIR / "chain-key") if (STATE_DIR / "chain-key").exists() else None)
    if not secret:
        raise typer.BadParameter("set CHAIN_KEY to the key the services seal the logs with")
    try:
        key = chain.ChainKey.from_text(secret)
    except chain.ChainKeyError as exc:
        raise typer.BadParameter(str(exc)) from exc
    directory = running.get("chain_checkpoint_dir")
    book = CheckpointBook(Path(directory), key) if directory else None
    logs = [chain.event_log("scheduling", "scheduling_events"),
            chain.event_log("reporting", "reporting_events"),
            chain.audit_trail_log("reporting"), chain.outbox_log("notifications")]

    async def go() -> list[tuple[chain.Log, chain.Verdict | str, int]]:
        conn = await asyncpg.connect(running["database_url"])
        found: list[tuple[chain.Log, chain.Verdict | str, int]] = []
        try:
            for log in logs:
                try:
                    anchors = book.anchors(log.name) if book else []
                except CheckpointError as exc:
                    found.append((log, f"BROKEN: {exc}", 0))
                    continue
                try:
                    found.append((log, await chain.verify(conn, log, key, anchors), len(anchors)))
                except (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError):
                    found.append((log, "not chained yet (the service has not started here)", 0))
            return found
        finally:
            await conn.close()

    broken = False
    if book is None:
        typer.echo("no CHAIN_CHECKPOINT_DIR: the chains are checked, but without checkpoints "
                   "the removal of their newest records cannot be seen")
    for log, verdict, anchors in asyncio.run(go()):
        if isinstance(verdict, str):
            broken = broken or verdict.startswith("BROKEN")
            typer.echo(f"{log.name}: {verdict}")
        elif verdict.intact:
            head = verdict.head.hex() if verdict.head else "(empty)"
            anchored = (f", {anchors} checkpoint(s), the newest at record {verdict.anchored_at}"
                        if anchors else ", no checkpoint yet")
            typer.echo(f"{log.name}: intact, {verdict.checked} records, head {head}{anchored}")
        else:
            broken = True
            typer.echo(f"{log.name}: BROKEN after {verdict.checked} good records: {verdict.problem}")
    raise typer.Exit(1 if broken else 0)
