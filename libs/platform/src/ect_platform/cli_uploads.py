"""How ``ect import`` uploads a file: one POST to scheduling's ``/imports/{kind}``, its row
errors listed one a line, naming each teacher, and the exit code its outcome."""

from __future__ import annotations

from pathlib import Path

import typer


def upload(kind: str, file: Path, dry_run: bool, errors_csv: Path | None, url: str,
           bearer: str | None, params: dict[str, str]) -> None:
    """One upload to POST /imports/{kind}, its row errors listed, the exit code its outcome."""
    import httpx  # only these commands talk HTTP: the others need no client loaded

    if not bearer:
        raise typer.BadParameter("give --token or set ECT_TOKEN, e.g. "
                                 "--token \"$(ect token --role hub_lead --user lead-1)\"")
    data = file.read_bytes()
    headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "text/csv"}
    endpoint = url.rstrip("/") + f"/imports/{kind}"
    try:
        with httpx.Client(timeout=600) as client:
            answer = client.post(endpoint, content=data, headers=headers,
                                 params={**params, **({"dry_run": "true"} if dry_run else {})})
            if errors_csv is not None and answer.status_code == 422 and "rows" in answer.json():
                # the same checks again, answered as the file's rows with their errors
                table = client.post(endpoint, content=data, params={**params, "dry_run": "true"},
                                    headers={**headers, "Accept": "text/csv"})
                errors_csv.write_text(table.text)
    except httpx.HTTPError as exc:
        raise typer.BadParameter(f"scheduling at {url} did not answer: {exc}") from exc
    body = answer.json()
    if answer.status_code in (401, 403) or "rows" not in body:
        # a refusal of the request, not of rows: who may upload, or for which AB
        detail = body.get("detail", answer.text) if isinstance(body, dict) else answer.text
        hint = (" (give --appropriate-body ID)" if "appropriate-body-required" in body.get("type", "")
                else "")
        typer.echo(f"refused ({answer.status_code}): {detail}{hint}", err=True)
        raise typer.Exit(1)
    for error in body.get("errors", []):
        if not error.get("trn"):
            who = "the file"
        elif error.get("name"):
            who = f"{error['name']} (TRN {error['trn']})"
        else:
            who = f"the teacher with TRN {error['trn']}"
        typer.echo(f"row {error['row']}: {who}: {error['field']}: {error['reason']}", err=True)
    verb = "would record" if dry_run else "recorded"
    typer.echo(f"{body.get('rows', 0)} row(s): {verb} {body.get('created', 0)}, "
               f"{body.get('unchanged', 0)} already recorded, {len(body.get('errors', []))} error(s)"
               + ("; nothing was recorded" if body.get("errors") else ""))
    raise typer.Exit(0 if answer.is_success else 1)
