"""The sync through the real pieces: a Celery worker process, Redis and the mock Client Online.

Data is committed in a throw-away contractant (the worker is another process with its own
connection) and removed afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from contacts.services import create_contact, link_contact, update_link
from portal_sync.desired import desired_state
from tests.factories import RelationFactory

BASE_DIR = Path(__file__).resolve().parents[2]
SCHEMA = "sync_worker"


@pytest.fixture
def committed_contractant(django_db_blocker):
    from tenants.models import Contractant, Domain, SyncOutbox
    from tenants.services import provision_contractant

    with django_db_blocker.unblock():
        contractant = provision_contractant(
            name="Sync worker",
            schema_name=SCHEMA,
            domain="sync-worker.localhost",
            admin_email="sync@worker.test",
            admin_password="Sync-wachtwoord-2026",
        )
        try:
            yield contractant
        finally:
            connection.set_schema_to_public()
            SyncOutbox.objects.filter(contractant=contractant).delete()
            Domain.objects.filter(tenant=contractant).delete()
            Contractant.objects.filter(pk=contractant.pk).delete()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


@pytest.fixture
def worker(mock_client_online, committed_contractant):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CLIENT_ONLINE_URL": mock_client_online.url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(15)


def queue_sync() -> None:
    app.send_task("portal_sync.sync_contractant", args=[SCHEMA], headers={"_schema_name": SCHEMA})


def wait_until_remote_matches(mock, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = desired_state()
        snapshot = mock.state()
        if (set(snapshot["clients"]), set(snapshot["users"]), {tuple(m) for m in snapshot["memberships"]}) == (
            set(state.clients),
            set(state.users),
            set(state.memberships),
        ):
            return
        time.sleep(0.3)
    raise AssertionError(f"remote state did not converge: {mock.state()}")


def test_worker_pushes_a_company_and_a_person_and_a_removal_sends_no_credentials(
    django_db_blocker, committed_contractant, mock_client_online, worker
):
    with django_db_blocker.unblock():
        connection.set_tenant(committed_contractant)
        company = RelationFactory(name="A B.V.", sync_client_online=True)
        anna = create_contact(actor=None, first_name="Anna", last_name="Smit", email="anna@seed.test")
        quinty = create_contact(actor=None, first_name="Quinty", last_name="Quist", email="q@seed.test")
        RelationFactory(name="Q privé", kind="person", person=quinty, sync_client_online=True)
        link_contact(contact=anna, relation=company, actor=None, sync_client_online=True)
        q_link = link_contact(contact=quinty, relation=company, actor=None, sync_client_online=True)

        queue_sync()
        wait_until_remote_matches(mock_client_online)
        assert len(mock_client_online.state()["users"]) == 2
        ledger = mock_client_online.ledger()
        assert len(ledger) == 2

        update_link(link=q_link, actor=None, data={"sync_client_online": False})
        queue_sync()
        wait_until_remote_matches(mock_client_online)

        q_id = f"{SCHEMA}.{quinty.code}"
        assert q_id in mock_client_online.state()["users"]  # Q keeps the private client
        assert [q_id, f"{SCHEMA}.{company.code}"] not in mock_client_online.state()["memberships"]
        assert mock_client_online.ledger() == ledger
        connection.set_schema_to_public()
