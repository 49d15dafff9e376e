"""The SMTP side of e-mail in: aiosmtpd's server, answering at RCPT and at the end of DATA with
what mailin.services decides, the shape of healthchecks' `smtpd` command.

aiosmtpd runs on asyncio; the database work runs in one worker thread through asgiref's
sync_to_async (thread-sensitive: one thread, one connection, one message at a time).
"""

from __future__ import annotations

import logging
from typing import AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection

from mailin.services import NO_SUCH_RECIPIENT, TEMPORARY_ERRORS, TEMPORARY_FAILURE, receive_message, route_for

logger = logging.getLogger("mailin.smtp")
# Each recipient costs a lookup: past RFC 5321's minimum of 100 a sender is told 452 and sends
# the rest in a next transaction.
MAX_RECIPIENTS = 100


def _fresh_connection() -> None:
    # A connection the database closed while the receiver waited is replaced, not reused. Not
    # inside a test's transaction, whose connection must stay.
    if not connection.in_atomic_block:
        close_old_connections()


def check_recipient(address: str) -> str | None:
    """None when the address is one of ours; otherwise the SMTP refusal for RCPT."""
    _fresh_connection()
    try:
        return None if route_for(address) is not None else NO_SUCH_RECIPIENT
    except TEMPORARY_ERRORS as exc:
        logger.warning("RCPT %r deferred (451), database unavailable: %s", address, exc)
        return TEMPORARY_FAILURE


def receive(raw: bytes, mail_from: str, recipients: list[str]) -> str:
    _fresh_connection()
    return receive_message(raw, mail_from=mail_from, recipients=recipients).reply


class InboundHandler:
    """aiosmtpd's handler: its hooks are named by aiosmtpd (handle_RCPT, handle_DATA)."""

    def __init__(self) -> None:
        self.check_recipient = sync_to_async(check_recipient)
        self.receive = sync_to_async(receive)

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        refusal = await self.check_recipient(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Recipient OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        return await self.receive(raw, envelope.mail_from or "", list(envelope.rcpt_tos))

    async def handle_exception(self, error: Exception) -> str:
        # Anything unforeseen: the sender keeps the mail and tries again; we have the trace.
        logger.error("Inbound SMTP: unexpected error", exc_info=error)
        return TEMPORARY_FAILURE


class LoggingSMTP(SMTP):
    """aiosmtpd's SMTP, logging every refusal it sends: also those it answers itself, like 552
    for a message past the size limit, which never reaches the handler."""

    async def push(self, status: AnyStr) -> None:
        text = status.decode(errors="replace") if isinstance(status, bytes) else status
        if text[:1] in {"4", "5"}:
            peer = self.session.peer if self.session is not None else None
            logger.warning("SMTP refusal to %r: %s", peer, text)
        await super().push(status)


class InboundController(Controller):
    def factory(self) -> SMTP:
        return LoggingSMTP(self.handler, **self.SMTP_kwargs)


def inbound_controller(*, host: str, port: int, max_bytes: int, server_hostname: str) -> Controller:
    return InboundController(
        InboundHandler(),
        hostname=host,
        port=port,
        # Refused with 552 while it arrives, before the rest is read into memory; also said in EHLO.
        data_size_limit=max_bytes,
        enable_SMTPUTF8=True,
        server_hostname=server_hostname,
    )
