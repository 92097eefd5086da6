"""bench --profile: a profiled section's own time is summed by package."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from bench.profiling import Section, package_of

from statutory.calendar import SchoolCalendar


def test_files_are_placed_in_their_package():
    assert package_of("/x/.venv/lib/python3.11/site-packages/pydantic/main.py") == "pydantic"
    assert package_of("/x/services/reporting/src/reporting/projections/consumer.py") == "reporting"
    assert package_of("/x/libs/statutory/src/statutory/calendar.py") == "statutory"
    assert package_of("/x/contracts/src/contracts/registry.py") == "contracts"
    assert package_of("/usr/lib/python3.11/json/encoder.py") == "stdlib json"


def test_a_disabled_section_profiles_nothing(tmp_path: Path):
    section = Section(False, tmp_path / "p.txt")
    with section():
        sum(range(1000))
    assert section.profile.path is None and not (tmp_path / "p.txt").exists()


def test_an_enabled_section_writes_the_profile_and_sums_own_time_by_package(tmp_path: Path):
    section = Section(True, tmp_path / "p.txt")
    with section():
        deadline = time.perf_counter() + 0.3
        while time.perf_counter() < deadline:  # busy in the kernel's calendar code
            SchoolCalendar().terms_between(date(2020, 9, 1), date(2030, 8, 31))
    profile = section.profile
    assert profile.path == tmp_path / "p.txt" and profile.path.read_text()
    shares = dict(profile.by_package)
    assert abs(sum(shares.values()) - 1.0) < 1e-6
    assert max(shares, key=shares.__getitem__) == "statutory"
    assert "statutory" in profile.note(tmp_path)


def test_the_event_loop_waiting_for_sockets_is_idle_not_work(tmp_path: Path):
    import asyncio

    section = Section(True, tmp_path / "p.txt")
    with section():
        asyncio.run(asyncio.sleep(0.3))
    top, share = section.profile.by_package[0]
    assert top == "idle (waiting on sockets)" and share > 0.8
