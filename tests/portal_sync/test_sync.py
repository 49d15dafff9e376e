"""Seed 003 against the real mock Client Online process: desired state, safe order, no new
credentials for anyone who keeps a login."""

from __future__ import annotations

from contacts.services.contacts import create_contact
from contacts.services.links import link_contact, update_link
from contacts.services.out_of_service import mark_out_of_service
from portal_sync.desired import desired_state
from portal_sync.models import SyncFailure, SyncRun
from portal_sync.services import run_sync
from relations.services import relation_update
from tests.factories import RelationFactory


def as_sets(snapshot: dict) -> tuple:
    return set(snapshot["clients"]), set(snapshot["users"]), {tuple(m) for m in snapshot["memberships"]}


def desired_sets() -> tuple:
    state = desired_state()
    return set(state.clients), set(state.users), set(state.memberships)


def person(name: str, user) -> object:
    first, last = name.split(" ", 1)
    return create_contact(actor=user, first_name=first, last_name=last, email=f"{first.lower()}@seed.test")


def seed_world(user):
    """Companies A and B; persons P and Q each a person-relation and a contact of A and B."""
    a = RelationFactory(name="A B.V.", sync_client_online=True)
    b = RelationFactory(name="B B.V.", sync_client_online=True)
    p, q = person("Piet Pieters", user), person("Quinty Quist", user)
    p_private = RelationFactory(name="P privé", kind="person", person=p, sync_client_online=True)
    q_private = RelationFactory(name="Q privé", kind="person", person=q, sync_client_online=True)
    for contact in (p, q):
        for company in (a, b):
            link_contact(contact=contact, relation=company, actor=user, sync_client_online=True)
    return a, b, p, q, p_private, q_private


def test_first_sync_pushes_the_desired_state_with_one_login_per_person(supplier_user, mock_client_online):
    a, b, p, q, p_private, q_private = seed_world(supplier_user)

    run = run_sync()

    assert run.status == SyncRun.Status.DONE
    assert as_sets(mock_client_online.state()) == desired_sets()
    clients, users, memberships = desired_sets()
    assert len(clients) == 4 and len(users) == 2
    # P is a member of A, B and P's own private client, never of Q's.
    p_id = f"supplier.{p.code}"
    assert {client for user, client in memberships if user == p_id} == {
        f"supplier.{a.code}",
        f"supplier.{b.code}",
        f"supplier.{p_private.code}",
    }
    assert len(mock_client_online.ledger()) == 2


def test_person_relation_without_contacts_becomes_its_own_user(supplier_user, mock_client_online):
    jan = person("Jan Janssen", supplier_user)
    RelationFactory(name="J. Janssen", kind="person", person=jan, sync_client_online=True)

    run_sync()

    state = mock_client_online.state()
    assert list(state["users"]) == [f"supplier.{jan.code}"]
    assert [entry["email"] for entry in mock_client_online.ledger()] == ["jan@seed.test"]


def test_contact_of_b_no_longer_synced_keeps_a_and_private_and_gets_no_new_credentials(
    supplier_user, mock_client_online
):
    a, b, p, q, p_private, q_private = seed_world(supplier_user)
    run_sync()
    ledger_before = mock_client_online.ledger()

    update_link(link=q.links.get(relation=b), actor=supplier_user, data={"sync_client_online": False})
    run_sync()

    assert as_sets(mock_client_online.state()) == desired_sets()
    q_id = f"supplier.{q.code}"
    assert {tuple(m) for m in mock_client_online.state()["memberships"] if m[0] == q_id} == {
        (q_id, f"supplier.{a.code}"),
        (q_id, f"supplier.{q_private.code}"),
    }
    assert mock_client_online.ledger() == ledger_before


def test_person_who_leaves_everything_is_removed_bottom_up(supplier_user, mock_client_online):
    a, b, p, q, p_private, q_private = seed_world(supplier_user)
    run_sync()
    ledger_before = mock_client_online.ledger()

    for link in q.links.all():
        update_link(link=link, actor=supplier_user, data={"sync_client_online": False})
    relation_update(relation=q_private, actor=supplier_user, data={"sync_client_online": False})
    run = run_sync()

    assert run.status == SyncRun.Status.DONE
    assert f"supplier.{q.code}" not in mock_client_online.state()["users"]
    assert as_sets(mock_client_online.state()) == desired_sets()
    assert mock_client_online.ledger() == ledger_before


def test_out_of_service_contact_loses_its_user_and_successor_gets_one(supplier_user, mock_client_online):
    company = RelationFactory(name="A B.V.", sync_client_online=True)
    leaving, successor = person("Lars Leaving", supplier_user), person("Sara Successor", supplier_user)
    for contact in (leaving, successor):
        link_contact(contact=contact, relation=company, actor=supplier_user, sync_client_online=True)
    run_sync()

    from django.utils import timezone

    mark_out_of_service(contact=leaving, successor=successor, effective_date=timezone.localdate(), actor=supplier_user)
    run_sync()

    assert set(mock_client_online.state()["users"]) == {f"supplier.{successor.code}"}
    assert len(mock_client_online.ledger()) == 2


def test_a_refused_operation_is_shown_and_the_rest_goes_on(supplier_user, mock_client_online):
    import httpx

    a = RelationFactory(name="A B.V.", sync_client_online=True)
    run_sync()
    # Someone removed A's client directly in Client Online: our rename is refused (404).
    httpx.delete(f"{mock_client_online.url}/api/clients/supplier.{a.code}")
    relation_update(relation=a, actor=supplier_user, data={"name": "A Holding B.V."})
    b = RelationFactory(name="B B.V.", sync_client_online=True)

    run = run_sync()

    assert run.status == SyncRun.Status.PARTIAL
    failure = SyncFailure.objects.get()
    assert (failure.kind, failure.status_code) == ("update_client", 404)
    assert f"supplier.{b.code}" in mock_client_online.state()["clients"]


