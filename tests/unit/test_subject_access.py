"""Who may ask for a person's data, what a TRN is, and how stored values are shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from fastapi.exceptions import RequestValidationError
from typer.testing import CliRunner

from contracts import Role
from ect_platform.cli import app
from ect_platform.identity import Actor, Forbidden, Principal
from ect_platform.subject_access import answer, check_may_export, check_trn, is_trn, plain


def principal(role: Role, schools: list[str] | None = None) -> Principal:
    return Principal(Actor(id="someone", role=role),
                     schools=frozenset(schools) if schools is not None else None)


def test_only_a_hub_lead_for_the_whole_hub_may_export_a_persons_data():
    check_may_export(principal(Role.HUB_LEAD))
    for refused in (principal(Role.HUB_LEAD, ["100001"]), principal(Role.AUDITOR),
                    principal(Role.APPROPRIATE_BODY), principal(Role.ECT)):
        with pytest.raises(Forbidden, match="only a hub lead acting for the whole hub"):
            check_may_export(refused)


@pytest.mark.parametrize("text", ["123456", "12345678", "12a4567", " 1234567", "\uff11" * 7, ""])
def test_a_trn_is_seven_ascii_digits_and_anything_else_is_refused_naming_the_rule(text):
    assert not is_trn(text)
    with pytest.raises(RequestValidationError) as refused:
        check_trn(text)
    assert refused.value.errors()[0]["msg"].startswith("a TRN (teacher reference number) is 7 digits")
    assert is_trn("1234567")


def test_stored_values_are_shown_as_json_and_identifiers_do_not_count_as_held_data():
    @dataclass
    class Stored:
        on: date
        terms: Decimal

    assert plain({"id": UUID(int=1), "x": Stored(date(2025, 9, 1), Decimal("1.5"))}) == {
        "id": "00000000-0000-0000-0000-000000000001", "x": {"on": "2025-09-01", "terms": "1.5"}}
    assert answer("notifications", "1234567", {"known_as": ["m-1"], "notifications": []})["held"] is False
    assert answer("notifications", "1234567", {"notifications": [{"id": 1}]})["held"] is True


def test_the_export_refuses_a_malformed_trn_and_a_missing_token_before_asking_anyone():
    runner = CliRunner()
    bad = runner.invoke(app, ["privacy", "export", "--trn", "12345", "--token", "x.y.z"])
    assert bad.exit_code == 2 and "7 digits" in bad.output
    untokened = runner.invoke(app, ["privacy", "export", "--trn", "1234567"], env={"ECT_TOKEN": ""})
    assert untokened.exit_code == 2 and "give --token or set ECT_TOKEN" in untokened.output
