"""The per-contractant lock a sync worker holds while it runs (one run at a time).

Short-lived and renewed after every chunk of a run: if a worker dies mid-run, the lock lapses
within LOCK_SECONDS, and a "running" run without its lock is known to have lost its worker.
"""

from __future__ import annotations

import redis
from django.conf import settings

LOCK_SECONDS = 30


def _key(schema_name: str) -> str:
    return f"client-online-sync:{schema_name}"


def sync_lock(schema_name: str):
    client = redis.Redis.from_url(settings.REDIS_URL)
    return client.lock(_key(schema_name), timeout=LOCK_SECONDS, blocking_timeout=0)


def sync_lock_held(schema_name: str) -> bool:
    """Whether a worker holds the contractant's lock now (one Redis read)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        return bool(client.exists(_key(schema_name)))
    finally:
        client.close()
