"""Recipients' contact details and preferences: PUT, GET and DELETE /recipients/{recipient_id}."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Path, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from starlette.exceptions import HTTPException

from contracts import Role
from contracts.notifications.v1 import Channel
from ect_platform.identity import Caller, Principal, allow
from notifications import access, recipients
from notifications.adapters.webhook import WebhookGuard, WebhookRefusedError
from notifications.clock import Clock
from notifications.recipients import Recipient

# auditors never see personal contact details; everyone else manages their own (rules below)
CONTACT_ROLES = access.CONTACT_ROLES

# Deliberately plain: one @, something either side, a dot in the domain. The SMTP server is
# the judge of deliverability; this only catches what is plainly not an address.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

RecipientId = Annotated[str, Path(min_length=1, max_length=200)]


class RecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = Field(description="email or webhook: how this recipient is notified")
    name: str | None = Field(default=None, max_length=200, description="For the email greeting")
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL.pattern,
                              validate_default=True)
    webhook_url: AnyHttpUrl | None = Field(default=None, description="Receives signed POSTs",
                                           validate_default=True)
    opted_out_of_reminders: bool = Field(
        default=False, description="No non-statutory reminders (coaching cadence, a mentor's "
        "assignment); statutory deadlines are always notified")

    @field_validator("email", "webhook_url")
    @classmethod
    def _the_chosen_channel_has_an_address(cls, value: object, info: ValidationInfo) -> object:
        wanted = {"email": Channel.EMAIL, "webhook_url": Channel.WEBHOOK}[str(info.field_name)]
        if value is None and info.data.get("channel") is wanted:
            raise ValueError(f"required when the channel is {wanted.value}")
        return value


class RecipientOut(BaseModel):
    recipient_id: str
    channel: Channel
    name: str | None
    email: str | None
    webhook_url: str | None
    opted_out_of_reminders: bool


def router(pool: asyncpg.Pool, clock: Clock, guard: WebhookGuard,
           hub_lead_ids: Sequence[str] = ()) -> APIRouter:
    """``guard``: where webhooks may go, checked here as far as the URL alone tells (its scheme,
    the allow-list, a literal address that is not global) and again at every send."""
    routes = APIRouter(tags=["recipients"])

    async def check_may_manage(caller: Principal, recipient_id: str) -> None:
        scoped_lead = caller.role == Role.HUB_LEAD and caller.schools is not None
        at_their_schools = scoped_lead and await recipients.at_schools(
            pool, recipient_id, sorted(caller.schools or ()))
        access.check_may_manage_recipient(caller, recipient_id, at_their_schools=at_their_schools,
                                          hub_lead_ids=hub_lead_ids)

    @routes.put("/recipients/{recipient_id}",
                dependencies=[allow(*CONTACT_ROLES, action="manage contact details")])
    async def put_recipient(recipient_id: RecipientId, body: RecipientIn, caller: Caller,
                            response: Response) -> RecipientOut:
        """Set how a recipient is reached; replaces what was there."""
        await check_may_manage(caller, recipient_id)
        url = str(body.webhook_url) if body.webhook_url else None
        if url:
            try:
                guard.check_url(url)
            except WebhookRefusedError as refused:
                raise RequestValidationError([{"loc": ("body", "webhook_url"), "type": "value_error",
                                               "msg": str(refused)}]) from None
        recipient = Recipient(recipient_id=recipient_id, channel=body.channel, name=body.name,
                              email=body.email, webhook_url=url,
                              opted_out_of_reminders=body.opted_out_of_reminders)
        created = await recipients.put(pool, recipient, by=caller.id, at=clock.now())
        if created:
            response.status_code = status.HTTP_201_CREATED
        return RecipientOut(**recipients.as_dict(recipient))

    @routes.get("/recipients/{recipient_id}",
                dependencies=[allow(*CONTACT_ROLES, action="read contact details")])
    async def get_recipient(recipient_id: RecipientId, caller: Caller) -> RecipientOut:
        await check_may_manage(caller, recipient_id)
        recipient = await recipients.get(pool, recipient_id)
        if recipient is None:
            raise HTTPException(404, "Recipient not found")
        return RecipientOut(**recipients.as_dict(recipient))

    @routes.delete("/recipients/{recipient_id}", status_code=status.HTTP_204_NO_CONTENT,
                   dependencies=[allow(*CONTACT_ROLES, action="remove contact details")])
    async def delete_recipient(recipient_id: RecipientId, caller: Caller) -> Response:
        """Erase a recipient's contact details; their notifications then fail visibly."""
        await check_may_manage(caller, recipient_id)
        if not await recipients.delete(pool, recipient_id):
            raise HTTPException(404, "Recipient not found")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return routes
