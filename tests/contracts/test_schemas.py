"""The committed JSON Schema snapshots, and the checker that keeps published versions compatible."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contracts.base import EventPayload
from contracts.registry import REGISTRY, schema_for
from contracts.snapshots import SCHEMAS_DIR, breaking_changes, check, render, snapshot_name, write

EVENT_VERSIONS = sorted(REGISTRY.values(), key=snapshot_name)


def _ids(payload_cls: type[EventPayload]) -> str:
    return snapshot_name(payload_cls)


@pytest.mark.parametrize("payload_cls", EVENT_VERSIONS, ids=_ids)
def test_every_registered_event_version_has_a_committed_snapshot(payload_cls: type[EventPayload]) -> None:
    path = SCHEMAS_DIR / snapshot_name(payload_cls)
    assert path.exists(), f"{path} is missing: run `make schemas` and commit it"


@pytest.mark.parametrize("payload_cls", EVENT_VERSIONS, ids=_ids)
def test_the_current_schema_keeps_every_promise_of_the_committed_snapshot(
    payload_cls: type[EventPayload],
) -> None:
    path = SCHEMAS_DIR / snapshot_name(payload_cls)
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make schemas` and commit it")
    problems = breaking_changes(json.loads(path.read_text()), schema_for(payload_cls))
    assert not problems, (
        f"{payload_cls.__name__} changed incompatibly; publish a new event version instead:\n"
        + "\n".join(problems)
    )


def test_the_committed_snapshots_match_the_code_and_none_is_orphaned() -> None:
    assert check() == [], "\n".join(check())


def test_writing_snapshots_produces_sorted_indented_json_ending_in_a_newline(tmp_path: Path) -> None:
    written = write(tmp_path)

    assert {path.name for path in written} == {snapshot_name(cls) for cls in REGISTRY.values()}
    for path in written:
        text = path.read_text()
        assert text.endswith("}\n")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert check(tmp_path) == []


def test_check_names_a_missing_snapshot_and_says_how_to_make_it(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "SessionHeld.v1.json").unlink()

    [problem] = check(tmp_path)

    assert "SessionHeld.v1.json" in problem
    assert "make schemas" in problem


def test_check_flags_a_snapshot_whose_event_version_is_no_longer_registered(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "SessionHeld.v0.json").write_text("{}\n")

    [problem] = check(tmp_path)

    assert "SessionHeld.v0.json" in problem


# The checker itself, on a small hand-made schema shaped like pydantic's output.

BASE: dict[str, Any] = {
    "$defs": {
        "Kind": {"enum": ["review", "assessment"], "type": "string"},
        "Payload": {
            "properties": {
                "kind": {"$ref": "#/$defs/Kind"},
                "minutes": {"minimum": 1, "type": "integer"},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            },
            "required": ["kind", "minutes"],
            "type": "object",
        },
    },
    "properties": {"event_id": {"format": "uuid", "type": "string"}, "payload": {"$ref": "#/$defs/Payload"}},
    "required": ["event_id", "payload"],
    "type": "object",
}


def changed(edit: Any) -> dict[str, Any]:
    schema = copy.deepcopy(BASE)
    edit(schema)
    return schema


def payload(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["$defs"]["Payload"]


def minutes(schema: dict[str, Any]) -> dict[str, Any]:
    return payload(schema)["properties"]["minutes"]


def test_an_unchanged_schema_has_no_breaking_changes() -> None:
    assert breaking_changes(BASE, copy.deepcopy(BASE)) == []


def test_a_new_optional_field_is_accepted() -> None:
    def add_optional(schema: dict[str, Any]) -> None:
        payload(schema)["properties"]["mood"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
        schema["$defs"]["Mood"] = {"enum": ["good"], "type": "string"}

    assert breaking_changes(BASE, changed(add_optional)) == []


def test_a_new_enum_value_and_a_reworded_description_are_accepted() -> None:
    def widen(schema: dict[str, Any]) -> None:
        schema["$defs"]["Kind"]["enum"].append("outcome")
        payload(schema)["properties"]["minutes"]["description"] = "Length of the session."

    assert breaking_changes(BASE, changed(widen)) == []


def test_a_removed_field_is_flagged_with_its_path() -> None:
    problems = breaking_changes(BASE, changed(lambda s: payload(s)["properties"].pop("note")))

    assert problems == ["#/$defs/Payload/properties/note: removed"]


def test_a_removed_required_field_is_flagged_as_removed_and_no_longer_required() -> None:
    def remove(schema: dict[str, Any]) -> None:
        payload(schema)["properties"].pop("minutes")
        payload(schema)["required"].remove("minutes")

    problems = breaking_changes(BASE, changed(remove))

    assert "#/$defs/Payload/properties/minutes: removed" in problems
    assert any("no longer required" in p and "minutes" in p for p in problems)


def test_a_type_change_is_flagged() -> None:
    problems = breaking_changes(BASE, changed(lambda s: minutes(s).update(type="number")))

    assert problems == ["#/$defs/Payload/properties/minutes: type changed from 'integer' to 'number'"]


def test_a_field_made_nullable_is_flagged_as_a_type_change() -> None:
    def nullable(schema: dict[str, Any]) -> None:
        payload(schema)["properties"]["minutes"] = {"anyOf": [{"type": "integer"}, {"type": "null"}]}

    problems = breaking_changes(BASE, changed(nullable))

    assert any(p.startswith("#/$defs/Payload/properties/minutes: type changed") for p in problems)


def test_a_change_in_a_nested_alternative_is_flagged() -> None:
    problems = breaking_changes(
        BASE, changed(lambda s: payload(s)["properties"]["note"]["anyOf"][0].update(type="integer"))
    )

    assert problems == [
        "#/$defs/Payload/properties/note/anyOf/0: type changed from 'string' to 'integer'"
    ]


def test_a_new_required_field_is_flagged() -> None:
    def add_required(schema: dict[str, Any]) -> None:
        payload(schema)["properties"]["room"] = {"type": "string"}
        payload(schema)["required"].append("room")

    problems = breaking_changes(BASE, changed(add_required))

    assert problems == ["#/$defs/Payload: new required fields: ['room']"]


def test_a_removed_enum_value_is_flagged() -> None:
    problems = breaking_changes(BASE, changed(lambda s: s["$defs"]["Kind"]["enum"].remove("assessment")))

    assert problems == ["#/$defs/Kind: enum values removed: ['assessment']"]


def test_a_removed_definition_is_flagged() -> None:
    problems = breaking_changes(BASE, changed(lambda s: s["$defs"].pop("Kind")))

    assert "#/$defs/Kind: removed" in problems


def test_a_tightened_value_rule_is_flagged() -> None:
    problems = breaking_changes(BASE, changed(lambda s: minutes(s).update(minimum=10)))

    assert problems == ["#/$defs/Payload/properties/minutes: minimum changed from 1 to 10"]


def test_a_snapshot_renders_the_same_whatever_the_key_order() -> None:
    shuffled = dict(reversed(list(BASE.items())))

    assert render(shuffled) == render(BASE)


def test_the_check_command_passes_on_the_committed_snapshots_and_rejects_an_unknown_command() -> None:
    def snapshots_command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "contracts.snapshots", *args],
                              capture_output=True, text=True)

    ok, bad = snapshots_command("check"), snapshots_command("erase")

    assert ok.returncode == 0, ok.stderr
    assert bad.returncode == 2
    assert "write|check" in bad.stderr
