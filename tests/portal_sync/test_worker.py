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
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact, update_link
from portal_sync.desired import desired_state
from tests.conftest import remove_committed_contractants
from tests.factories import RelationFactory

BASE_DIR = Path(__file__).resolve().parents[2]
SCHEMA = "sync_worker"


@pytest.fixture
def committed_contractant(django_db_blocker):
    import redis

    from tenants.services import provision_contractant

    # A lock left by a worker killed in an earlier run of this suite must not block this one.
    redis.Redis.from_url(settings.REDIS_URL).delete(f"client-online-sync:{SCHEMA}")
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
            remove_committed_contractants([SCHEMA])


@pytest.fixture
def worker(mock_client_online, committed_contractant):
    process = start_worker(mock_client_online.url)
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


def start_worker(mock_url: str, **extra_env) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CLIENT_ONLINE_URL": mock_url,
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def build_people(count: int):
    """Persons with a synced private relation each (so each always needs exactly one login),
    and a few synced companies to link them to."""
    companies = [RelationFactory(name=f"Bedrijf {n}", sync_client_online=True) for n in range(4)]
    people = []
    for n in range(count):
        contact = create_contact(actor=None, first_name="Persoon", last_name=f"{n}", email=f"p{n}@load.test")
        RelationFactory(name=f"Privé {n}", kind="person", person=contact, sync_client_online=True)
        people.append(contact)
    return companies, people


def test_person_p_dies_and_everything_of_p_goes_in_safe_order(
    django_db_blocker, committed_contractant, mock_client_online, worker
):
    from contacts.services.links import unlink_contact
    from relations.services import relation_update

    with django_db_blocker.unblock():
        connection.set_tenant(committed_contractant)
        companies, (p, q) = build_people(2)
        for contact in (p, q):
            link_contact(contact=contact, relation=companies[0], actor=None, sync_client_online=True)
        queue_sync()
        wait_until_remote_matches(mock_client_online)
        ledger = mock_client_online.ledger()

        # P dies: the person-relation ends and all of P's links are removed.
        for link in p.links.exclude(relation=p.person_relation):
            unlink_contact(link=link, actor=None)
        relation_update(relation=p.person_relation, actor=None, data={"is_active": False})
        queue_sync()
        wait_until_remote_matches(mock_client_online)

        state = mock_client_online.state()
        assert f"{SCHEMA}.{p.code}" not in state["users"]
        assert f"{SCHEMA}.{p.person_relation.code}" not in state["clients"]
        assert f"{SCHEMA}.{q.code}" in state["users"]
        assert mock_client_online.ledger() == ledger
        connection.set_schema_to_public()


def test_faults_and_random_edits_converge_without_duplicate_logins(
    django_db_blocker, committed_contractant, mock_client_online
):
    import random

    from relations.services import relation_update

    mock_client_online.faults(error_rate=0.3, timeout_rate=0.05, timeout_seconds=1.5)
    process = start_worker(mock_client_online.url, CLIENT_ONLINE_TIMEOUT="1")
    rng = random.Random(2026)
    try:
        with django_db_blocker.unblock():
            connection.set_tenant(committed_contractant)
            companies, people = build_people(8)
            queue_sync()
            for step in range(200):
                contact, company = rng.choice(people), rng.choice(companies)
                link = contact.links.filter(relation=company).first()
                if link is None:
                    link_contact(contact=contact, relation=company, actor=None, sync_client_online=True)
                elif rng.random() < 0.5:
                    update_link(link=link, actor=None, data={"sync_client_online": not link.sync_client_online})
                else:
                    relation_update(relation=company, actor=None, data={"name": f"Bedrijf {step}"})
                if step % 25 == 0:
                    queue_sync()
            mock_client_online.faults(error_rate=0, timeout_rate=0)
            queue_sync()
            wait_until_remote_matches(mock_client_online, timeout=90)
            names = {key: dict(data)["name"] for key, data in desired_state().clients.items()}
            assert {key: data["name"] for key, data in mock_client_online.state()["clients"].items()} == names
            connection.set_schema_to_public()
    finally:
        process.terminate()
        process.wait(15)
    users = [entry["user"] for entry in mock_client_online.ledger()]
    assert len(users) == len(set(users)) == 8  # nobody got credentials twice


