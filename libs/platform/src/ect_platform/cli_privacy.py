"""``ect privacy``: a person's data under UK GDPR, through the services' own routes.

- ``export``: a subject access request (Art. 15) answered from every service;
- ``erase``: erasure for good (Art. 17), at scheduling's ``POST /privacy/erasures``, which
  destroys the person's data key and tells every service;
- ``retention``: the retention schedule, a dry run by default: scheduling's inductions kept
  their 6 years (statutory guidance 2.77), then notifications' messages kept their
  ``NOTIFICATION_RETENTION_DAYS``.

For the export, each service answers for its own data at ``GET /privacy/subject-access?trn=``; this merges the
three answers under each service's name into one JSON document, with when it was made and by
whom. Scheduling is asked first: the ids it knows the person by (a mentor's id) are passed to
notifications, which knows a mentor only by id. Any refusal writes nothing.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from ect_platform.subject_access import PATH, TRN_RULE, is_trn

privacy = typer.Typer(help="Personal data under UK GDPR: export, erase, the retention schedule.")


def _default_url(service: str, port: int) -> str:
    return os.environ.get(f"{service.upper()}_URL",
                          f"http://127.0.0.1:{os.environ.get(f'{service.upper()}_PORT', str(port))}")


def _claims(bearer: str) -> dict[str, Any]:
    """Who the token says the caller is, to label the export (the services verify the token)."""
    try:
        part = bearer.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        raise typer.BadParameter("the token is not a JWT (give an `ect token` or your "
                                 "identity provider's token)") from None
    return claims if isinstance(claims, dict) else {}


def _ask(client: Any, service: str, url: str, params: dict[str, Any]) -> dict[str, Any]:
    import httpx

    try:
        answer = client.get(url.rstrip("/") + PATH, params=params)
    except httpx.HTTPError as exc:
        raise typer.BadParameter(f"{service} at {url} did not answer: {exc}") from exc
    if answer.status_code != 200:
        try:
            detail = answer.json().get("detail", answer.text)
        except ValueError:
            detail = answer.text
        typer.echo(f"{service} refused ({answer.status_code}): {detail}; nothing was written",
                   err=True)
        raise typer.Exit(1)
    body: dict[str, Any] = answer.json()
    return body


def _named(scheduling: dict[str, Any], trn: str) -> str:
    names = [record["name"] for record in (scheduling.get("ect"), scheduling.get("mentor"))
             if record and record.get("name")]
    return f"{names[0]} (TRN {trn})" if names else f"the person with TRN {trn}"


@privacy.command("export")
def export(
    trn: str = typer.Option(..., "--trn", help="The person's TRN (7 digits)."),
    out: Path | None = typer.Option(None, "--out", dir_okay=False,
                                    help="Write the JSON here (default: standard output)."),
    bearer: str | None = typer.Option(os.environ.get("ECT_TOKEN"), "--token",
                                      help="An unscoped hub lead's token (default: $ECT_TOKEN)."),
    scheduling_url: str = typer.Option(_default_url("scheduling", 8001), help="The scheduling service."),
    reporting_url: str = typer.Option(_default_url("reporting", 8002), help="The reporting service."),
    notifications_url: str = typer.Option(_default_url("notifications", 8003),
                                          help="The notifications service."),
) -> None:
    """Everything every service holds about the person with TRN, as one JSON document."""
    import httpx  # only the commands that talk HTTP load a client

    if not is_trn(trn):
        raise typer.BadParameter(TRN_RULE, param_hint="--trn")
    if not bearer:
        raise typer.BadParameter("give --token or set ECT_TOKEN, e.g. "
                                 "--token \"$(ect token --role hub_lead --user lead-1)\"")
    claims = _claims(bearer)
    with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {bearer}"}) as client:
        scheduling = _ask(client, "scheduling", scheduling_url, {"trn": trn})
        known_as = [record["id"] for record in (scheduling.get("ect"), scheduling.get("mentor"))
                    if record]
        reporting = _ask(client, "reporting", reporting_url, {"trn": trn})
        notifications = _ask(client, "notifications", notifications_url,
                             {"trn": trn, "known_as": known_as})
    document = {
        "subject_access_export": {"trn": trn, "made_at": datetime.now(UTC).isoformat(),
                                  "made_by": {"id": claims.get("sub"), "role": claims.get("role")}},
        "scheduling": scheduling, "reporting": reporting, "notifications": notifications,
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    held = ", ".join(f"{name} {'holds data' if section['held'] else 'holds nothing'}"
                     for name, section in (("scheduling", scheduling), ("reporting", reporting),
                                           ("notifications", notifications)))
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
    typer.echo(f"exported what the platform holds about {_named(scheduling, trn)}"
               + (f" to {out}" if out else "") + f": {held}", err=True)


def _token(bearer: str | None) -> str:
    if not bearer:
        raise typer.BadParameter("give --token or set ECT_TOKEN, e.g. "
                                 "--token \"$(ect token --role hub_lead --user lead-1)\"")
    return bearer


def _refused(service: str, answer: Any, what: str) -> None:
    try:
        detail = answer.json().get("detail", answer.text)
    except ValueError:
        detail = answer.text
    typer.echo(f"{service} refused ({answer.status_code}): {detail}; {what}", err=True)
    raise typer.Exit(1)


def _send(method: str, url: str, bearer: str, service: str = "scheduling", **kwargs: Any) -> Any:
    import httpx

    try:
        answer = httpx.request(method, url, headers={"Authorization": f"Bearer {bearer}"},
                               timeout=600, **kwargs)
    except httpx.HTTPError as exc:
        raise typer.BadParameter(f"{service} at {url} did not answer: {exc}") from exc
    return answer


@privacy.command("erase")
def erase(
    trn: str = typer.Option(..., "--trn", help="The person's TRN (7 digits)."),
    reason: str = typer.Option(..., "--reason", help="Why, e.g. the request's reference; "
                               "recorded with the erasure, so write no personal data in it."),
    force: bool = typer.Option(False, "--force", help="Erase inside the statutory retention "
                               "period (6 years after the induction, 2.77): needs --legal-basis."),
    legal_basis: str | None = typer.Option(None, "--legal-basis",
                                           help="The legal reason a forced erasure rests on."),
    bearer: str | None = typer.Option(os.environ.get("ECT_TOKEN"), "--token",
                                      help="An unscoped hub lead's token (default: $ECT_TOKEN)."),
    scheduling_url: str = typer.Option(_default_url("scheduling", 8001), help="The scheduling service."),
) -> None:
    """Erase the person with TRN for good: their data key is destroyed, so none of their
    personal data can be read again anywhere; the records keep their dates and counts."""
    if not is_trn(trn):
        raise typer.BadParameter(TRN_RULE, param_hint="--trn")
    body = {"trn": trn, "reason": reason, "force": force, "legal_basis": legal_basis}
    answer = _send("POST", scheduling_url.rstrip("/") + "/privacy/erasures", _token(bearer), json=body)
    if answer.status_code != 200:
        _refused("scheduling", answer, "nothing was erased")
    for record in answer.json()["erased"]:
        kind = "ECT" if record["subject"] == "ect" else "mentor"
        done = "was already erased" if record["already_erased"] else "erased"
        forced = (f", inside the retention period that ran until {record['retained_until']}"
                  if record["retained_until"] else "")
        typer.echo(f"the {kind} record {record['record_id']} (TRN {trn}) {done}{forced}")


@privacy.command("retention")
def retention(
    dry_run: bool = typer.Option(True, "--dry-run/--apply", help="List what the schedule would "
                                 "erase (the default), or erase it."),
    as_of: str | None = typer.Option(None, "--as-of", help="The dry run on another day (YYYY-MM-DD)."),
    bearer: str | None = typer.Option(os.environ.get("ECT_TOKEN"), "--token",
                                      help="An unscoped hub lead's or a system token."),
    scheduling_url: str = typer.Option(_default_url("scheduling", 8001), help="The scheduling service."),
    notifications_url: str = typer.Option(_default_url("notifications", 8003),
                                          help="The notifications service."),
) -> None:
    """The retention schedule: the inductions whose records were kept their 6 years (2.77),
    and the notifications whose subject and body were kept their NOTIFICATION_RETENTION_DAYS."""
    apply = not dry_run
    if apply and as_of:
        raise typer.BadParameter("the schedule is applied today only; --as-of is for the dry run")
    params = {"as_of": as_of} if as_of else None
    # scheduling first, as before: its lines are printed before notifications is asked, so a
    # refusal from notifications after an applied run still shows what scheduling erased
    _scheduling_retention(scheduling_url, _token(bearer), apply, params)
    _notifications_retention(notifications_url, _token(bearer), apply, params)


def _retention(service: str, base_url: str, bearer: str, apply: bool,
               params: dict[str, str] | None, refused: str) -> dict[str, Any]:
    url = base_url.rstrip("/") + "/privacy/retention"
    answer = (_send("POST", url, bearer, service) if apply
              else _send("GET", url, bearer, service, params=params))
    if answer.status_code != 200:
        _refused(service, answer, refused)
    found: dict[str, Any] = answer.json()
    return found


def _scheduling_retention(url: str, bearer: str, apply: bool, params: dict[str, str] | None) -> None:
    found = _retention("scheduling", url, bearer, apply, params, "nothing was erased")
    for due in found["due"]:
        typer.echo(f"{'erased' if apply else 'would erase'} {due['name']} (TRN {due['trn']}): "
                   f"induction closed {due['closed_on']}, kept until {due['kept_until']}")
    typer.echo(f"{len(found['due'])} induction record(s) "
               f"{'erased' if apply else 'due for erasure'} on {found['as_of']} "
               f"({found['years']} years after the induction closed)", err=True)


def _notifications_retention(url: str, bearer: str, apply: bool,
                             params: dict[str, str] | None) -> None:
    found = _retention("notifications", url, bearer, apply, params, "no notification was blanked")
    settled = (f", settled {found['oldest_settled_on']} to {found['newest_settled_on']}"
               if found["due"] else "")
    count = found["blanked"] if apply else found["due"]
    typer.echo(f"{count} notification(s) {'blanked' if apply else 'due for blanking'} on "
               f"{found['as_of']}{settled} (subject, body and delivery details kept "
               f"{found['days']} days after it was settled)", err=True)
