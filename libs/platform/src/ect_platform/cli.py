"""The ``ect`` command: run the platform, mint development tokens."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import typer

from contracts import Role
from ect_platform.identity import MAX_LIFETIME_SECONDS, TokenIssuer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="The ECT induction platform's command line.")

STATE_DIR = Path(os.environ.get("ECT_STATE_DIR", ".ect"))


def jwt_secret() -> str:
    """JWT_SECRET if set; otherwise a development secret kept in the state directory."""
    configured = os.environ.get("JWT_SECRET")
    if configured:
        return configured
    path = STATE_DIR / "jwt-secret"
    if not path.exists():
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


@app.command()
def up(
    demo: bool = typer.Option(False, "--demo", help="Also load a demo hub in the middle of a "
                              "school year (16 ECTs in two cohorts, 3 schools, 2 ABs)."),
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
    }))
    if demo:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from ect_platform.demo import DemoLoadError, describe, load_demo

        typer.echo("loading the demo hub (an import, then each ECT's history)...")
        try:
            loaded = load_demo(platform, TokenIssuer(env["JWT_SECRET"]),
                               datetime.now(ZoneInfo("Europe/London")).date())
        except DemoLoadError as exc:  # the platform stays up; say what was refused
            typer.echo(f"the demo hub could not be loaded: {exc}", err=True)
        else:
            typer.echo(describe(loaded))
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
        ..., help="hub_lead, mentor, induction_tutor, appropriate_body, auditor"),
    user: str = typer.Option(..., help="The user id the token speaks for (the JWT 'sub')."),
    ttl: int = typer.Option(8 * 3600, help="Lifetime in seconds."),
    school: list[str] = typer.Option(
        None, "--school", help="A school the user acts for (repeat for several). Required for an "
        "induction tutor; a hub lead without any acts for every school."),
    ab: str | None = typer.Option(
        None, "--ab", help="The appropriate body an appropriate_body user acts for (default: --user)."),
) -> None:
    """Print a bearer token for development, signed with the platform's secret."""
    limit = int(os.environ.get("JWT_MAX_LIFETIME_SECONDS") or MAX_LIFETIME_SECONDS)
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
    for key in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC_PREFIX"):
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


imports = typer.Typer(help="Load the records a hub already holds (inductions under way).")
app.add_typer(imports, name="import")


@imports.command("inductions")
def import_inductions(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="The CSV, one row per induction period (see the README)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, record nothing."),
    errors_csv: Path | None = typer.Option(
        None, "--errors-csv", help="Also write the file's rows with an Error column here."),
    url: str = typer.Option(
        os.environ.get("SCHEDULING_URL", f"http://127.0.0.1:{os.environ.get('SCHEDULING_PORT', '8001')}"),
        help="The scheduling service (default: the one `ect up` runs)."),
    bearer: str | None = typer.Option(
        os.environ.get("ECT_TOKEN"), "--token",
        help="An appropriate body's or unscoped hub lead's token (default: $ECT_TOKEN)."),
) -> None:
    """Upload FILE to scheduling's POST /imports/inductions: all or nothing, row errors listed."""
    import httpx  # only this command talks HTTP: the others need no client loaded

    if not bearer:
        raise typer.BadParameter("give --token or set ECT_TOKEN, e.g. "
                                 "--token \"$(ect token --role hub_lead --user lead-1)\"")
    data = file.read_bytes()
    headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "text/csv"}
    params = {"dry_run": "true"} if dry_run else {}
    endpoint = url.rstrip("/") + "/imports/inductions"
    try:
        with httpx.Client(timeout=600) as client:
            answer = client.post(endpoint, content=data, params=params, headers=headers)
            if errors_csv is not None and answer.status_code == 422:
                # the same checks again, answered as the file's rows with an Error column
                table = client.post(endpoint, content=data, params={"dry_run": "true"},
                                    headers={**headers, "Accept": "text/csv"})
                errors_csv.write_text(table.text)
    except httpx.HTTPError as exc:
        raise typer.BadParameter(f"scheduling at {url} did not answer: {exc}") from exc
    if answer.status_code in (401, 403):
        typer.echo(f"refused ({answer.status_code}): {answer.text}", err=True)
        raise typer.Exit(1)
    body = answer.json()
    for error in body.get("errors", []):
        who = f"{error['name']} (TRN {error['trn']})" if error.get("trn") else "the file"
        typer.echo(f"row {error['row']}: {who}: {error['field']}: {error['reason']}", err=True)
    verb = "would record" if dry_run else "recorded"
    typer.echo(f"{body.get('rows', 0)} row(s): {verb} {body.get('created', 0)}, "
               f"{body.get('unchanged', 0)} already recorded, {len(body.get('errors', []))} error(s)"
               + ("; nothing was recorded" if body.get("errors") else ""))
    raise typer.Exit(0 if answer.is_success else 1)


audit = typer.Typer(help="For auditors: the tamper evidence of the event logs.")
app.add_typer(audit, name="audit")

EVENT_LOGS = {"scheduling": "scheduling_events", "reporting": "reporting_events"}


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
    """Walk each service's hash-chained event log; name the first altered, removed or reordered record."""
    import asyncio

    import asyncpg

    from ect_platform import chain

    running = _running()
    if "database_url" not in running:
        raise typer.BadParameter("set DATABASE_URL, or run `ect up`")

    async def go() -> dict[str, chain.Verdict]:
        conn = await asyncpg.connect(running["database_url"])
        verdicts = {}
        try:
            for service, table in EVENT_LOGS.items():
                try:
                    verdicts[service] = await chain.verify(conn, service, table)
                except asyncpg.UndefinedTableError:
                    typer.echo(f"{service}: no event log yet")
            return verdicts
        finally:
            await conn.close()

    broken = False
    for service, verdict in asyncio.run(go()).items():
        if verdict.intact:
            head = verdict.head.hex() if verdict.head else "(empty)"
            typer.echo(f"{service}: intact, {verdict.checked} records, head {head}")
        else:
            broken = True
            typer.echo(f"{service}: BROKEN after {verdict.checked} good records: {verdict.problem}")
    raise typer.Exit(1 if broken else 0)


def main() -> None:
    app()
