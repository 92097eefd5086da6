"""A local SMTP server that accepts every message and keeps it: ``python -m notifications mail-catcher``.

For development (``make run`` starts it) and tests: a real SMTP server (aiosmtpd) on
loopback, so the service sends mail exactly as it would to a real relay, and a person can
read what was sent: each message is written to the folder as ``<n>-<message id>.eml`` and
logged with its recipients and subject.
"""

from __future__ import annotations

import asyncio
import logging
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)


class MailCatcher:
    """An aiosmtpd handler that keeps every message, in memory and, given a folder, on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.messages: list[EmailMessage] = []
        self.received = asyncio.Event()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.received.set()
        if self.folder is not None:
            name = re.sub(r"[^\w.@-]", "_", str(message.get("Message-ID", "")).strip("<>"))
            (self.folder / f"{len(self.messages):05d}-{name or 'message'}.eml").write_bytes(raw)
        log.info("mail to %s: %s", ", ".join(envelope.rcpt_tos), message.get("Subject"))
        return "250 Message accepted for delivery"


async def start_smtp_server(handler: Any, host: str, port: int) -> asyncio.Server:
    """Serve ``handler`` (an aiosmtpd handler) over SMTP on host:port; port 0 picks a free one."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SMTP(handler, hostname="ect-mail-catcher"), host, port)


async def serve_mail_catcher(host: str, port: int, folder: Path, stop: asyncio.Event) -> None:
    server = await start_smtp_server(MailCatcher(folder), host, port)
    log.info("mail catcher listening on %s:%d, keeping messages in %s", host, port, folder)
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
