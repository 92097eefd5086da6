"""What a run found: rows of figure vs baseline, printed as markdown and kept as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Row:
    name: str
    figure: float
    unit: str
    baseline_name: str
    baseline: float

    @property
    def ratio(self) -> float:
        """figure / baseline: for throughput the share of the raw ceiling reached, for
        latency how many bare round trips the operation costs."""
        return self.figure / self.baseline if self.baseline else float("nan")


@dataclass
class Measurement:
    key: str  # relay, ingest, latency, commands, rebuild, memory
    title: str
    rows: list[Row]
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for row, raw in zip(self.rows, data["rows"], strict=True):
            raw["ratio"] = row.ratio
        return data


def _figure(value: float, unit: str) -> str:
    if unit in ("ms", "MB"):
        return f"{value:,.1f} {unit}"
    return f"{value:,.0f} {unit}"


def table(measurements: list[Measurement]) -> str:
    lines = [
        "| Measure | Figure | Baseline (same run, same machine) | Baseline figure | Ratio |",
        "|---|---:|---|---:|---:|",
    ]
    for measurement in measurements:
        for row in measurement.rows:
            lines.append(
                f"| {row.name} | {_figure(row.figure, row.unit)} | {row.baseline_name} "
                f"| {_figure(row.baseline, row.unit)} | {row.ratio:.2f}x |"
            )
    return "\n".join(lines)


def notes(measurements: list[Measurement]) -> str:
    parts = []
    for measurement in measurements:
        parts.append(f"**{measurement.title}**\n")
        parts.extend(f"- {note}" for note in measurement.notes)
        parts.append("")
    return "\n".join(parts)


def machine_line(machine: dict[str, Any], infra: dict[str, Any]) -> str:
    return (
        f"{machine['cpu_count']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB RAM, "
        f"{machine['platform']}, {machine['implementation']} {machine['python']}; "
        f"{infra['postgres']}; Kafka: {infra['kafka']}; load average (1/5/15 min) "
        f"{machine['load_average_at_start']} at the start, {machine.get('load_average_at_end')} at the end"
    )


def markdown(run: dict[str, Any], measurements: list[Measurement]) -> str:
    params = run["parameters"]
    return "\n".join([
        table(measurements),
        "",
        "Ratio = figure / baseline. Throughput: the share of the raw client's rate the platform "
        "path reaches (1.00x = as fast as raw). Latency: how many bare round trips (or bare "
        "INSERT requests) it costs. Memory: how many idle processes' worth of RSS it holds.",
        "",
        f"Machine: {machine_line(run['machine'], run['infrastructure'])}",
        f"Parameters: events={params['events']}, samples={params['samples']}, "
        f"seed={params['seed']}"
        + (f", rates={','.join(map(str, params['rates']))}/s for {params['seconds_per_rate']:g} s each"
           if "rates" in params else "")
        + (f", scale={params['scale']:g}" if params.get("scale", 1) != 1 else "")
        + f"; run {run['run_id']} at {run['started_at']}",
        "",
        notes(measurements),
    ])


def write_json(directory: Path, run: dict[str, Any], measurements: list[Measurement]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{run['run_id']}.json"
    document = dict(run, measurements=[m.as_json() for m in measurements])
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path


NATIONAL_YEAR_EVENTS = 5_000_000
BOUNDS_HEADING = "## What bounds each figure"


def targets(measurements: list[Measurement]) -> str:
    """The issue's targets for this 2-core machine beside what this run measured."""
    found = {m.key: m for m in measurements}
    lines = ["| Target | This run | Met |", "|---|---|:-:|"]

    def add(target: str, measured: str, met: bool | None) -> None:
        lines.append(f"| {target} | {measured} | {'yes' if met else 'no' if met is not None else '-'} |")

    for key, label in (("relay", "Relay ≥ 50,000 events/s"),
                       ("ingest", "Projection ingest ≥ 50,000 events/s")):
        if key in found:
            rate = found[key].rows[0].figure
            add(label, f"{rate:,.0f} events/s ({found[key].rows[0].ratio:.2f}x raw)", rate >= 50_000)
    if "rebuild" in found:
        rate = found["rebuild"].rows[0].figure
        add("Rebuild of a national year (5M events) < 60 s",
            f"{rate:,.0f} events/s: 5M events in about {NATIONAL_YEAR_EVENTS / rate:,.0f} s",
            NATIONAL_YEAR_EVENTS / rate < 60)
    if "commands" in found:
        runs = found["commands"].details.get("platform", [])
        fast = [r for r in runs if r["p99_ms"] < 50 and r["errors"] == 0]
        best = max(fast, key=lambda r: r["achieved"], default=None)
        add("≥ 2,000 commands/s through HTTP with p99 < 50 ms",
            f"{best['achieved']:,.0f} req/s at {best['offered']}/s offered (p99 {best['p99_ms']:,.0f} ms)"
            if best else "no offered rate kept p99 under 50 ms "
            f"(lowest p99: {min((r['p99_ms'] for r in runs), default=float('nan')):,.0f} ms)",
            bool(best and best["achieved"] >= 2_000))
        at_500 = next((r for r in runs if r["offered"] == 500 and "e2e_p99_ms" in r), None)
        add("End-to-end p99 < 100 ms at 500 commands/s",
            f"p99 {at_500['e2e_p99_ms']:,.0f} ms under 500/s offered "
            f"({at_500['achieved']:,.0f} req/s achieved, {at_500['e2e_samples']} tracer sessions)"
            if at_500 else "500/s was not offered in this run",
            at_500["e2e_p99_ms"] < 100 and at_500["achieved"] >= 450 if at_500 else None)
    if "memory" in found:
        grown = ", ".join(f"{row.name.split()[0]} {row.figure:,.0f} MB (idle {row.baseline:,.0f})"
                          for row in found["memory"].rows)
        add("Memory of each service flat with history size", f"peak RSS under load: {grown}", None)
    return "\n".join(lines)


