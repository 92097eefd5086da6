"""The ``ect`` command: run the platform, mint development tokens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer

from contracts import Role
from ect_platform.cli_uploads import upload
from ect_platform.identity import MAX_LIFETIME_SECONDS, TokenIssuer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="The ECT induction platform's command line.")

STATE_DIR = Path(os.environ.get("ECT_STATE_DIR", ".ect"))


def jwt_secret() -> str:
    """JWT_SECRET if set; otherwise a development secret kept in the state directory."""
    from ect_platform.supervisor import development_secret

    return os.environ.get("JWT_SECRET") or development_secret(STATE_DIR / "jwt-secret")


@app.command()
def up(
    demo: bool = typer.Option(False, "--demo", help="Also load a small demo hub."),
    kafka_port: int = typer.Option(9092, help="Port of the embedded broker."),
) -> None:
    """Start PostgreSQL and Kafka (embedded unless configured) and the three services."""
    from ect_platform.supervisor import run_until_interrupted, start_platform

    env = dict(os.environ)
    env["JWT_SECRET"] = jwt_secret()
    try:  # said here, before anything starts, rather than in three services' logs
        TokenIssuer(env["JWT_SECRET"])
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    # Development defaults: mail to people with no address registered lands in the catcher,
    # and the README's hub lead token (lead-1) is the hub lead that escalations go to.
    env.setdefault("NOTIFICATIONS_UNREGISTERED_EMAIL_DOMAIN", "ect.localhost")
    env.setdefault("NOTIFICATIONS_HUB_LEAD_IDS", "lead-1")
    logs = STATE_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    typer.echo("starting the platform...")
    platform = start_platform(state_dir=STATE_DIR, env=env, kafka_port=kafka_port, log_dir=logs)
    # where the operations commands (ect dlq, ect relay) find this running platform
    (STATE_DIR / "platform.json").write_text(json.dumps({
        "database_url": platform.database_url, "kafka_bootstrap_servers": platform.bootstrap_servers,
        "kafka_topic_prefix": env.get("KAFKA_TOPIC_PREFIX", ""),
        "chain_checkpoint_dir": platform.env["CHAIN_CHECKPOINT_DIR"],
    }))
    if demo:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from ect_platform.demo import load_demo

        summary = load_demo(platform, TokenIssuer(env["JWT_SECRET"]),
                            datetime.now(ZoneInfo("Europe/London")).date())
        typer.echo(f"demo hub loaded: {summary}")
    typer.echo(
        "\nThe ECT induction platform is running.\n"
        f"  scheduling     {platform.url('scheduling')}   (API docs: /docs)\n"
        f"  reporting      {platform.url('reporting')}   (API docs: /docs; dashboard: /dashboard)\n"
        f"  notifications  {platform.url('notifications')}   (API docs: /docs)\n"
        f"  Kafka broker   {platform.bootstrap_servers}\n"
        f"  PostgreSQL     {platform.database_url}\n"
        f"  logs           {logs}/\n"
        + (f"  mail           {platform.mail_dir}/ (every message sent, as .eml files)\n"
           if platform.mail_dir else "")
        + "  a token:       .venv/bin/ect token --role hub_lead --user lead-1\n"
        f"  dashboard:     {platform.url('reporting')}/dashboard/login (paste the token)\n"
        "Press Ctrl-C to stop everything."
    )
    raise typer.Exit(run_until_interrupted(platform))


@app.command()
def token(
    role: Role = typer.Option(
        ..., help="hub_lead, mentor, induction_tutor, appropriate_body, auditor, headteacher, ect"),
    user: str = typer.Option(..., help="The user id the token speaks for (the JWT 'sub'); for an "
                             "ect, the ECT's id; for a mentor, the mentor's id."),
    ttl: int = typer.Option(8 * 3600, help="Lifetime in seconds."),
    school: list[str] = typer.Option(
        None, "--school", help="A school the user acts for (repeat for several). Required for an "
        "induction tutor and a headteacher; a hub lead without any acts for every school."),
    ab: str | None = typer.Option(
        None, "--ab", help="The appropriate body an appropriate_body user acts for (default: --user)."),
) -> None:
    """Print a bearer token for development, signed with the platform's secret."""
    limit = int(os.environ.get("JWT_MAX_LIFETIME_SECONDS") or MAX_LIFETIME_SECONDS)
    if role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER) and not school:
        raise typer.BadParameter(f"a {role.value.replace('_', ' ')} acts for schools: give --school URN")
    if role == Role.ECT:
        from uuid import UUID

        try:
            UUID(user)
        except ValueError:
            raise typer.BadParameter("an ECT's token speaks for the ECT: give their id (a UUID, as "
                                     "POST /ects answered) as --user") from None
    try:
        typer.echo(TokenIssuer(jwt_secret(), max_lifetime_seconds=limit).issue(
            user, role, ttl_seconds=ttl, schools=school or None, appropriate_body_id=ab))
    except ValueError as exc:  # a weak secret, or a lifetime past the cap: say which
        raise typer.BadParameter(str(exc)) from exc


