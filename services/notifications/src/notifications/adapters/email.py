"""Email over SMTP (aiosmtplib): one message per notification, one connection per message.

The Message-ID is derived from the notification id, so if a crash between the server's
acceptance and our record makes us send again, mail clients and archives see a duplicate
of the same message, not a new one. SMTP's own classes decide retries: a 4xx answer or a
broken connection is temporary, a 5xx answer permanent (RFC 5321, 4.2.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Literal

import aiosmtplib

from notifications.adapters.signing import NOTIFICATION_ID_HEADER
from notifications.channels import Failed, Outbound, Result, Sent

MESSAGE_ID_DOMAIN = "ect-platform.notifications"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    security: Literal["none", "starttls", "tls"] = "starttls"  # plaintext only when asked for
    username: str | None = None
    password: str | None = None
    timeout_seconds: float = 10.0


def compose(message: Outbound, to: str, name: str | None, sender: str, sent_at_header: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((name or "", to))
    email["Subject"] = message.subject
    email["Date"] = sent_at_header
    email["Message-ID"] = f"<{message.notification_id}@{MESSAGE_ID_DOMAIN}>"
    email[NOTIFICATION_ID_HEADER] = str(message.notification_id)
    why = ("It is sent because statutory guidance calls for it." if message.statutory else
           "You may opt out of reminders like this one in your notification preferences.")
    email.set_content(f"{message.body}\n\n-- \nECT induction platform, notification "
                      f"{message.notification_id} ({message.rule}). {why}\n")
    return email


class SmtpChannel:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, message: Outbound, to: str, name: str | None) -> Result:
        s = self._settings
        email = compose(message, to, name, s.sender, format_datetime(datetime.now(UTC)))
        try:
            await aiosmtplib.send(
                email, hostname=s.host, port=s.port, timeout=s.timeout_seconds,
                use_tls=s.security == "tls", start_tls=s.security == "starttls",
                username=s.username, password=s.password,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            return Failed(permanent=any(code >= 500 for code in codes),
                          detail=f"SMTP {', '.join(map(str, codes))} (recipient refused)",
                          internal=str(exc))
        except aiosmtplib.SMTPResponseException as exc:
            return Failed(permanent=exc.code >= 500, detail=f"SMTP {exc.code}",
                          internal=f"{type(exc).__name__}: {exc.code} {exc.message}")
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Could not connect, timed out, disconnected: the server may be back shortly.
            return Failed(permanent=False, detail=f"SMTP connection failed ({type(exc).__name__})",
                          internal=str(exc))
        return Sent()

