"""Reads for operations: the readiness checks and the values the metrics collectors export.

Each readiness check answers "" when it passes or a short reason when it does not. Reasons are
fixed English phrases with the exception's class name, never its message: the endpoint is open
to probes, and a message can name hosts, ports or user names.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from outbox.models import Event
from portal_sync.models import SyncFailure
from tenants.models import Contractant, SyncOutbox

# Not the default cache: its keys carry the schema of the request (KEY_FUNCTION), and the
# worker's heartbeat and the platform's totals must read the same from every host.
PLATFORM_CACHE = "platform"
HEARTBEAT_KEY = "ops:worker-heartbeat"
PLATFORM_METRICS_KEY = "ops:platform-metrics"

CHECK_NAMES = ("database", "redis", "worker", "client_online", "mail_receiver")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    required: bool
    reason: str


@dataclass(frozen=True)
class Readiness:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks if check.required)

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.ok else "failed",
            "checks": {
                check.name: {
                    "status": "ok" if check.ok else "failed",
                    "required": check.required,
                    "reason": check.reason,
                }
                for check in self.checks
            },
        }


def _failure(error: Exception, what: str = "unreachable") -> str:
    return f"{what} ({type(error).__name__})"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure is a failed check, with its kind
        return _failure(error)
    return ""


def _redis(url: str) -> redis.Redis:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def check_redis() -> str:
    client = _redis(settings.REDIS_URL)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001
        return _failure(error)
    finally:
        client.close()
    return ""


def worker_heartbeat_age() -> float | None:
    """Seconds since a worker last ran the beat's heartbeat task; None when none ever did."""
    beat = caches[PLATFORM_CACHE].get(HEARTBEAT_KEY)
    return None if beat is None else max(0.0, time.time() - float(beat))


def check_worker() -> str:
    try:
        age = worker_heartbeat_age()
    except Exception as error:  # noqa: BLE001
        return _failure(error, "heartbeat unreadable")
    if age is None:
        return "no heartbeat recorded"
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    if age > limit:
        return f"heartbeat {age:.0f} s old (limit {limit} s)"
    return ""


def check_client_online() -> str:
    url = f"{settings.CLIENT_ONLINE_URL}{settings.HEALTH_CLIENT_ONLINE_PATH}"
    try:
        response = httpx.get(url, timeout=settings.HEALTH_CHECK_TIMEOUT)
    except Exception as error:  # noqa: BLE001
        return _failure(error)
    # Any answer below 500 means it is there and serving; a 5xx means it is there but failing.
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    return ""


def check_mail_receiver() -> str:
    host, port = str(settings.HEALTH_MAIL_RECEIVER_HOST), settings.HEALTH_MAIL_RECEIVER_PORT
    try:
        with smtplib.SMTP(host, port, timeout=settings.HEALTH_CHECK_TIMEOUT) as smtp:
            code, _message = smtp.noop()
    except Exception as error:  # noqa: BLE001
        return _failure(error)
    if code != 250:
        return f"answered {code}"
    return ""


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "redis": check_redis,
    "worker": check_worker,
    "client_online": check_client_online,
    "mail_receiver": check_mail_receiver,
}


def readiness() -> Readiness:
    required = set(settings.HEALTH_READY_REQUIRED)
    results = []
    for name, check in CHECKS.items():
        reason = check()
        results.append(Check(name=name, ok=not reason, required=name in required, reason=reason))
    return Readiness(checks=results)


# --- Values for the metrics collectors (ops.metrics) ---


def celery_queue_lengths(queues: list[str]) -> dict[str, int]:
    """Messages waiting per queue in the Redis broker: one pipelined LLEN per list.

    kombu's Redis transport keeps a queue's priorities 3, 6 and 9 in lists of their own
    (queue + Channel.sep + step); they are waiting work of the same queue.
    """
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    client = _redis(settings.CELERY_BROKER_URL)
    try:
        pipeline = client.pipeline(transaction=False)
        keys = {queue: [queue] + [f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS if step] for queue in queues}
        for names in keys.values():
            for key in names:
                pipeline.llen(key)
        lengths = iter(pipeline.execute())
    finally:
        client.close()
    return {queue: sum(next(lengths) for _key in names) for queue, names in keys.items()}


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int
    oldest_age_seconds: float


def sync_outbox_backlog() -> OutboxBacklog:
    """The public-schema Client Online outbox (tenants.SyncOutbox): one query."""
    from django.db.models import Count, Min
    from django.utils import timezone

    totals = SyncOutbox.objects.aggregate(pending=Count("id"), oldest=Min("created_at"))
    oldest = totals["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else 0.0
    return OutboxBacklog(pending=totals["pending"], oldest_age_seconds=max(0.0, age))


@dataclass(frozen=True)
class SchemaCounts:
    sync_failures_open: int
    events_undelivered: int


def counts_here() -> SchemaCounts:
    """Open Client Online refusals and outbox events not yet handed to their listeners
    (webhooks), in the schema the connection is on: two index-served counts."""
    return SchemaCounts(
        sync_failures_open=SyncFailure.objects.filter(resolved_at__isnull=True).count(),
        events_undelivered=Event.objects.filter(dispatched_at=None).count(),
    )


def contractant_schemas() -> list[str]:
    return list(
        Contractant.objects.filter(is_active=True)
        .exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def platform_metrics() -> dict | None:
    """The totals the beat task last computed over every schema (ops.services), or None."""
    return caches[PLATFORM_CACHE].get(PLATFORM_METRICS_KEY)
