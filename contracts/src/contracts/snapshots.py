"""Committed JSON Schema snapshots of every event version, and the check that guards them.

``python -m contracts.snapshots write`` (``make schemas``) records the current schema of each
registered event version under ``contracts/schemas/<EventType>.v<N>.json``.
``python -m contracts.snapshots check`` fails if a snapshot is missing, stale, orphaned, or if the
code has drifted from it in a way that could break a consumer or an already published message.

A published version may only grow optional fields. Everything else a consumer can rely on is
frozen: each property (at any depth, ``$defs`` included), the ``required`` lists, the type,
format and value rules of each property, and every enum value. A change that needs more than
that is a new event version, registered next to the old one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from contracts.base import EventPayload
from contracts.registry import REGISTRY, schema_for

# contracts/src/contracts/snapshots.py -> contracts/schemas (the snapshots live with the source).
SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"

# Keywords whose value a consumer relies on: changing, adding or removing one breaks someone.
# Titles, descriptions, defaults and examples are documentation and may change freely.
_FROZEN_KEYWORDS = (
    "type", "format", "$ref", "const", "pattern",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
)
_ALTERNATIVES = ("anyOf", "oneOf", "allOf")

Schema = dict[str, Any]


def snapshot_name(payload_cls: type[EventPayload]) -> str:
    return f"{payload_cls.event_type}.v{payload_cls.event_version}.json"


def render(schema: Schema) -> str:
    """The snapshot file's exact text: stable key order, so diffs show only real changes."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def breaking_changes(snapshot: Schema, current: Schema, path: str = "#") -> list[str]:
    """Every way ``current`` fails to accept what ``snapshot`` promised, as ``path: reason``."""
    problems: list[str] = []
    for keyword in _FROZEN_KEYWORDS:
        if snapshot.get(keyword) != current.get(keyword):
            problems.append(f"{path}: {keyword} changed from {snapshot.get(keyword)!r} "
                            f"to {current.get(keyword)!r}")

    removed_values = [v for v in snapshot.get("enum", []) if v not in current.get("enum", [])]
    if removed_values:
        problems.append(f"{path}: enum values removed: {removed_values!r}")

    was_required, now_required = set(snapshot.get("required", [])), set(current.get("required", []))
    if now_required - was_required:
        problems.append(f"{path}: new required fields: {sorted(now_required - was_required)!r}")
    if was_required - now_required:
        problems.append(f"{path}: fields no longer required: {sorted(was_required - now_required)!r}")

    for section in ("properties", "$defs"):
        now = current.get(section, {})
        for name, old in snapshot.get(section, {}).items():
            where = f"{path}/{section}/{name}"
            if name in now:
                problems += breaking_changes(old, now[name], where)
            else:
                problems.append(f"{where}: removed")

    if "items" in snapshot:
        problems += breaking_changes(snapshot["items"], current.get("items", {}), f"{path}/items")

    for keyword in _ALTERNATIVES:
        old_options, new_options = snapshot.get(keyword, []), current.get(keyword, [])
        if len(old_options) != len(new_options):
            problems.append(f"{path}: {keyword} has {len(new_options)} alternatives, "
                            f"was {len(old_options)}")
            continue
        for index, (old, new) in enumerate(zip(old_options, new_options, strict=True)):
            problems += breaking_changes(old, new, f"{path}/{keyword}/{index}")
    return problems


def write(directory: Path = SCHEMAS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for payload_cls in REGISTRY.values():
        target = directory / snapshot_name(payload_cls)
        target.write_text(render(schema_for(payload_cls)), encoding="utf-8")
        written.append(target)
    return written


def check(directory: Path = SCHEMAS_DIR) -> list[str]:
    """Everything wrong between the registry and the committed snapshots; empty when all is well."""
    problems: list[str] = []
    expected = {snapshot_name(cls): cls for cls in REGISTRY.values()}
    for name, payload_cls in expected.items():
        path = directory / name
        if not path.exists():
            problems.append(f"{path}: missing; run `make schemas` and commit it")
            continue
        snapshot = json.loads(path.read_text(encoding="utf-8"))
        current = schema_for(payload_cls)
        breaks = breaking_changes(snapshot, current)
        if breaks:
            problems += [f"{name} {problem}" for problem in breaks]
        elif render(snapshot) != render(current):
            problems.append(f"{path}: stale after an additive change; run `make schemas` and commit it")
    for path in sorted(directory.glob("*.json")):
        if path.name not in expected:
            problems.append(f"{path}: no registered event has this version; "
                            "a published version may not be removed")
    return problems


def main(argv: list[str]) -> int:
    if argv == ["write"]:
        for path in write():
            print(f"wrote {path}")
        return 0
    if argv == ["check"]:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    print("usage: python -m contracts.snapshots write|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