def _kept_bounds(path: Path) -> str:
    """The hand-written section of the page, carried over from the page being replaced."""
    if not path.exists():
        return ""
    text = path.read_text()
    start = text.find(BOUNDS_HEADING)
    if start < 0:
        return ""
    end = text.find("\n## Reproduce", start)
    return text[start:end if end >= 0 else None].rstrip() + "\n\n"


def write_docs(path: Path, run: dict[str, Any], measurements: list[Measurement]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    bounds = _kept_bounds(path)
    path.write_text(
        "# Performance\n\n"
        "Written by `make bench` (`python -m bench`); every run rewrites this page. Each figure "
        "comes with a baseline measured in the same run on the same machine: the raw client "
        "doing the same work without the platform's guarantees (for latency, a bare round "
        "trip; for commands, a bare INSERT behind the same web framework; for memory, an idle "
        "process importing the same code), so the ratio, not the absolute number, is what "
        "carries across machines.\n\n"
        "## Latest run\n\n"
        + markdown(run, measurements)
        + "\n## Targets\n\n"
        "The issue's targets for a 2-core machine, beside this run's figures (a ratio is what "
        "carries to another machine; a target is absolute).\n\n"
        + targets(measurements) + "\n\n"
        + bounds
        + "## Reproduce\n\n"
        "```\nmake bench                         # everything, embedded PostgreSQL and broker\n"
        "make bench ARGS='--only relay --events 50000'\n"
        "make bench ARGS='--only commands --only memory --rates 50,100,200 --seconds 5'\n"
        "make bench ARGS='--scale 0.2'           # a quick look: fewer events, samples, ECTs, seconds\n"
        "make bench ARGS='--only ingest --profile'  # and where its time went (pyinstrument)\n"
        "DATABASE_URL=postgresql://... KAFKA_BOOTSTRAP_SERVERS=host:9092 make bench\n```\n\n"
        "Raw results, with the machine description, are kept in `bench/results/*.json` "
        "(not committed).\n"
    )
