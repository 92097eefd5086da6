"""No line the delivery worker logs carries a recipient's address, whatever it quotes."""

from __future__ import annotations

import logging

import notifications.delivery  # noqa: F401 - its logger carries the filter
from notifications.personal_data import WITHHELD, withhold_addresses


def test_an_email_address_and_a_webhook_url_are_withheld_from_a_text():
    text = "refused {'grace@school.example': (550, b'<grace@school.example> no')} at https://h.example/x?k=1"
    withheld = withhold_addresses(text)
    assert "grace@school.example" not in withheld
    assert "https://h.example" not in withheld
    assert withheld.count(WITHHELD) == 3


def test_the_delivery_workers_lines_and_their_exceptions_leave_without_addresses(caplog):
    log = logging.getLogger("notifications.delivery")
    caplog.set_level(logging.INFO, logger="notifications.delivery")
    try:
        raise RuntimeError("SMTP said no to ada@school.example")
    except RuntimeError:
        log.exception("sending %s to %s failed", "n-1", "ada@school.example")
    (line,) = caplog.records
    assert "ada@school.example" not in caplog.text
    assert "sending n-1 to (address withheld) failed" in line.getMessage()
    assert "RuntimeError: SMTP said no to (address withheld)" in line.getMessage()
