"""Working days exclude weekends and bank holidays in England (statutory rule 13)."""

from __future__ import annotations

from datetime import date

from statutory.working_days import add_working_days, is_working_day, working_days_between


def test_weekends_and_english_bank_holidays_are_not_working_days_statutory_rule_13():
    assert not is_working_day(date(2025, 12, 25))  # Christmas Day
    assert not is_working_day(date(2025, 12, 26))  # Boxing Day
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday (England, not Scotland)
    assert not is_working_day(date(2026, 5, 25))  # spring bank holiday
    assert not is_working_day(date(2025, 11, 22))  # a Saturday
    assert is_working_day(date(2025, 11, 24))


def test_ten_working_days_after_a_meeting_skip_christmas_statutory_rule_13():
    # Friday 19 Dec 2025: 22-24 Dec, 29-31 Dec, 2 Jan, 5-7 Jan
    assert add_working_days(date(2025, 12, 19), 10) == date(2026, 1, 7)


def test_twenty_working_days_across_easter_2026():
    # Thursday 2 Apr 2026: Good Friday 3 Apr, Easter Monday 6 Apr and the early May bank
    # holiday (Monday 4 May) do not count; the 19th working day is Friday 1 May
    assert add_working_days(date(2026, 4, 2), 20) == date(2026, 5, 5)


def test_working_days_between_counts_what_add_working_days_adds():
    start = date(2026, 4, 2)
    assert working_days_between(start, add_working_days(start, 20)) == 20
    assert working_days_between(start, start) == 0
