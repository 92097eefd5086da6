"""The ``ect`` command: run the platform, mint development tokens."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import typer

from contracts import Role
from ect_platform.identity import TokenIssuer

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
    demo: bool = typer.Option(False, "--demo", help="Also load a small demo hub."),
    kafka_port: int = typer.Option(9092, help="Port of the embedded broker."),
) -> None:
    """Start PostgreSQL and Kafka (embedded unless configured) and the three services."""
    from ect_platform.supervisor import run_until_interrupted, start_platform

    env = dict(os.environ)
    env["JWT_SECRET"] = jwt_secret()
    logs = STATE_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    typer.echo("starting the platform...")
    platform = start_platform(state_dir=STATE_DIR, env=env, kafka_port=kafka_port, log_dir=logs)
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
        f"  reporting      {platform.url('reporting')}   (API docs: /docs)\n"
        f"  notifications  {platform.url('notifications')}   (API docs: /docs)\n"
        f"  Kafka broker   {platform.bootstrap_servers}\n"
        f"  PostgreSQL     {platform.database_url}\n"
        f"  logs           {logs}/\n"
        "  a token:       ect token --role hub_lead --user lead-1\n"
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
    typer.echo(TokenIssuer(jwt_secret()).issue(
        user, role, ttl_seconds=ttl, schools=school or None, appropriate_body_id=ab))


def main() -> None:
    app()
