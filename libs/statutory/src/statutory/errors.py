"""The base of every refusal the statutory rules make."""

from __future__ import annotations


class StatutoryRuleError(ValueError):
    """Input that the statutory rules cannot accept (a calendar out of order, a bad FTE...)."""
