"""Writes for operations: the worker's heartbeat and the platform totals, both to the platform
cache (ops.selectors.PLATFORM_CACHE). Called by the beat's tasks (ops.tasks)."""

from __future__ import annotations

import time

from django.core.cache import caches

from ops.selectors import (
    HEARTBEAT_KEY,
    PLATFORM_CACHE,
    PLATFORM_METRICS_KEY,
    contractant_schemas,
    counts_here,
)
from tenants.crossing import run_in_schema

# Kept well beyond any staleness limit: a missing key means "never", an old one "stopped".
KEEP_SECONDS = 7 * 24 * 3600


def record_worker_heartbeat(*, now: float | None = None) -> float:
    beat = time.time() if now is None else now
    caches[PLATFORM_CACHE].set(HEARTBEAT_KEY, beat, timeout=KEEP_SECONDS)
    return beat


def refresh_platform_metrics() -> dict:
    """Count what lives in each contractant's schema once, here in the worker, so a scrape of
    /metrics reads one cache key instead of visiting 1,000 schemas."""
    failures = contractants_failing = events = 0
    for schema_name in contractant_schemas():
        counts = run_in_schema(schema_name, counts_here)
        failures += counts.sync_failures_open
        contractants_failing += 1 if counts.sync_failures_open else 0
        events += counts.events_undelivered
    totals = {
        "sync_failures_open": failures,
        "contractants_with_sync_failures": contractants_failing,
        "outbox_events_undelivered": events,
        "refreshed_at": time.time(),
    }
    caches[PLATFORM_CACHE].set(PLATFORM_METRICS_KEY, totals, timeout=KEEP_SECONDS)
    return totals
