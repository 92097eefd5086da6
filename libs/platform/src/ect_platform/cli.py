"""The ``ect`` command: run the platform, mint development tokens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer

from contracts import Role
from ect_platform.cli_audit import audit
from ect_platform.cli_privacy import privacy
from ect_platform.cli_state import STATE_DIR, jwt_secret
from ect_platform.cli_state import running as _running
from ect_platform.cli_uploads import upload
from ect_platform.identity import MAX_LIFETIME_SECONDS, TokenIssuer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="The ECT induction platform's command line.")

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
        "chain_checkpoint_dir": platform.env["CHAIN_CHECKPOINT_DIR"],
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
    return _service(running, "reporting", *args, capture=capture)


def _service(running: dict[str, str], service: str, *args: str, capture: bool = False,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m SERVICE ARGS`` on the running platform (``env``: settings over it)."""
    if "database_url" not in running:
        raise typer.BadParameter("set DATABASE_URL, or run `ect up`")
    overrides = env or {}
    env = dict(os.environ, DATABASE_URL=running["database_url"],
               KAFKA_BOOTSTRAP_SERVERS=running["kafka_bootstrap_servers"],
               KAFKA_TOPIC_PREFIX=running["kafka_topic_prefix"], JWT_SECRET=jwt_secret())
    env.update(overrides)
    # the key the key store's keys are wrapped under derives from it: without it a replay
    # could open no sealed field (`ect up` keeps the development one in the state directory)
    chain_key = STATE_DIR / "chain-key"
    if "CHAIN_KEY" not in env and chain_key.exists():
        from ect_platform.supervisor import development_secret
        env["CHAIN_KEY"] = development_secret(chain_key)
    # the arguments are this module's own constants, never user input
    return subprocess.run([sys.executable, "-m", service, *args], env=env, check=False,  # noqa: S603
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
def migrate() -> None:
    """Bring every service's schema to this release's version (each service's start-up does it
    too); prints each one's version and what was applied now."""
    import asyncio

    from ect_platform.ownership import development_service_role

    running = _running()
    if "database_url" not in running:
        raise typer.BadParameter("set DATABASE_URL, or run `ect up`")
    roles: dict[str, str] = {}
    if "DATABASE_OWNER_URL" not in os.environ:
        # as the services run (`ect up`): their own role, the owner making the chained tables,
        # so what a migration creates belongs to the role that will use it
        service_url = asyncio.run(development_service_role(running["database_url"]))
        if service_url:
            roles = {"DATABASE_URL": service_url, "DATABASE_OWNER_URL": running["database_url"]}
    failed = 0
    for service in ("scheduling", "reporting", "notifications"):
        failed |= _service(running, service, "migrate", env=roles).returncode
    raise typer.Exit(1 if failed else 0)


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


app.add_typer(audit, name="audit")
app.add_typer(privacy, name="privacy")


def main() -> None:
    app()
