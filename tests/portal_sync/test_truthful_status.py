"""Sync status that tells the truth (issue 18): runs whose worker is gone are interrupted, empty
rounds are not listed, "Sync now" answers at once, one badge per record, cards that refresh
themselves while a sync is pending, and a warning on a client that nobody sees."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone

from portal_sync.lock import sync_lock
from portal_sync.models import STALE_AFTER, SyncRun
from portal_sync.services import run_sync
from tenants.models import SyncOutbox
from tests.factories import ContactLinkFactory, RelationFactory


@pytest.fixture
def staff_en(supplier_staff_client, in_supplier):
    supplier_staff_client.cookies["django_language"] = "en"
    return supplier_staff_client


def card(html: str) -> str:
    start = html.index('<section class="card sync-card"')
    return " ".join(html[start : html.index("</section>", start)].split())


def progress(html: str) -> str:
    start = html.index('<section id="progress"')
    return html[start : html.index("</section>", start)]


def runs_table(html: str) -> str:
    start = html.index("<h2>Recent runs</h2>")
    return html[start : html.index("</section>", start)]


@contextlib.contextmanager
def lock_held(schema_name: str):
    lock = sync_lock(schema_name)
    assert lock.acquire()
    try:
        yield
    finally:
        lock.release()


def test_a_running_run_whose_worker_lost_its_lock_is_shown_and_stored_as_interrupted(staff_en):
    # A minute of silence: well under STALE_AFTER, but no worker holds the contractant's lock.
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    run = SyncRun.objects.create(planned=10, done=3, planned_at=a_minute_ago, heartbeat_at=a_minute_ago)

    page = staff_en.get("/sync/").content.decode()

    assert "Sync running" not in page and "The last run was interrupted" in page
    assert "<td>Interrupted</td>" in runs_table(page)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.INTERRUPTED and run.finished_at is not None


def test_a_quiet_run_whose_worker_holds_the_lock_is_still_running(staff_en):
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    run = SyncRun.objects.create(planned=10, done=3, planned_at=a_minute_ago, heartbeat_at=a_minute_ago)

    with lock_held("supplier"):
        page = staff_en.get("/sync/").content.decode()

    assert "Sync running" in page and "3 of 10 operations done" in page
    run.refresh_from_db()
    assert run.status == SyncRun.Status.RUNNING


def test_a_run_silent_for_too_long_is_interrupted_even_with_the_lock_held(staff_en):
    long_ago = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    run = SyncRun.objects.create(planned=10, done=3, planned_at=long_ago, heartbeat_at=long_ago)

    with lock_held("supplier"):
        staff_en.get("/sync/")

    run.refresh_from_db()
    assert run.status == SyncRun.Status.INTERRUPTED


def test_a_new_run_records_an_earlier_running_run_as_interrupted(in_supplier, mock_client_online):
    earlier = SyncRun.objects.create(planned=10, done=3, planned_at=timezone.now(), heartbeat_at=timezone.now())

    run_sync()  # the worker runs it holding the lock: nothing else can still be running

    earlier.refresh_from_db()
    assert earlier.status == SyncRun.Status.INTERRUPTED


def test_rounds_that_find_nothing_to_do_are_folded_into_nothing_to_do_since(staff_en, mock_client_online):
    RelationFactory(sync_client_online=True)
    first = run_sync()
    assert first.planned == 1
    empty = run_sync()
    for _ in range(3):
        assert run_sync().pk == empty.pk  # the same row brought up to date, not a new round

    page = staff_en.get("/sync/").content.decode()

    assert SyncRun.objects.count() == 2
    assert "Nothing to do since" in progress(page)
    table = runs_table(page)
    assert table.count("<tr>") == 2  # the header and the round that did something
    assert "0 / 0" not in table and "<td>1 / 1</td>" in table


def test_sync_now_disables_itself_and_says_busy_and_without_javascript_confirms_after_redirect(
    staff_en, mock_client_online
):
    page = staff_en.get("/sync/").content.decode()
    start = page.index('action="/sync/run/"')
    form = page[start : page.index("</form>", start)]
    assert 'hx-disabled-elt="find button"' in form and 'hx-boost="true"' in form
    assert '<span class="busy-label">Busy…</span>' in form

    response = staff_en.post("/sync/run/")
    assert response.status_code == 302 and response["Location"] == "/sync/"
    after = staff_en.get("/sync/").content.decode()
    assert "A sync with Client Online has been started." in after


def test_the_progress_section_polls_while_changes_wait_and_stops_when_synced(staff_en, supplier, mock_client_online):
    RelationFactory(sync_client_online=True)
    SyncOutbox.objects.create(contractant=supplier)  # a saved change no run has taken up yet

    waiting = progress(staff_en.get("/sync/").content.decode())
    run_sync()
    synced = progress(staff_en.get("/sync/").content.decode())

    assert 'hx-trigger="every 2s"' in waiting
    assert "hx-trigger" not in synced and "In sync" in synced


def test_the_relation_card_refreshes_itself_only_while_its_sync_is_pending(staff_en, mock_client_online):
    relation = RelationFactory(sync_client_online=True)
    ContactLinkFactory(relation=relation, sync_client_online=True)

    pending = card(staff_en.get(f"/relations/{relation.pk}/").content.decode())
    assert f'hx-get="/sync/relations/{relation.pk}/card/" hx-trigger="every 3s"' in pending
    assert "waiting for sync" in pending and pending.count('class="badge') == 1

    run_sync()
    fragment = staff_en.get(f"/sync/relations/{relation.pk}/card/")
    done = card(fragment.content.decode())

    assert fragment.content.decode().lstrip().startswith('<section class="card sync-card"')
    assert "hx-trigger" not in done and 'badge-ok">synced<' in done and done.count('class="badge') == 1


def test_the_contact_card_refreshes_itself_only_while_its_sync_is_pending(staff_en, mock_client_online):
    link = ContactLinkFactory(relation=RelationFactory(sync_client_online=True), sync_client_online=True)

    pending = card(staff_en.get(f"/contacts/{link.contact.pk}/").content.decode())
    run_sync()
    done = card(staff_en.get(f"/sync/contacts/{link.contact.pk}/card/").content.decode())

    assert f'hx-get="/sync/contacts/{link.contact.pk}/card/" hx-trigger="every 3s"' in pending
    assert "hx-trigger" not in done and 'badge-ok">synced<' in done


def test_a_member_added_after_the_sync_makes_the_card_pending_again(staff_en, mock_client_online):
    relation = RelationFactory(sync_client_online=True)
    ContactLinkFactory(relation=relation, sync_client_online=True)
    run_sync()
    ContactLinkFactory(relation=relation, sync_client_online=True)

    page = card(staff_en.get(f"/relations/{relation.pk}/").content.decode())

    assert "waiting for sync" in page and "hx-trigger" in page


def test_a_synced_relation_without_a_synced_member_is_flagged_on_its_page_and_the_status_page(
    staff_en, mock_client_online
):
    lonely = RelationFactory(name="Niemand Ziet Mij B.V.", sync_client_online=True)
    ContactLinkFactory(relation=lonely, sync_client_online=False)
    seen = RelationFactory(name="Wel Gezien B.V.", sync_client_online=True)
    ContactLinkFactory(relation=seen, sync_client_online=True)
    warning = "Client Online shows this client to nobody: there is no synced user."

    assert warning in staff_en.get(f"/relations/{lonely.pk}/").content.decode()
    assert warning not in staff_en.get(f"/relations/{seen.pk}/").content.decode()
    assert "shows 1 synced relation to nobody" not in staff_en.get("/sync/").content.decode()  # no run yet

    run_sync()
    page = staff_en.get("/sync/").content.decode()

    assert "Client Online shows 1 synced relation to nobody: there is no synced user." in page
    assert f'<a href="/relations/{lonely.pk}/">Niemand Ziet Mij B.V.</a>' in page
    assert "Wel Gezien B.V." not in page


def test_a_person_relation_is_seen_by_its_person(staff_en, mock_client_online):
    link = ContactLinkFactory(sync_client_online=False)
    person = RelationFactory(kind="person", person=link.contact, sync_client_online=True)

    page = staff_en.get(f"/relations/{person.pk}/").content.decode()

    assert "shows this client to nobody" not in page


def test_the_warning_and_the_busy_label_are_dutch(supplier_staff_client, in_supplier):
    relation = RelationFactory(sync_client_online=True)
    supplier_staff_client.cookies["django_language"] = "nl"

    relation_page = supplier_staff_client.get(f"/relations/{relation.pk}/").content.decode()
    status_page = supplier_staff_client.get("/sync/").content.decode()

    assert "Cliënt Online toont deze klant aan niemand: er is geen gesynchroniseerde gebruiker." in relation_page
    assert '<span class="busy-label">Bezig…</span>' in status_page and "Nu synchroniseren" in status_page
