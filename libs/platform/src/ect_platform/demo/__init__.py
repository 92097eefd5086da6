"""The demo hub of ``ect up --demo``: a hub in the middle of a school year, loaded through the
import and the public APIs exactly as a client would (``loader``). ``hub`` is who is in it and
each ECT's story, ``cohort_file`` the induction files, ``coaching`` and ``reports`` which
sessions and reports are recorded."""

from __future__ import annotations

import asyncio
from datetime import date

from ect_platform.demo.hub import HUB, HUB_LEAD, Hub
from ect_platform.demo.loader import DemoLoadError, Loaded, Running, load
from ect_platform.identity import TokenIssuer

__all__ = ["DemoLoadError", "Loaded", "describe", "load", "load_demo"]


def load_demo(platform: Running, issuer: TokenIssuer, today: date) -> Loaded:
    """``load`` for a caller without an event loop (the ``ect up`` command)."""
    return asyncio.run(load(platform, issuer, today))


def describe(loaded: Loaded, hub: Hub = HUB) -> str:
    """What was loaded, for a person at the terminal: names, never ids."""
    if loaded.already_present:
        return "demo hub already present (loaded by an earlier `ect up --demo`)"
    counts = loaded.status_counts()
    names = {ect.trn: ect.name for ect in hub.ects}
    lines = [
        f"demo hub loaded in {loaded.seconds:.1f} s: {len(hub.schools)} schools, "
        f"{len(hub.appropriate_bodies)} appropriate bodies, {len(hub.mentors)} mentors, "
        f"{len(loaded.ects)} ECTs"
        + (f" ({', '.join(f'{step} {secs:.1f} s' for step, secs in loaded.phases.items())})"
           if loaded.phases else ""),
        f"  year 2 (since {loaded.cohort_starts[2]:%-d %B %Y}): {loaded.cohorts[2]} ECTs; "
        f"year 1 (since {loaded.cohort_starts[1]:%-d %B %Y}): {loaded.cohorts[1]} ECTs",
        f"  {loaded.sessions} coaching sessions, {loaded.missed_sessions} missed, "
        f"{loaded.drop_ins} drop-ins, {loaded.reports} reviews and assessments, "
        f"{loaded.absences} absences",
        f"  schools: {', '.join(s.name for s in hub.schools)}",
        f"  appropriate bodies: {', '.join(f'{ab.name} ({ab.id})' for ab in hub.appropriate_bodies)}",
        f"  status: {counts['green']} green, {counts['amber']} amber, {counts['red']} red",
    ]
    for ect in hub.ects:
        status = loaded.statuses.get(ect.trn)
        if status and status != "green":
            lines.append(f"    {status:<5}  {names[ect.trn]}: {ect.story.summary}")
    first_ab, first_school = hub.appropriate_bodies[0], hub.schools[0]
    lines += [
        f"  sign in as the hub lead: .venv/bin/ect token --role hub_lead --user {HUB_LEAD}",
        f"  or as an AB:             .venv/bin/ect token --role appropriate_body --user {first_ab.id}",
        f"  or as a tutor:           .venv/bin/ect token --role induction_tutor "
        f"--user {first_school.tutor_id} --school {first_school.urn}",
    ]
    return "\n".join(lines)
