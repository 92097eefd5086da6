"""Refusals of the reporting domain, each naming the rule it enforces."""

from __future__ import annotations

from uuid import UUID


class ReportingError(Exception):
    """Base of every refusal the reporting domain makes."""


class UnknownEctError(ReportingError):
    def __init__(self, ect_id: UUID) -> None:
        super().__init__(
            f"no ECT with id {ect_id} is known to reporting (registered in scheduling and "
            "relayed here?)"
        )


class TermReportAlreadySubmittedError(ReportingError):
    def __init__(self, kind: str, term_number: int) -> None:
        super().__init__(f"a {kind.replace('_', ' ')} for term {term_number} was already submitted")


class RecommendationNotAllowedError(ReportingError):
    """Only a formal assessment recommends an outcome (statutory guidance 2.60)."""
