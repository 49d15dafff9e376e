"""Writes of webhooks: endpoints (create, change, resume, delete), the fan-out of outbox
events to the endpoints that want them, each delivery attempt, and redelivery."""

from __future__ import annotations

import datetime
import json
import secrets
import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Kind
from notifications.services import notify
from outbox.models import Event
from outbox.services import event_mark_dispatched
from webhooks.addresses import check_url
from webhooks.models import Delivery, Endpoint
from webhooks.signing import new_secret, signed_headers

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

ERROR_MAX = 500


def _schema() -> str:
    return cast("TenantDatabaseWrapper", connection).schema_name


def _queue(delivery_ids: list[int]) -> None:
    """Each delivery is sent by the worker, after commit (webhooks.tasks)."""
    if not delivery_ids:
        return
    from webhooks.tasks import deliver_task

    schema_name = _schema()
    for delivery_id in delivery_ids:
        transaction.on_commit(partial(deliver_task.delay, schema_name, delivery_id), robust=True)


# --- Endpoints ---


def endpoint_create(*, actor, url: str, events: list[str], description: str = "") -> tuple[Endpoint, str]:
    """A new endpoint and its signing secret; the caller shows the secret once."""
    check_url(url)
    secret = new_secret()
    with transaction.atomic():
        endpoint = Endpoint(url=url, events=sorted(set(events)), description=description, secret=secret)
        endpoint.created_by = actor
        endpoint.full_clean()
        endpoint.save()
    return endpoint, secret


def endpoint_update(*, endpoint: Endpoint, actor, url: str, events: list[str], description: str = "") -> Endpoint:
    check_url(url)
    with transaction.atomic():
        endpoint.url, endpoint.events, endpoint.description = url, sorted(set(events)), description
        endpoint.full_clean()
        endpoint.save(update_fields=["url", "events", "description", "updated_at"])
    return endpoint


def endpoint_delete(*, endpoint: Endpoint, actor) -> None:
    with transaction.atomic():
        endpoint.delete()


def endpoint_resume(*, endpoint: Endpoint, actor) -> int:
    """Active again, the failure count back to zero; what was held while paused goes out now.
    Returns how many held deliveries are sent."""
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.status, endpoint.consecutive_failures, endpoint.paused_at = Endpoint.Status.ACTIVE, 0, None
        endpoint.save(update_fields=["status", "consecutive_failures", "paused_at", "updated_at"])
        held = list(
            Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.HELD)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=held).update(status=Delivery.Status.PENDING, next_attempt_at=None)
        _queue(held)
    return len(held)


# --- Fan-out and redelivery ---


