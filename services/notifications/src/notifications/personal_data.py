"""Keeping recipients' addresses out of the logs.

An address is personal data kept only in ``recipient`` (and, until the recipient is erased,
quoted in the delivery records of this service's database). A log line is copied to collectors
beyond any erasure, so the delivery worker names a recipient by role and id, and this filter
is the backstop: whatever a message or an exception's text quotes, an email address or a URL
(a webhook's may carry a secret path) leaves the process as ``WITHHELD``.
"""

from __future__ import annotations

import logging
import re

WITHHELD = "(address withheld)"
ADDRESS = re.compile(r"[^@\s<>\"'(),;:\[\]]+@[^@\s<>\"'(),;:\[\]]+|\bhttps?://[^\s\"'<>]+")


def withhold_addresses(text: str) -> str:
    return ADDRESS.sub(WITHHELD, text)


class AddressesWithheld(logging.Filter):
    """A logger filter: the message, with any exception's text folded in, without addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = withhold_addresses(text), ()
        record.exc_info, record.exc_text = None, None
        return True