def test_killing_the_worker_mid_run_and_starting_again_converges(
    django_db_blocker, committed_contractant, mock_client_online
):
    mock_client_online.faults(latency_ms=20)
    first = start_worker(mock_client_online.url)
    try:
        with django_db_blocker.unblock():
            connection.set_tenant(committed_contractant)
            build_people(40)
            queue_sync()
            deadline = time.monotonic() + 30
            while not mock_client_online.state()["users"] and time.monotonic() < deadline:
                time.sleep(0.05)
            first.kill()  # mid-run: some operations applied remotely, not all acknowledged
            first.wait(10)
            mock_client_online.faults(latency_ms=0)
            second = start_worker(mock_client_online.url)
            try:
                queue_sync()  # waits for the dead worker's lock to expire, then resumes
                wait_until_remote_matches(mock_client_online, timeout=120)
            finally:
                second.terminate()
                second.wait(15)
            connection.set_schema_to_public()
    finally:
        if first.poll() is None:
            first.kill()
    users = [entry["user"] for entry in mock_client_online.ledger()]
    assert len(users) == len(set(users)) == 40


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="restarts the embedded Redis only")
def test_redis_restarted_mid_run_and_the_outbox_relay_converges(
    django_db_blocker, committed_contractant, mock_client_online
):
    from config import embedded

    mock_client_online.faults(latency_ms=20)
    process = start_worker(mock_client_online.url)
    try:
        with django_db_blocker.unblock():
            connection.set_tenant(committed_contractant)
            build_people(30)
            queue_sync()
            deadline = time.monotonic() + 30
            while not mock_client_online.state()["users"] and time.monotonic() < deadline:
                time.sleep(0.05)
            embedded.stop_redis()
            time.sleep(1)
            embedded.redis_url()  # AOF: what was queued survives the restart
            mock_client_online.faults(latency_ms=0)
            connection.set_schema_to_public()
            # The outbox row of the interrupted work is still there; the relay (beat, every 30 s in
            # production) queues it again, and a supervisor restarts a worker that gave up.
            deadline = time.monotonic() + 150
            converged = False
            while not converged and time.monotonic() < deadline:
                if process.poll() is not None:
                    process = start_worker(mock_client_online.url)
                connection.set_schema_to_public()
                app.send_task("portal_sync.relay_outbox")
                connection.set_tenant(committed_contractant)
                try:
                    wait_until_remote_matches(mock_client_online, timeout=10)
                    converged = True
                except AssertionError:
                    continue
            assert converged, mock_client_online.state()
            connection.set_schema_to_public()
    finally:
        process.terminate()
        process.wait(15)
    users = [entry["user"] for entry in mock_client_online.ledger()]
    assert len(users) == len(set(users)) == 30


def test_person_q_leaves_a_and_b_and_stops_as_person_relation(
    django_db_blocker, committed_contractant, mock_client_online, worker
):
    from relations.services import relation_update

    with django_db_blocker.unblock():
        connection.set_tenant(committed_contractant)
        companies, (p, q) = build_people(2)
        for contact in (p, q):
            for company in companies[:2]:
                link_contact(contact=contact, relation=company, actor=None, sync_client_online=True)
        queue_sync()
        wait_until_remote_matches(mock_client_online)
        ledger = mock_client_online.ledger()

        for link in q.links.filter(relation__in=companies[:2]):
            update_link(link=link, actor=None, data={"sync_client_online": False})
        relation_update(relation=q.person_relation, actor=None, data={"sync_client_online": False})
        queue_sync()
        wait_until_remote_matches(mock_client_online)

        state = mock_client_online.state()
        assert f"{SCHEMA}.{q.code}" not in state["users"]
        assert f"{SCHEMA}.{p.code}" in state["users"]
        assert mock_client_online.ledger() == ledger
        connection.set_schema_to_public()


def wait_for(condition, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.2)


def test_beat_jobs_dispatched_from_the_public_schema_run_in_the_contractants_schema(
    django_db_blocker, committed_contractant, mock_client_online, worker
):
    """Beat runs in the public schema. Found with `make run`: the relay, the nightly
    reconciliation and the out-of-service job queued their per-contractant tasks with the
    *public* schema in the header, and each one failed in the worker."""
    import datetime

    from contacts.models import Contact
    from portal_sync.models import SyncRun
    from tenants.models import SyncOutbox

    with django_db_blocker.unblock():
        connection.set_tenant(committed_contractant)
        build_people(3)  # records a change in the outbox (no sync is queued on commit in tests)
        leaving = create_contact(actor=None, first_name="Vera", last_name="Vertrek", email="vera@seed.test")
        successor = create_contact(actor=None, first_name="Otto", last_name="Opvolger", email="otto@seed.test")
        Contact.objects.filter(pk=leaving.pk).update(out_of_service_on=datetime.date.today(), successor=successor)
        connection.set_schema_to_public()
        assert SyncOutbox.objects.filter(contractant=committed_contractant).exists()

        for beat_job in ["portal_sync.relay_outbox", "contacts.dispatch_due_out_of_service"]:
            app.send_task(beat_job)  # from the public schema, as beat sends them

        connection.set_tenant(committed_contractant)
        wait_until_remote_matches(mock_client_online)
        assert len(mock_client_online.state()["users"]) == 3
        wait_for(lambda: Contact.objects.get(pk=leaving.pk).out_of_service_applied_at is not None)

        runs_before = SyncRun.objects.count()
        connection.set_schema_to_public()
        app.send_task("portal_sync.reconcile_all")
        connection.set_tenant(committed_contractant)
        wait_for(lambda: SyncRun.objects.filter(status=SyncRun.Status.DONE).count() > runs_before)
        connection.set_schema_to_public()