def event_fan_out(*, event_id: int) -> list[Delivery]:
    """One delivery per endpoint of this contractant that wants the event's kind; run once per
    event (the event row is locked and marked dispatched in the same transaction)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id, dispatched_at=None).first()
        if event is None:
            return []
        endpoints = Endpoint.objects.filter(events__contains=[event.kind]).order_by("pk")
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                endpoint=endpoint,
                event=event,
                status=Delivery.Status.HELD if endpoint.is_paused else Delivery.Status.PENDING,
            )
            for endpoint in endpoints
        )
        event_mark_dispatched(event_id=event.pk)
        _queue([delivery.pk for delivery in deliveries if delivery.status == Delivery.Status.PENDING])
    return deliveries


def delivery_redeliver(*, delivery: Delivery, actor) -> Delivery:
    """Send the same event again, as a new entry in the log (held when the endpoint is paused)."""
    with transaction.atomic():
        endpoint = delivery.endpoint
        again = Delivery.objects.create(
            endpoint=endpoint,
            event_id=delivery.event_id,
            redelivery_of=delivery,
            status=Delivery.Status.HELD if endpoint.is_paused else Delivery.Status.PENDING,
        )
        if again.status == Delivery.Status.PENDING:
            _queue([again.pk])
    return again


# --- One attempt ---


def delivery_body(delivery: Delivery) -> bytes:
    """The JSON a receiver gets: the same bytes at every attempt of one delivery."""
    event = delivery.event
    document = {
        "id": str(delivery.code),
        "event": event.kind,
        "occurred_at": event.created_at,
        "contractant": _schema(),
        "data": event.payload,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")).encode()


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter after the `attempt`-th failure, capped below the broker's
    visibility timeout (a retry must not be handed out twice)."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1)
    capped = min(float(base), float(settings.WEBHOOKS_RETRY_MAX_SECONDS))
    return capped + secrets.SystemRandom().uniform(0, capped / 10)


@dataclass(frozen=True)
class Attempt:
    delivery: Delivery
    retry_in: float | None  # seconds until the next attempt; None: nothing more to do


def _send(endpoint: Endpoint, delivery: Delivery, body: bytes) -> tuple[int | None, str]:
    try:
        check_url(endpoint.url)
    except ValidationError as error:
        return None, " ".join(error.messages)
    headers = signed_headers(secret=endpoint.secret, body=body, event=delivery.event.kind, delivery=str(delivery.code))
    try:
        response = httpx.post(
            endpoint.url, content=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT, follow_redirects=False
        )
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, response.text[:200]


def delivery_attempt(*, delivery_id: int) -> Attempt | None:
    """Send a delivery once and record the outcome. Safe to run again for a delivery that is
    already done (a redelivered queue message): it is left alone. None: the endpoint was
    deleted since, with its log."""
    delivery = Delivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    if delivery.status in {Delivery.Status.SUCCEEDED, Delivery.Status.FAILED, Delivery.Status.HELD}:
        return Attempt(delivery, None)
    if delivery.endpoint.is_paused:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.HELD, next_attempt_at=None)
        return Attempt(delivery, None)
    body = delivery_body(delivery)
    started = time.perf_counter()
    # The request runs outside any transaction: a slow receiver never holds a row lock.
    response_code, error = _send(delivery.endpoint, delivery, body)
    duration_ms = int((time.perf_counter() - started) * 1000)
    ok = not error and response_code is not None
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        now = timezone.now()
        delivery.attempts += 1
        delivery.response_code, delivery.duration_ms = response_code, duration_ms
        delivery.error, delivery.last_attempt_at = error[:ERROR_MAX], now
        retry_in = None
        if ok:
            delivery.status, delivery.next_attempt_at = Delivery.Status.SUCCEEDED, None
            endpoint.consecutive_failures = 0
        else:
            endpoint.consecutive_failures += 1
            if endpoint.consecutive_failures >= settings.WEBHOOKS_PAUSE_AFTER_FAILURES and not endpoint.is_paused:
                _pause(endpoint, now=now)
            if endpoint.is_paused:
                # Sent again when staff resume the endpoint.
                delivery.status, delivery.next_attempt_at = Delivery.Status.HELD, None
            elif delivery.attempts < settings.WEBHOOKS_MAX_ATTEMPTS:
                retry_in = retry_delay(delivery.attempts)
                delivery.status = Delivery.Status.RETRYING
                delivery.next_attempt_at = now + datetime.timedelta(seconds=retry_in)
            else:
                delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        endpoint.save(update_fields=["status", "consecutive_failures", "paused_at", "updated_at"])
        delivery.save(
            update_fields=[
                "attempts",
                "status",
                "response_code",
                "duration_ms",
                "error",
                "last_attempt_at",
                "next_attempt_at",
            ]
        )
    return Attempt(delivery, retry_in)


def _pause(endpoint: Endpoint, *, now) -> None:
    from django.contrib.auth import get_user_model

    endpoint.status, endpoint.paused_at = Endpoint.Status.PAUSED, now
    administrators = get_user_model().objects.filter(is_staff=True, is_superuser=True, is_active=True)
    notify(
        recipients=administrators,
        kind=Kind.WEBHOOK_PAUSED,
        params={"url": endpoint.url, "failures": endpoint.consecutive_failures},
        url=reverse("webhooks:detail", args=[endpoint.pk]),
        key=f"webhook-paused:{endpoint.pk}:{int(now.timestamp())}",
    )
