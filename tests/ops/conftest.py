"""Operations: the real servers of the test set-up (PostgreSQL, Redis), the real mock Client
Online as its own process, and the project's own SMTP receiver listening on a free port."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from mailin.smtp import inbound_controller
from ops.selectors import HEARTBEAT_KEY, PLATFORM_CACHE, PLATFORM_METRICS_KEY
from tests.portal_sync.conftest import _free_port, mock_client_online, mock_process  # noqa: F401 - fixtures

PUBLIC_HOST = "127.0.0.1"


@pytest.fixture(autouse=True)
def _no_platform_values():
    """The heartbeat and the totals live in Redis, outside the test's transaction."""
    platform = caches[PLATFORM_CACHE]
    platform.delete_many([HEARTBEAT_KEY, PLATFORM_METRICS_KEY])
    yield
    platform.delete_many([HEARTBEAT_KEY, PLATFORM_METRICS_KEY])


@pytest.fixture
def mail_receiver(settings):
    """`manage.py receive_mail`'s SMTP server (mailin.smtp), in this process on a free port."""
    port = _free_port()
    controller = inbound_controller(host="127.0.0.1", port=port, max_bytes=100_000, server_hostname="localhost")
    controller.start()
    settings.HEALTH_MAIL_RECEIVER_HOST = "127.0.0.1"
    settings.HEALTH_MAIL_RECEIVER_PORT = port
    yield port
    controller.stop()


@pytest.fixture
def nothing_listening() -> str:
    """An address on this machine where no server listens."""
    return f"127.0.0.1:{_free_port()}"
