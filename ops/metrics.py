"""Custom Prometheus collectors, beside django-prometheus's request and latency metrics.

Each scrape costs one pipelined Redis round trip (queue lengths), one query over the public
schema (the outbox) and two cache reads (the heartbeat and the totals the beat task keeps):
nothing here visits the contractants' schemas, however many there are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ops import selectors

logger = logging.getLogger(__name__)


def _queues() -> list[str]:
    from config.celery import app

    names = [app.conf.task_default_queue]
    names += [queue.name for queue in app.conf.task_queues or () if queue.name not in names]
    return names


class PlatformCollector(Collector):
    def describe(self) -> Iterator[Metric]:
        # Names only, so registering the collector (at start-up) touches no server.
        yield from self._families()

    def collect(self) -> Iterator[Metric]:
        families = self._families()
        queue_length, outbox_pending, outbox_age, failures, failing, events, refreshed_age, heartbeat_age = families
        try:
            for queue, length in selectors.celery_queue_lengths(_queues()).items():
                queue_length.add_metric([queue], length)
        except Exception:  # a failing source leaves its metric out; the others still answer
            logger.warning("metrics: Celery queue lengths unavailable", exc_info=True)
        try:
            backlog = selectors.sync_outbox_backlog()
            outbox_pending.add_metric([], backlog.pending)
            outbox_age.add_metric([], backlog.oldest_age_seconds)
        except Exception:
            logger.warning("metrics: outbox backlog unavailable", exc_info=True)
        try:
            totals = selectors.platform_metrics()
            if totals is not None:
                failures.add_metric([], totals["sync_failures_open"])
                failing.add_metric([], totals["contractants_with_sync_failures"])
                events.add_metric([], totals["outbox_events_undelivered"])
                refreshed_age.add_metric([], max(0.0, time.time() - totals["refreshed_at"]))
            age = selectors.worker_heartbeat_age()
            if age is not None:
                heartbeat_age.add_metric([], age)
        except Exception:
            logger.warning("metrics: platform cache unavailable", exc_info=True)
        yield from families

    @staticmethod
    def _families() -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily(
                "backoffice_celery_queue_length", "Messages waiting in a Celery queue (Redis broker).", labels=["queue"]
            ),
            GaugeMetricFamily("backoffice_sync_outbox_pending", "Client Online outbox rows waiting for the relay."),
            GaugeMetricFamily(
                "backoffice_sync_outbox_oldest_age_seconds", "Age of the oldest waiting Client Online outbox row."
            ),
            GaugeMetricFamily(
                "backoffice_sync_failures_open", "Open Client Online refusals, over every contractant (beat-refreshed)."
            ),
            GaugeMetricFamily(
                "backoffice_contractants_with_sync_failures",
                "Contractants with at least one open Client Online refusal.",
            ),
            GaugeMetricFamily(
                "backoffice_outbox_events_undelivered",
                "Outbox events (webhooks) not yet handed to their listeners, over every contractant.",
            ),
            GaugeMetricFamily(
                "backoffice_platform_metrics_age_seconds", "Seconds since the beat task last counted over every schema."
            ),
            GaugeMetricFamily(
                "backoffice_worker_heartbeat_age_seconds", "Seconds since a Celery worker last ran the heartbeat task."
            ),
        ]


_collector: PlatformCollector | None = None


def platform_collector() -> PlatformCollector:
    """One instance per process, registered once (ops.apps) and reused by the multiprocess view."""
    global _collector
    if _collector is None:
        _collector = PlatformCollector()
    return _collector
