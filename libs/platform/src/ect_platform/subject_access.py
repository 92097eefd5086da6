"""Subject access (UK GDPR Art. 15): what every service shares in answering
``GET /privacy/subject-access?trn=TRN`` with everything it holds about one person.

The hub is the data controller, so a request is answered for a hub lead acting for the whole
hub (a token naming no schools) and nobody else: a scoped hub lead, an auditor (who reads
records to audit them, not to hand a person's contact details over), and every other role are
refused. A TRN the service does not hold is an empty answer, not an error; a malformed one is a
422 naming the rule. The erasure that may follow is another matter; this only reads.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from contracts import Role
from ect_platform.identity import Forbidden, Principal

PATH = "/privacy/subject-access"
ROLES = (Role.HUB_LEAD,)
ACTION = "export a person's data"
TRN_RULE = "a TRN (teacher reference number) is 7 digits, e.g. 1234567"
# The pattern is declared for clients (and fuzzers) to read but checked by ``check_trn``, so a
# refusal says the rule in words rather than quoting a regular expression.
TrnQuery = Annotated[str, Query(description="The person's TRN: 7 digits",
                                json_schema_extra={"pattern": "^[0-9]{7}$"})]
_TRN = re.compile(r"[0-9]{7}")  # ASCII only: \d also matches full-width digits


def is_trn(text: str) -> bool:
    return _TRN.fullmatch(text) is not None


def check_trn(trn: str) -> str:
    if not is_trn(trn):
        raise RequestValidationError([{"loc": ("query", "trn"), "type": "value_error",
                                       "msg": TRN_RULE}])
    return trn


def check_whole_hub(principal: Principal, action: str, *, system_may: bool = False) -> None:
    """What the data controller does (export, erase, apply the retention schedule) is for a hub
    lead acting for the whole hub (a token naming no schools); ``system_may``: or the platform's
    own system token, for a job run on a timer."""
    if system_may and principal.role is Role.SYSTEM:
        return
    if principal.role is not Role.HUB_LEAD or principal.schools is not None:
        raise Forbidden(f"only a hub lead acting for the whole hub (a token naming no schools) "
                        f"may {action}: the hub, as data controller, answers for all of it")


def check_may_export(principal: Principal) -> None:
    check_whole_hub(principal, ACTION)


def plain(value: Any) -> Any:
    """Any stored value as JSON: dates and times in ISO form, ids and decimals as text."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    return value


IDENTIFIERS = ("ect_ids", "mentor_ids", "known_as")  # how the person was looked up, not held data


def stored_event(domain_event: Any, translate: Callable[[Any], BaseModel | None]) -> dict[str, Any]:
    """A stored domain event as the person is shown it: the public contract envelope where the
    service publishes it, else as stored (its type and fields), so they see both what
    subscribers were told and what only the service keeps."""
    envelope = translate(domain_event)
    if envelope is not None:
        return {"public": True, "envelope": envelope.model_dump(mode="json")}
    fields = {k: v for k, v in vars(domain_event).items()
              if k not in ("originator_id", "originator_version", "timestamp")}
    return {"public": False, "event_type": type(domain_event).__qualname__,
            "aggregate_id": str(domain_event.originator_id),
            "aggregate_version": domain_event.originator_version,
            "recorded_at": domain_event.timestamp.isoformat(), "fields": plain(fields)}


def answer(service: str, trn: str, sections: Mapping[str, Any]) -> dict[str, Any]:
    """One service's answer: ``held`` says whether any section of data has anything in it."""
    held = any(bool(s) for name, s in sections.items() if name not in IDENTIFIERS)
    return {"service": service, "trn": trn, "held": held,
            **{name: plain(section) for name, section in sections.items()}}
