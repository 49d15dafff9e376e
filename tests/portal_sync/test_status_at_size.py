"""The Sync status page at production size (issue 17): it and its progress poll read what the
worker stored, a constant number of rows however many relations and contacts there are, and
show the numbers the full plan would give."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal_sync.desired import desired_state, external_id
from portal_sync.models import STALE_AFTER, SyncFailure, SyncRun
from portal_sync.planner import plan
from portal_sync.services import remote_state, run_sync
from tests.factories import ContactLinkFactory, RelationFactory
from tests.portal_sync.test_sync import seed_world


@pytest.fixture
def staff_en(supplier_staff_client, in_supplier):
    supplier_staff_client.cookies["django_language"] = "en"
    return supplier_staff_client


def facts(html: str) -> str:
    start = html.index('<dl class="facts">')
    return " ".join(html[start : html.index("</dl>", start)].split())


def grow(relations: int) -> None:
    """Synced relations with two synced contacts each."""
    for _ in range(relations):
        relation = RelationFactory(sync_client_online=True)
        for _ in range(2):
            ContactLinkFactory(relation=relation, sync_client_online=True)


def queries_of(client, **headers) -> tuple[int, str]:
    # A first visit may write what the staff frame remembers of it (the session, the last visit).
    client.get("/sync/", **headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/sync/", **headers)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_page_and_poll_read_as_many_rows_for_50_relations_as_for_5(staff_en, mock_client_online):
    grow(5)
    run_sync()
    SyncRun.objects.create(planned=40, done=10, planned_at=timezone.now(), heartbeat_at=timezone.now())
    small_page, _ = queries_of(staff_en)
    small_poll, poll = queries_of(staff_en, HTTP_HX_REQUEST="true")
    SyncRun.objects.filter(status=SyncRun.Status.RUNNING).delete()
    grow(45)
    run_sync()
    SyncRun.objects.create(planned=400, done=100, planned_at=timezone.now(), heartbeat_at=timezone.now())

    large_page, _ = queries_of(staff_en)
    large_poll, larger_poll = queries_of(staff_en, HTTP_HX_REQUEST="true")

    assert (small_page, small_poll) == (large_page, large_poll)
    # Session, user, staff frame (menu, bell) and the run, latest plan, failures and outbox rows.
    assert large_poll <= 12 and large_page <= 20
    assert "10 of 40 operations done" in poll and "100 of 400 operations done" in larger_poll
    assert larger_poll.lstrip().startswith('<section id="progress"')


def test_the_page_shows_what_the_full_plan_gives(staff_en, supplier_user, mock_client_online):
    a, *_ = seed_world(supplier_user)
    # An earlier refusal holds back A's client, and with it A's two memberships.
    SyncFailure.objects.create(kind="create_client", key=[external_id(a)], error="refused", status_code=422)
    run_sync()
    remote, desired = remote_state(), desired_state()
    operations = plan(remote, desired)

    page = staff_en.get("/sync/").content.decode()

    r, d = remote.summary(), desired.summary()
    assert facts(page) == (
        f'<dl class="facts"> <dt>Clients</dt><dd>{r["clients"]} / {d["clients"]}</dd> '
        f"<dt>Users</dt><dd>{r['users']} / {d['users']}</dd> "
        f"<dt>Memberships</dt><dd>{r['memberships']} / {d['memberships']}</dd>"
    )
    assert (r, d) == ({"clients": 3, "users": 2, "memberships": 4}, {"clients": 4, "users": 2, "memberships": 6})
    assert [operation.kind for operation in operations] == ["create_client", "add_membership", "add_membership"]
    waiting = page[page.index("<h2>Waiting operations</h2>") :]
    for operation in operations:
        assert f'<code>{operation.kind}</code> <span class="muted">{" / ".join(operation.key)}</span>' in waiting
    assert "Needs attention" in page


def test_a_run_whose_worker_died_shows_as_interrupted_and_the_next_run_records_it(staff_en, mock_client_online):
    RelationFactory(sync_client_online=True)
    long_ago = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    dead = SyncRun.objects.create(planned=10, done=3, planned_at=long_ago, heartbeat_at=long_ago)

    page = staff_en.get("/sync/").content.decode()
    assert "Sync running" not in page and "hx-trigger" not in page
    assert "The last run was interrupted" in page and "The worker stopped during this run." in page

    run_sync()
    dead.refresh_from_db()
    assert dead.status == SyncRun.Status.INTERRUPTED and dead.finished_at is not None
    assert "In sync" in staff_en.get("/sync/").content.decode()


def test_a_running_run_that_reports_is_shown_as_running(staff_en):
    SyncRun.objects.create(planned=4, done=1, planned_at=timezone.now(), heartbeat_at=timezone.now())

    page = staff_en.get("/sync/").content.decode()

    assert "Sync running" in page and 'hx-trigger="every 2s"' in page and "1 of 4 operations done" in page


def test_before_any_run_the_page_says_so(staff_en):
    page = staff_en.get("/sync/").content.decode()

    assert "Not synced yet" in page and "In sync" not in page