def test_a_refused_membership_removal_holds_back_the_user_deletion(supplier_user, mock_client_online):
    company = RelationFactory(name="A B.V.", sync_client_online=True)
    leaving = person("Lars Leaving", supplier_user)
    link = link_contact(contact=leaving, relation=company, actor=supplier_user, sync_client_online=True)
    run_sync()
    user_id, client_id = f"supplier.{leaving.code}", f"supplier.{company.code}"
    # An earlier run had Client Online refuse removing Lars from A; staff have not retried it yet.
    SyncFailure.objects.create(kind="remove_membership", key=[user_id, client_id], error="refused", status_code=422)

    update_link(link=link, actor=supplier_user, data={"sync_client_online": False})
    run = run_sync()

    # Deleting Lars while the membership is still there would break the bottom-up order (Client
    # Online refuses it, 409): the deletion waits for the removal, and no second failure appears.
    assert (run.status, run.skipped, run.failed) == (SyncRun.Status.PARTIAL, 2, 0)
    assert user_id in mock_client_online.state()["users"]
    assert [failure.kind for failure in SyncFailure.objects.all()] == ["remove_membership"]


def test_an_interrupted_run_that_reached_client_online_does_not_resend_credentials(supplier_user, mock_client_online):
    import httpx

    jan = person("Jan Janssen", supplier_user)
    RelationFactory(name="J. Janssen", kind="person", person=jan, sync_client_online=True)
    # The user was created remotely but the acknowledgement was lost (worker killed).
    httpx.post(f"{mock_client_online.url}/api/users", json={"id": f"supplier.{jan.code}", "email": "x", "name": "x"})

    run = run_sync()

    assert run.status == SyncRun.Status.DONE
    assert as_sets(mock_client_online.state()) == desired_sets()
    assert len(mock_client_online.ledger()) == 1


def test_transient_errors_are_retried_until_the_state_converges(supplier_user, mock_client_online):
    seed_world(supplier_user)
    mock_client_online.faults(error_rate=0.3)

    for _ in range(10):
        run = run_sync(sleep=lambda seconds: None)
        if run.status == SyncRun.Status.DONE and not run.planned:
            break

    assert as_sets(mock_client_online.state()) == desired_sets()
    assert len(mock_client_online.ledger()) == 2


def test_sync_status_page_shows_state_and_failures(
    supplier_staff_client, in_supplier, supplier_user, mock_client_online
):
    relation = RelationFactory(name="A B.V.", sync_client_online=True)
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})

    # The page no longer plans (issue 17): it shows what the last run planned and did.
    before = supplier_staff_client.get("/sync/").content.decode()
    assert "Not synced yet" in before
    run_sync()
    after = supplier_staff_client.get("/sync/").content.decode()
    assert "In sync" in after
    relation_update(relation=relation, actor=supplier_user, data={"name": "A Holding B.V."})
    changed = supplier_staff_client.get("/sync/").content.decode()
    assert "Changes waiting for the next sync" in changed and "In sync" not in changed


def client_online_card(html: str) -> str:
    start = html.index("<h2>Client Online</h2>")
    return " ".join(html[start : html.index("</section>", start)].split())


def test_relation_and_contact_pages_show_what_client_online_holds(
    supplier_staff_client, in_supplier, supplier_user, mock_client_online
):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    a, b, p, q, p_private, q_private = seed_world(supplier_user)
    quiet = RelationFactory(name="Niet gekoppeld B.V.")

    waiting = client_online_card(supplier_staff_client.get(f"/relations/{a.pk}/").content.decode())
    run_sync()
    synced = client_online_card(supplier_staff_client.get(f"/relations/{a.pk}/").content.decode())
    person_card = client_online_card(supplier_staff_client.get(f"/contacts/{p.pk}/").content.decode())
    not_synced = client_online_card(supplier_staff_client.get(f"/relations/{quiet.pk}/").content.decode())
    SyncFailure.objects.create(kind="update_client", key=[f"supplier.{a.code}"], error="refused", status_code=404)
    refused = client_online_card(supplier_staff_client.get(f"/relations/{a.pk}/").content.decode())

    # One badge per card, for the record's one state (issue 18).
    assert all(card.count('class="badge') == 1 for card in (waiting, synced, person_card, not_synced, refused))
    assert "waiting for sync" in waiting and "not in Client Online" in waiting
    assert 'badge-ok">synced<' in synced and "present in Client Online" in synced
    assert "<dt>Memberships</dt><dd>2</dd>" in synced  # P and Q
    assert "<dt>Memberships</dt><dd>3</dd>" in person_card  # A, B and P's private client
    assert '"badge">not synced<' in not_synced  # not wanted, not there
    assert "refused by Client Online" in refused


def test_the_mock_refuses_requests_without_id_or_data(mock_client_online):
    import httpx

    assert httpx.post(f"{mock_client_online.url}/api/users", json={}).status_code == 400
    assert httpx.post(f"{mock_client_online.url}/api/clients", json={"id": "x"}).status_code == 400
    assert (
        httpx.post(
            f"{mock_client_online.url}/api/users",
            content=b'{"id": "u", "na',
            headers={"Content-Type": "application/json"},
        ).status_code
        == 400
    )
    assert mock_client_online.state()["users"] == {} and mock_client_online.ledger() == []
