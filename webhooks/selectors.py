"""Reads of the webhook pages: the endpoint list and an endpoint's delivery log."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from webhooks.models import Delivery, Endpoint

LOG_PAGE_SIZE = 50


def endpoint_list() -> QuerySet[Endpoint]:
    return Endpoint.objects.annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        held_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.HELD)),
    ).order_by("url", "pk")


def delivery_log(*, endpoint: Endpoint, limit: int = LOG_PAGE_SIZE) -> list[Delivery]:
    """The latest deliveries first, with their event (its kind is shown): one query."""
    return list(
        Delivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-created_at", "-pk")[:limit]
    )


def delivery_count(*, endpoint: Endpoint) -> int:
    return Delivery.objects.filter(endpoint=endpoint).count()
