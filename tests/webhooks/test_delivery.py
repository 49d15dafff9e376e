"""Deliveries to a real local HTTP receiver: signed, sent after commit by the worker (eager
here, as tests/portal_sync's unit tests run it), retried with backoff, paused after repeated
failures with administrators told, held while paused and sent on resume, redelivered on request."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from notifications.models import Notification
from tasks.models import Task
from tasks.services import task_change_status, task_create
from tests.conftest import ALPHA, SUPPLIER, logged_in_staff
from webhooks import signing
from webhooks.models import Delivery, Endpoint, EventKind
from webhooks.services import endpoint_create, endpoint_resume, retry_delay


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and what its commit sets off (fan-out, deliveries, retries)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def test_a_new_task_reaches_the_receiver_signed_after_commit(supplier_user, endpoint, receiver, committed):
    task = task_create(actor=supplier_user, subject="Printer stuk", description="Alleen intern bekend")
    assert receiver.received == []  # nothing before commit

    committed(lambda: task_change_status(task=task, status=Task.Status.CLOSED, actor=supplier_user))

    (closed,) = receiver.received
    assert closed.signature_ok
    assert closed.headers["X-Webhook-Event"] == "task.closed"
    assert closed.document["event"] == "task.closed"
    assert closed.document["data"]["task_id"] == task.pk
    assert closed.document["contractant"] == "supplier"
    assert "Alleen intern" not in closed.body.decode()
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.response_code, delivery.attempts) == (Delivery.Status.SUCCEEDED, 200, 1)
    assert str(delivery.code) == closed.headers["X-Webhook-Delivery"] == closed.document["id"]
    assert delivery.duration_ms is not None


def test_only_the_events_an_endpoint_chose_are_sent(supplier_user, receiver, committed):
    _endpoint, receiver.secret = endpoint_create(actor=supplier_user, url=receiver.url, events=[EventKind.TASK_CLOSED])

    task = committed(lambda: task_create(actor=supplier_user, subject="Nog open"))
    assert receiver.received == []
    committed(lambda: task_change_status(task=task, status=Task.Status.CLOSED, actor=supplier_user))

    assert [r.headers["X-Webhook-Event"] for r in receiver.received] == ["task.closed"]


def test_a_500_is_retried_with_growing_waits_until_it_succeeds(supplier_user, endpoint, receiver, committed, settings):
    receiver.answers = [500, 503, 200]

    committed(lambda: task_create(actor=supplier_user, subject="Doorzetten"))

    assert len(receiver.received) == 3 and all(r.signature_ok for r in receiver.received)
    # Retries keep the delivery's id and body (a receiver can drop a duplicate).
    assert len({r.headers["X-Webhook-Delivery"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (Delivery.Status.SUCCEEDED, 3, 200)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS
    assert base <= retry_delay(1) <= base * 1.1
    assert base * 4 <= retry_delay(3) <= base * 4 * 1.1
    assert retry_delay(30) <= settings.WEBHOOKS_RETRY_MAX_SECONDS * 1.1


def test_a_delivery_that_keeps_failing_stops_after_the_last_attempt(
    supplier_user, endpoint, receiver, committed, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.answers = [500]

    committed(lambda: task_create(actor=supplier_user, subject="Nooit"))

    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (Delivery.Status.FAILED, 3, 500)
    assert len(receiver.received) == 3


def test_an_unreachable_endpoint_logs_the_error(supplier_user, committed, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    endpoint, _secret = endpoint_create(actor=supplier_user, url="http://127.0.0.1:9/dicht", events=["task.created"])

    committed(lambda: task_create(actor=supplier_user, subject="Niemand thuis"))

    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.status == Delivery.Status.FAILED and delivery.response_code is None
    assert "Connect" in delivery.error


def test_repeated_failures_pause_the_endpoint_tell_administrators_and_resume_sends_what_was_held(
    supplier_user, endpoint, receiver, committed, settings
):
    settings.WEBHOOKS_PAUSE_AFTER_FAILURES = 4
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.answers = [500]

    committed(lambda: task_create(actor=supplier_user, subject="Eerste"))  # 3 failed attempts: failed
    committed(lambda: task_create(actor=supplier_user, subject="Tweede"))  # 4th failure: paused, held
    committed(lambda: task_create(actor=supplier_user, subject="Derde"))  # paused: held, not sent

    endpoint.refresh_from_db()
    assert endpoint.status == Endpoint.Status.PAUSED and endpoint.paused_at is not None
    assert len(receiver.received) == 4
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["failed", "held", "held"]
    notification = Notification.objects.get(recipient=supplier_user, kind="webhook_paused")
    assert endpoint.url in notification.text and notification.url == f"/webhooks/{endpoint.pk}/"

    page = logged_in_staff_page(f"/webhooks/{endpoint.pk}/")
    assert "Gepauzeerd" in page or "Paused" in page
    assert f'action="/webhooks/{endpoint.pk}/resume/"' in page

    receiver.answers = [200]
    committed(lambda: endpoint_resume(endpoint=endpoint, actor=supplier_user))

    endpoint.refresh_from_db()
    assert endpoint.status == Endpoint.Status.ACTIVE and endpoint.consecutive_failures == 0
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["failed", "succeeded", "succeeded"]
    subjects = [r.document["data"]["subject"] for r in receiver.received[4:]]
    assert subjects == ["Tweede", "Derde"]


def logged_in_staff_page(url: str) -> str:
    schema = connection.schema_name
    try:
        return logged_in_staff(SUPPLIER).get(url).content.decode()
    finally:
        connection.set_schema(schema)


def test_the_resume_and_redeliver_buttons_work_from_the_page(
    supplier_user, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [410, 200]
    with django_capture_on_commit_callbacks(execute=True):
        task_create(actor=supplier_user, subject="Opnieuw")
    first = Delivery.objects.get(endpoint=endpoint)
    assert first.status == Delivery.Status.SUCCEEDED and first.attempts == 2
    client = logged_in_staff(SUPPLIER)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/webhooks/deliveries/{first.pk}/redeliver/")

    assert response.status_code == 302 and response["Location"] == f"/webhooks/{endpoint.pk}/"
    again = Delivery.objects.exclude(pk=first.pk).get()
    assert again.redelivery_of_id == first.pk and again.status == Delivery.Status.SUCCEEDED
    assert receiver.received[-1].headers["X-Webhook-Delivery"] == str(again.code)
    assert receiver.received[-1].body != receiver.received[0].body  # its own id in the body
    assert receiver.received[-1].document["data"] == receiver.received[0].document["data"]


def test_a_delivery_of_a_deleted_endpoint_is_dropped_quietly(supplier_user, endpoint, receiver):
    from outbox.services import event_record
    from webhooks.services import delivery_attempt, endpoint_delete

    delivery = Delivery.objects.create(endpoint=endpoint, event=event_record(kind="task.created", payload={}))
    endpoint_delete(endpoint=endpoint, actor=supplier_user)

    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert receiver.received == []


def test_the_relay_sends_an_event_whose_queue_message_was_lost(supplier_user, endpoint, receiver, committed):
    import datetime

    from outbox.models import Event
    from webhooks.tasks import relay_contractant_task

    task_create(actor=supplier_user, subject="Bericht kwijt")  # its after-commit message never runs here
    Event.objects.update(created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=2))

    assert committed(lambda: relay_contractant_task("supplier")) == 1

    assert [r.document["data"]["subject"] for r in receiver.received] == ["Bericht kwijt"]
    assert committed(lambda: relay_contractant_task("supplier")) == 0  # once only


def test_a_replayed_delivery_fails_verification():
    body = b'{"event":"task.closed"}'
    headers = signing.signed_headers(secret="s3cret", body=body, event="task.closed", delivery="d", now=time.time())
    timestamp, received = headers[signing.TIMESTAMP_HEADER], headers[signing.SIGNATURE_HEADER]

    assert signing.verify(secret="s3cret", timestamp=timestamp, body=body, received=received, tolerance=300)
    assert not signing.verify(
        secret="s3cret", timestamp=timestamp, body=body, received=received, tolerance=300, now=time.time() + 301
    )
    assert not signing.verify(secret="other", timestamp=timestamp, body=body, received=received, tolerance=300)
    assert not signing.verify(secret="s3cret", timestamp=timestamp, body=body + b" ", received=received, tolerance=300)


def test_another_contractants_endpoint_never_hears_of_our_events(supplier, supplier_user, alpha, receiver, committed):
    from django.contrib.auth import get_user_model

    connection.set_tenant(alpha)
    alpha_admin = get_user_model().objects.get(username=ALPHA.staff_email)
    theirs, receiver.secret = endpoint_create(actor=alpha_admin, url=receiver.url, events=list(EventKind.values))
    connection.set_tenant(supplier)

    committed(lambda: task_create(actor=supplier_user, subject="Alleen van ons"))

    assert receiver.received == []
    connection.set_tenant(alpha)
    assert not Delivery.objects.filter(endpoint=theirs).exists()