def _running() -> dict[str, str]:
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


dlq = typer.Typer(help="Dead-lettered messages: list them, and replay them after a fix.")
app.add_typer(dlq, name="dlq")


def _dlq_topics(running: dict[str, str]) -> list[str]:
    from contracts.topics import ALL_TOPICS
    from ect_platform.dead_letters import dlq_topic

    return [dlq_topic(t.qualified(running["kafka_topic_prefix"])) for t in ALL_TOPICS]


@dlq.command("list")
def dlq_list(as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table.")) -> None:
    """Show every parked message: where it came from, which consumer gave up and why."""
    import asyncio

    from ect_platform.dead_letters import list_parked

    running = _running()
    parked = asyncio.run(list_parked(running["kafka_bootstrap_servers"], _dlq_topics(running)))
    held = _quarantined(running)
    if as_json:
        for item in parked:
            typer.echo(json.dumps(item))
        for ect in held:
            typer.echo(json.dumps({"quarantined": ect}))
        return
    typer.echo(f"{len(parked)} parked message(s)")
    for item in parked:
        typer.echo(f"{item['parked_at']}  {item['topic']}[{item['partition']}]@{item['offset']}  "
                   f"key={item['key']}  by {item['consumer']}: {item['error']}")
    # the other kind of stuck work: ECTs whose facts were filed but whose rows cannot be worked out
    typer.echo(f"{len(held)} quarantined ECT(s) (their dashboard rows are as last worked out)")
    for ect in held:
        who = (f"{ect['name']} (TRN {ect['trn']})" if ect.get("name")
               else f"an ECT not yet projected, id {ect['ect_id']}")
        typer.echo(f"{ect['quarantined_at']}  {who}  at school {ect.get('school_id') or 'unknown'}  "
                   f"after {ect['attempts']} attempt(s): {ect['error']}")


def _reporting(running: dict[str, str], *args: str, capture: bool = False
               ) -> subprocess.CompletedProcess[str]:
    """Run ``python -m reporting ARGS`` on the running platform: reporting owns its projections
    and the code that reads them; ect only runs it."""
    if "database_url" not in running:
        raise typer.BadParameter("set DATABASE_URL, or run `ect up`")
    env = dict(os.environ, DATABASE_URL=running["database_url"],
               KAFKA_BOOTSTRAP_SERVERS=running["kafka_bootstrap_servers"],
               KAFKA_TOPIC_PREFIX=running["kafka_topic_prefix"], JWT_SECRET=jwt_secret())
    # the arguments are this module's own constants, never user input
    return subprocess.run([sys.executable, "-m", "reporting", *args], env=env, check=False,  # noqa: S603
                          text=True, capture_output=capture)


def _quarantined(running: dict[str, str], *, retry: bool = False) -> list[dict[str, object]]:
    """The ECTs reporting quarantined (their recompute kept failing); with ``retry``, put back on
    its backlog first."""
    if "database_url" not in running:
        return []  # only the broker is known here: say nothing rather than guess
    done = _reporting(running, "quarantine", *(["--retry"] if retry else []), capture=True)
    if done.returncode != 0:
        raise typer.BadParameter(f"reporting could not list its quarantine: {done.stderr.strip()}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@dlq.command("replay")
def dlq_replay() -> None:
    """Send parked messages back to their topics (consumers ignore what they already applied),
    and put reporting's quarantined ECTs back on its backlog: run after a fix is deployed."""
    import asyncio

    from ect_platform.dead_letters import replay_parked

    running = _running()
    sent = asyncio.run(replay_parked(running["kafka_bootstrap_servers"], _dlq_topics(running)))
    typer.echo(f"replayed {sent} message(s)")
    if "database_url" in running:
        held = _quarantined(running, retry=True)
        typer.echo(f"{len(held)} quarantined ECT(s) put back for reporting to recompute")


relay = typer.Typer(help="A service's relay from its event store to Kafka.")
app.add_typer(relay, name="relay")


@relay.command("republish")
def relay_republish(
    service: str = typer.Option(..., help="scheduling or reporting"),
    from_position: int = typer.Option(1, "--from", help="First notification id to publish again."),
) -> None:
    """Publish a service's events again from a position (a broker that lost data, a new subscriber)."""
    import asyncio

    from ect_platform.database import create_pool
    from ect_platform.relay import rewind

    if service not in ("scheduling", "reporting"):
        raise typer.BadParameter("only scheduling and reporting relay an event store")
    running = _running()
    if "database_url" not in running:
        raise typer.BadParameter("set DATABASE_URL, or run `ect up`")

    async def go() -> int:
        pool = await create_pool(running["database_url"], service)
        try:
            return await rewind(pool, service, from_position)
        finally:
            await pool.close()

    old = asyncio.run(go())
    typer.echo(f"{service}: relay moved from position {old} back to {from_position - 1}; the running "
               "relay republishes from there")


@app.command()
def replay() -> None:
    """Rebuild every projection from the event history into fresh tables and swap them in,
    with a progress bar; reports events per second. The platform keeps serving throughout."""
    raise typer.Exit(_reporting(_running(), "replay").returncode)


imports = typer.Typer(help="Load the records a hub already holds (inductions under way) and the "
                      "DfE's bulk claim and action files.")
app.add_typer(imports, name="import")

SCHEDULING_URL = os.environ.get(
    "SCHEDULING_URL", f"http://127.0.0.1:{os.environ.get('SCHEDULING_PORT', '8001')}")
ERRORS_CSV_HELP = "Also write the file's rows with their errors in a column here."
UPLOADER_HELP = "An appropriate body's or unscoped hub lead's token (default: $ECT_TOKEN)."
FOR_AB_HELP = ("The appropriate body whose file it is: a hub lead must give it; an appropriate "
               "body's token already says it.")


@imports.command("inductions")
def import_inductions(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="The CSV, one row per induction period (see the README)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, record nothing."),
    errors_csv: Path | None = typer.Option(None, "--errors-csv", help=ERRORS_CSV_HELP),
    url: str = typer.Option(SCHEDULING_URL, help="The scheduling service (default: the one `ect up` runs)."),
    bearer: str | None = typer.Option(os.environ.get("ECT_TOKEN"), "--token", help=UPLOADER_HELP),
) -> None:
    """Upload FILE to scheduling's POST /imports/inductions: all or nothing, row errors listed."""
    upload("inductions", file, dry_run, errors_csv, url, bearer, {})


@imports.command("claims")
def import_claims(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="The DfE's bulk claim CSV: TRN, Date of birth, Induction "
                                "programme, Induction period start date."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, record nothing."),
    errors_csv: Path | None = typer.Option(None, "--errors-csv", help=ERRORS_CSV_HELP),
    appropriate_body: str | None = typer.Option(None, "--appropriate-body", help=FOR_AB_HELP),
    url: str = typer.Option(SCHEDULING_URL, help="The scheduling service (default: the one `ect up` runs)."),
    bearer: str | None = typer.Option(os.environ.get("ECT_TOKEN"), "--token", help=UPLOADER_HELP),
) -> None:
    """Upload the DfE claim FILE to POST /imports/claims: each row opens a period with the AB."""
    upload("claims", file, dry_run, errors_csv, url, bearer,
           {"appropriate_body": appropriate_body} if appropriate_body else {})


@imports.command("actions")
def import_actions(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="The DfE's bulk action CSV: TRN, Date of birth, Induction "
                                "period end date, Number of terms, Outcome (pass or release)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, record nothing."),
    errors_csv: Path | None = typer.Option(None, "--errors-csv", help=ERRORS_CSV_HELP),
    appropriate_body: str | None = typer.Option(None, "--appropriate-body", help=FOR_AB_HELP),
    url: str = typer.Option(SCHEDULING_URL, help="The scheduling service (default: the one `ect up` runs)."),
    bearer: str | None = typer.Option(os.environ.get("ECT_TOKEN"), "--token", help=UPLOADER_HELP),
) -> None:
    """Upload the DfE action FILE to POST /imports/actions: each row closes the AB's open period."""
    upload("actions", file, dry_run, errors_csv, url, bearer,
           {"appropriate_body": appropriate_body} if appropriate_body else {})


audit = typer.Typer(help="For auditors: the tamper evidence of the event logs.")
app.add_typer(audit, name="audit")

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


def main() -> None:
    app()
