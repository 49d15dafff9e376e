"""The whole way through the real pieces: a committed task change, the Celery worker process
(Redis broker) fanning the event out and delivering it, and the local receiver verifying the
signature. Data is committed in a throw-away contractant and removed afterwards."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from config.celery import app
from tasks.models import Task
from tasks.services import task_change_status, task_create
from tests.conftest import remove_committed_contractants
from tests.portal_sync.test_worker import start_worker
from webhooks.models import Delivery, EventKind
from webhooks.services import endpoint_create

SCHEMA = "hooks_worker"


@pytest.fixture
def committed_contractant(django_db_blocker):
    from tenants.services import provision_contractant

    with django_db_blocker.unblock():
        contractant = provision_contractant(
            name="Hooks worker",
            schema_name=SCHEMA,
            domain="hooks-worker.localhost",
            admin_email="hooks@worker.test",
            admin_password="Hooks-wachtwoord-2026",
        )
        try:
            yield contractant
        finally:
            remove_committed_contractants([SCHEMA])


@pytest.fixture
def through_the_broker():
    # This process queues for real; the worker below runs the tasks.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_the_worker_delivers_signed_events_after_commit(
    django_db_blocker, committed_contractant, receiver, through_the_broker
):
    process = start_worker("http://127.0.0.1:9")
    try:
        with django_db_blocker.unblock():
            connection.set_tenant(committed_contractant)
            endpoint, receiver.secret = endpoint_create(
                actor=None, url=receiver.url, events=[EventKind.TASK_CREATED, EventKind.TASK_CLOSED]
            )
            task = task_create(actor=None, subject="Via de worker")
            task_change_status(task=task, status=Task.Status.CLOSED, actor=None)

            deadline = time.monotonic() + 60
            while len(receiver.received) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)

            assert sorted(r.headers["X-Webhook-Event"] for r in receiver.received) == ["task.closed", "task.created"]
            assert all(r.signature_ok for r in receiver.received)
            assert {r.document["contractant"] for r in receiver.received} == {SCHEMA}
            while time.monotonic() < deadline and Delivery.objects.exclude(status="succeeded").exists():
                time.sleep(0.2)
            assert set(Delivery.objects.filter(endpoint=endpoint).values_list("status", flat=True)) == {"succeeded"}
            connection.set_schema_to_public()
    finally:
        process.terminate()
        process.wait(15)
