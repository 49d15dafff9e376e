"""Celery tasks of webhooks: fan an event out, send one delivery (retried with backoff), and
the relay for events whose queue message was lost. Schema explicit, as every tenant task."""

from __future__ import annotations

from config.celery import app, queue_for_every_active_contractant, require_schema


@app.task(name="webhooks.fan_out")
def fan_out_task(schema_name: str, event_id: int) -> int:
    require_schema(schema_name)
    from webhooks.services import event_fan_out

    return len(event_fan_out(event_id=event_id))


@app.task(name="webhooks.deliver", bind=True, max_retries=None)
def deliver_task(self, schema_name: str, delivery_id: int) -> str:
    require_schema(schema_name)
    from webhooks.services import delivery_attempt

    attempt = delivery_attempt(delivery_id=delivery_id)
    if attempt is None:
        return "gone"
    if attempt.retry_in is not None:
        # The attempt count lives on the delivery row (settings.WEBHOOKS_MAX_ATTEMPTS), not here.
        raise self.retry(countdown=attempt.retry_in)
    return attempt.delivery.status


@app.task(name="webhooks.relay_contractant")
def relay_contractant_task(schema_name: str) -> int:
    require_schema(schema_name)
    import datetime

    from outbox.selectors import pending_event_ids
    from webhooks.services import event_fan_out

    pending = pending_event_ids(older_than=datetime.timedelta(minutes=1))
    for event_id in pending:
        event_fan_out(event_id=event_id)
    return len(pending)


@app.task(name="webhooks.relay_outbox")
def relay_outbox_task() -> int:
    """Beat (public schema): per contractant, fan out events no worker has picked up."""
    return queue_for_every_active_contractant(relay_contractant_task)
