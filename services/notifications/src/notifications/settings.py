"""notifications' settings: the platform's, plus SMTP, webhooks, reminder policy and retries.

Every setting is an environment variable (``NOTIFICATIONS_*``, and ``NOTIFICATION_RETENTION_DAYS``
beside the platform's other retention setting); lists are comma-separated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from contracts import Role
from ect_platform.settings import PlatformSettings
from notifications.adapters.signing import derived_secret
from notifications.adapters.webhook import WebhookGuard, networks
from notifications.delivery import send_budget
from notifications.message import Rule
from notifications.policy import Policy
from notifications.retention import DEFAULT_DAYS, MIN_DAYS

CommaList = Annotated[list[str], NoDecode]


def _alias(name: str) -> str:
    return f"NOTIFICATIONS_{name.upper()}"


class NotificationsSettings(PlatformSettings):
    # populate_by_name: tests and tools may also pass fields by name, not only by variable
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    port: int = Field(default=8003, validation_alias="NOTIFICATIONS_PORT")
    db_schema: str = Field(default="notifications", validation_alias="NOTIFICATIONS_DB_SCHEMA")
    consumer_group: str = Field(default="notifications", validation_alias="NOTIFICATIONS_CONSUMER_GROUP")

    # -- email ------------------------------------------------------------------------------
    smtp_host: str = Field(default="127.0.0.1", validation_alias=_alias("smtp_host"))
    smtp_port: int = Field(default=8025, validation_alias=_alias("smtp_port"),
                           description="8025 is the local mail catcher's default port")
    smtp_from: str = Field(default="ECT induction <notifications@ect-platform.localhost>",
                           validation_alias=_alias("smtp_from"))
    # STARTTLS unless told otherwise: a message never crosses the network in plaintext by
    # default (`ect up`'s local mail catcher is the one place that says "none")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="starttls", validation_alias=_alias("smtp_security"))
    smtp_username: str | None = Field(default=None, validation_alias=_alias("smtp_username"))
    smtp_password: SecretStr | None = Field(default=None, validation_alias=_alias("smtp_password"))
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, validation_alias=_alias("smtp_timeout_seconds"))
    unregistered_email_domain: str | None = Field(
        default=None, validation_alias=_alias("unregistered_email_domain"),
        description="Development only: mail recipients with no contact details at "
        "<recipient id>@<this domain> (e.g. the mail catcher) instead of failing them")
    mail_dir: Path = Field(default=Path(".ect/mail"), validation_alias=_alias("mail_dir"),
                           description="Where the mail catcher keeps the messages it receives")

    # -- webhooks ---------------------------------------------------------------------------
    webhook_secret: SecretStr | None = Field(
        default=None, validation_alias=_alias("webhook_secret"),
        description="HMAC-SHA256 key for X-ECT-Signature; set it in production. Unset, a key "
        "derived from JWT_SECRET is used so development works out of the box")
    webhook_allowed_hosts: CommaList = Field(
        default=[], validation_alias=_alias("webhook_allowed_hosts"),
        description="Hosts webhooks may be sent to (.example.org: any subdomain); empty allows any "
        "(development). Set it in production, or anyone could make the service call its own network")
    webhook_require_https: bool = Field(
        default=True, validation_alias=_alias("webhook_require_https"),
        description="Refuse http:// webhooks; false only in development and tests")
    webhook_allowed_networks: CommaList = Field(
        default=[], validation_alias=_alias("webhook_allowed_networks"),
        description="Non-global networks webhooks may reach anyway (CIDRs, e.g. 127.0.0.0/8 in "
        "development and tests). Empty: loopback, private, link-local and every other non-global "
        "address is refused, checked on the resolved address at send time")
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, validation_alias=_alias("webhook_timeout_seconds"),
        description="The whole send (resolving, connecting, writing, reading the answer), not per phase")
    webhook_max_response_bytes: int = Field(
        default=16 * 1024, ge=0, validation_alias=_alias("webhook_max_response_bytes"),
        description="At most this much of an error answer is read (500 characters of it are kept)")

    # -- rules and recipients ---------------------------------------------------------------
    hub_lead_ids: CommaList = Field(default=["hub-lead"], validation_alias=_alias("hub_lead_ids"))
    disabled_rules: Annotated[list[Rule], NoDecode] = Field(default=[],
                                                            validation_alias=_alias("disabled_rules"))
    audiences: dict[Rule, list[Role]] = Field(
        default={}, validation_alias=_alias("audiences"),
        description='JSON, e.g. {"report_late": ["appropriate_body", "hub_lead"]}: who hears a rule')
    reminder_days_before: Annotated[list[Annotated[int, Field(ge=0)]], NoDecode] = Field(
        default=[7, 1, 0], validation_alias=_alias("reminder_days_before"),
        description="Days before a due date to remind (0: on the day)")
    overdue_every_days: int = Field(default=7, ge=1, validation_alias=_alias("overdue_every_days"))
    entitlement_grace_days: int = Field(default=3, ge=0, validation_alias=_alias("entitlement_grace_days"))
    day_starts_at_hour: int = Field(default=7, ge=0, le=23, validation_alias=_alias("day_starts_at_hour"),
                                    description="A day's reminders go out from this hour, England time")
    scheduler_interval_seconds: float = Field(default=60.0, gt=0,
                                              validation_alias=_alias("scheduler_interval_seconds"))
    scheduler_batch_size: int = Field(default=50, ge=1, validation_alias=_alias("scheduler_batch_size"),
                                      description="ECTs evaluated per transaction")

    # -- delivery ---------------------------------------------------------------------------
    max_attempts: int = Field(default=6, ge=1, validation_alias=_alias("max_attempts"))
    retry_base_seconds: float = Field(default=30.0, ge=0, validation_alias=_alias("retry_base_seconds"))
    retry_max_seconds: float = Field(default=3600.0, ge=0, validation_alias=_alias("retry_max_seconds"))
    delivery_lease_seconds: float = Field(default=120.0, gt=0,
                                          validation_alias=_alias("delivery_lease_seconds"))
    delivery_poll_seconds: float = Field(default=1.0, gt=0, validation_alias=_alias("delivery_poll_seconds"))
    delivery_batch_size: int = Field(default=20, ge=1, validation_alias=_alias("delivery_batch_size"),
                                     description="Notifications claimed (and sent concurrently) at once")

    # -- personal data ----------------------------------------------------------------------
    notification_retention_days: int = Field(
        default=DEFAULT_DAYS, validation_alias="NOTIFICATION_RETENTION_DAYS",
        description="How long after a notification was settled (sent, failed, suppressed) its "
        f"subject, body and delivery details are kept before the retention schedule blanks them; "
        f"at least {MIN_DAYS}")

    @field_validator("notification_retention_days")
    @classmethod
    def _long_enough(cls, value: int) -> int:
        # a message must outlive the questions about it ("what was I sent?", a complaint)
        if value < MIN_DAYS:
            raise ValueError(f"NOTIFICATION_RETENTION_DAYS ({value}) must be at least {MIN_DAYS} days, "
                             "so a message can still be looked up after it was sent")
        return value

    @field_validator("hub_lead_ids", "disabled_rules", "reminder_days_before", "webhook_allowed_hosts",
                     "webhook_allowed_networks", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        networks(value)  # a ValueError names the bad entry
        return value

    @model_validator(mode="after")
    def _sends_end_within_the_lease(self) -> NotificationsSettings:
        # A send still running when its lease ends is claimed and sent again by another worker.
        budget = send_budget(self.delivery_lease_seconds)
        if self.webhook_timeout_seconds > budget:
            raise ValueError(
                f"NOTIFICATIONS_WEBHOOK_TIMEOUT_SECONDS ({self.webhook_timeout_seconds:g}) must be at "
                f"most {budget:g}, three quarters of NOTIFICATIONS_DELIVERY_LEASE_SECONDS, so a send "
                "ends while its notification is still the worker's")
        return self

    def webhook_guard(self) -> WebhookGuard:
        return WebhookGuard(allowed_hosts=tuple(self.webhook_allowed_hosts),
                            require_https=self.webhook_require_https,
                            allowed_networks=networks(self.webhook_allowed_networks))

    def policy(self) -> Policy:
        return Policy(
            days_before=tuple(self.reminder_days_before),
            overdue_every_days=self.overdue_every_days,
            entitlement_grace_days=self.entitlement_grace_days,
            hub_lead_ids=tuple(self.hub_lead_ids),
            disabled=frozenset(self.disabled_rules),
            audiences={rule: tuple(roles) for rule, roles in self.audiences.items()},
        )

    def signing_secret(self) -> str:
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        return derived_secret(self.jwt_secret.get_secret_value())


class MailCatcherSettings(BaseSettings):
    """``python -m notifications mail-catcher`` reads only these: it needs no database or broker."""

    model_config = SettingsConfigDict(extra="ignore")

    smtp_host: str = Field(default="127.0.0.1", validation_alias=_alias("smtp_host"))
    smtp_port: int = Field(default=8025, validation_alias=_alias("smtp_port"))
    mail_dir: Path = Field(default=Path(".ect/mail"), validation_alias=_alias("mail_dir"))
