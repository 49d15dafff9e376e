"""Liveness, readiness and metrics: answered on the public host and on every contractant's host."""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from ops.access import require_metrics_reader
from ops.metrics import platform_collector
from ops.selectors import readiness


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: no database, Redis or other server is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    report = readiness()
    return JsonResponse(report.as_json(), status=200 if report.ok else 503)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    require_metrics_reader(request)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # Several worker processes (gunicorn): their files together, plus this process's collector.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(platform_collector())
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
