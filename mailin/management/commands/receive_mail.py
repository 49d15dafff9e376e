"""`manage.py receive_mail`: the long-running SMTP receiver for e-mail in (mailin.smtp)."""

from __future__ import annotations

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from mailin.smtp import inbound_controller


class Command(BaseCommand):
    help = "Receive e-mail over SMTP: replies on tasks and new tasks at the contractants' support addresses."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.INBOUND_SMTP_HOST, help="address to listen on")
        parser.add_argument("--port", type=int, default=settings.INBOUND_SMTP_PORT, help="port to listen on")

    def handle(self, *args, host: str, port: int, **options) -> None:
        max_bytes = settings.INBOUND_MAIL_MAX_BYTES
        # aiosmtpd's own log has a line per command and, at debug level, every line of every
        # message: customers' text has no place in a log. Refusals are logged by mailin.smtp.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = inbound_controller(host=host, port=port, max_bytes=max_bytes, server_hostname=settings.BASE_DOMAIN)
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stopping.set())
        controller.start()
        self.stdout.write(f"Receiving e-mail on {host}:{port} (messages up to {max_bytes:,} bytes).")
        self.stdout.flush()
        try:
            while not stopping.wait(1):
                pass
        finally:
            controller.stop()
            self.stdout.write("E-mail receiver stopped.")
