"""What lands in the security log: logins, refused logins, relinks, membership decisions and
out-of-service changes, each with who, from where and what.

Summaries are written in the site language (Dutch once translated), so these tests look for the
names in them, not for the wording."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from audit.models import SecurityEvent
from audit.services import record_login_failed, record_security_event
from contacts.services.out_of_service import apply_due_out_of_service, cancel_out_of_service, mark_out_of_service
from portal.services import decide_membership, request_membership
from subscriptions import relink as relink_services
from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import ContactFactory, RelationFactory, SubscriptionFactory
from tests.portal.conftest import PORTAL_PASSWORD

Kind = SecurityEvent.Kind
OUTSIDE_ADDRESS = "203.0.113.9"


def events(kind: str | None = None) -> list[SecurityEvent]:
    rows = SecurityEvent.objects.all()
    return list(rows.filter(kind=kind) if kind else rows)


# --- Logins -------------------------------------------------------------------------------------


def test_staff_login_records_the_user_and_the_address(supplier):
    client = client_for(SUPPLIER)

    response = client.post(
        "/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD}, REMOTE_ADDR=OUTSIDE_ADDRESS
    )

    assert response.status_code == 302
    connection.set_tenant(supplier)
    [event] = events()
    assert (event.kind, event.actor_label, event.ip_address) == (
        Kind.STAFF_LOGIN,
        SUPPLIER.staff_email,
        OUTSIDE_ADDRESS,
    )
    assert event.actor.username == SUPPLIER.staff_email
    assert abs(event.occurred_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_portal_login_records_a_portal_login(stranger):
    client = client_for(SUPPLIER)

    response = client.post(
        "/portal/login/", {"username": stranger.email, "password": PORTAL_PASSWORD}, REMOTE_ADDR=OUTSIDE_ADDRESS
    )

    assert response.status_code == 302
    [event] = events()
    assert (event.kind, event.actor_id, event.ip_address) == (Kind.PORTAL_LOGIN, stranger.user_id, OUTSIDE_ADDRESS)


def test_a_wrong_staff_password_records_the_name_as_typed_and_no_actor(supplier):
    client = client_for(SUPPLIER)

    response = client.post("/login/", {"username": "Raden@Brightsoft.test", "password": "fout"}, REMOTE_ADDR="::1")

    assert response.status_code == 200
    connection.set_tenant(supplier)
    [event] = events()
    assert (event.kind, event.actor, event.actor_label, event.ip_address) == (
        Kind.STAFF_LOGIN_FAILED,
        None,
        "Raden@Brightsoft.test",
        "::1",
    )


def test_a_wrong_portal_password_records_a_failed_portal_login(stranger):
    client = client_for(SUPPLIER)

    client.post("/portal/login/", {"username": stranger.email, "password": "Niet-het-wachtwoord-1"})

    [event] = events()
    assert (event.kind, event.actor, event.actor_label) == (Kind.PORTAL_LOGIN_FAILED, None, stranger.email)


def test_a_staff_account_at_the_portal_door_is_recorded_as_a_failed_portal_login(supplier):
    client = client_for(SUPPLIER)

    response = client.post("/portal/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD})

    assert response.status_code == 200 and "_auth_user_id" not in client.session
    connection.set_tenant(supplier)
    [event] = events()
    assert (event.kind, event.actor, event.actor_label) == (Kind.PORTAL_LOGIN_FAILED, None, SUPPLIER.staff_email)


def test_a_portal_account_at_the_staff_door_is_recorded_as_a_failed_staff_login(stranger):
    client = client_for(SUPPLIER)

    response = client.post("/login/", {"username": stranger.email, "password": PORTAL_PASSWORD})

    assert response.status_code == 200 and "_auth_user_id" not in client.session
    [event] = events()
    assert (event.kind, event.actor, event.actor_label) == (Kind.STAFF_LOGIN_FAILED, None, stranger.email)


def test_the_lockout_after_repeated_failures_is_recorded(supplier):
    client = client_for(SUPPLIER)
    for _ in range(5):
        client.post("/login/", {"username": SUPPLIER.staff_email, "password": "raden"})

    response = client.post("/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD})

    assert response.status_code == 429
    connection.set_tenant(supplier)
    assert len(events(Kind.STAFF_LOGIN_FAILED)) >= 5
    assert events(Kind.LOCKED_OUT)
    assert {event.actor_label for event in events(Kind.LOCKED_OUT)} == {SUPPLIER.staff_email}
    assert not events(Kind.STAFF_LOGIN)


def test_a_typed_name_loses_nul_bytes_and_is_capped(in_supplier):
    request = RequestFactory().post("/login/", REMOTE_ADDR="198.51.100.4")

    event = record_login_failed(request=request, username="x\x00y" + "z" * 500)

    event.refresh_from_db()
    assert event.actor_label == "xy" + "z" * 148
    assert event.ip_address == "198.51.100.4"


def test_logins_of_one_contractant_stay_in_its_own_log(supplier, alpha):
    client_for(ALPHA).post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})

    connection.set_tenant(alpha)
    assert [event.actor_label for event in events()] == [ALPHA.staff_email]
    connection.set_tenant(supplier)
    assert events() == []


def test_the_platform_admin_host_records_nothing_and_still_works(db):
    response = client_for("localhost").post("/admin/login/", {"username": "admin", "password": "fout"})

    assert response.status_code == 200
    assert connection.schema_name == "public"
    assert record_security_event(kind=Kind.STAFF_LOGIN_FAILED, summary="Staff login failed.") is None


# --- Relink -------------------------------------------------------------------------------------


def test_relink_and_its_undo_are_recorded_naming_both_relations(scenario, supplier_user, alpha):
    result = relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)
    relink_services.relink_undo(record=result.record, actor=supplier_user)

    undone, relinked = events()
    assert (relinked.kind, undone.kind) == (Kind.RELINK, Kind.RELINK_UNDONE)
    for event in (relinked, undone):
        assert event.actor == supplier_user
        assert scenario.old.name in event.summary and scenario.new.name in event.summary
        assert alpha.name in event.summary
    assert relinked.object_url == f"/relations/{scenario.new.pk}/history/"
    assert undone.object_url == f"/relations/{scenario.old.pk}/history/"


def test_a_relink_through_the_wizard_records_the_staff_members_address(scenario, supplier_staff_client):
    url = f"/relations/{scenario.old.pk}/relink/"

    supplier_staff_client.post(url, {"to": scenario.new.pk}, REMOTE_ADDR=OUTSIDE_ADDRESS)

    [event] = events(Kind.RELINK)
    assert (event.actor.email, event.ip_address) == (SUPPLIER.staff_email, OUTSIDE_ADDRESS)


def test_a_change_made_outside_a_web_request_records_no_address(scenario, supplier_user):
    relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)

    [event] = events(Kind.RELINK)
    assert event.ip_address is None


def test_a_refused_relink_records_nothing(scenario, supplier_user):
    inactive = RelationFactory(is_active=False)
    SubscriptionFactory(relation=inactive)

    with pytest.raises(ValidationError):
        relink_services.relink(from_relation=scenario.old, to_relation=inactive, actor=supplier_user)

    assert events() == []


# --- Memberships --------------------------------------------------------------------------------


@pytest.fixture
def membership_request(stranger, org_admin, bakkerij):
    return request_membership(
        contact=stranger, customer_number="K1001", coc_number="12345678", actor=stranger.user, client_address=None
    )


def test_approving_a_membership_is_recorded(membership_request, stranger, org_admin, bakkerij):
    decide_membership(
        link=membership_request, approve=True, support_access="own", decided_by=org_admin, actor=org_admin.user
    )

    [event] = events()
    assert (event.kind, event.actor_id) == (Kind.MEMBERSHIP_APPROVED, org_admin.user_id)
    for name in (org_admin.full_name, stranger.full_name, bakkerij.name):
        assert name in event.summary
    assert event.object_url == f"/contacts/{stranger.pk}/"


def test_rejecting_a_membership_is_recorded(membership_request, stranger, org_admin):
    decide_membership(
        link=membership_request, approve=False, support_access="none", decided_by=org_admin, actor=org_admin.user
    )

    [event] = events()
    assert event.kind == Kind.MEMBERSHIP_REJECTED
    assert stranger.full_name in event.summary


# --- Out of service -----------------------------------------------------------------------------


@pytest.fixture
def els_and_tom(in_supplier):
    return ContactFactory(first_name="Els", last_name="de Boer"), ContactFactory(first_name="Tom", last_name="Visser")


def test_out_of_service_today_is_recorded_as_applied(els_and_tom, supplier_user):
    els, tom = els_and_tom

    mark_out_of_service(contact=els, successor=tom, effective_date=timezone.localdate(), actor=supplier_user)

    [event] = events()
    assert (event.kind, event.actor, event.object_label) == (Kind.OUT_OF_SERVICE_APPLIED, supplier_user, "Els de Boer")
    assert "Tom Visser" in event.summary
    assert event.object_url == f"/contacts/{els.pk}/"


def test_a_scheduled_out_of_service_is_recorded_and_the_due_job_records_it_as_the_system(els_and_tom, supplier_user):
    els, tom = els_and_tom
    later = timezone.localdate() + datetime.timedelta(days=7)

    mark_out_of_service(contact=els, successor=tom, effective_date=later, actor=supplier_user)
    apply_due_out_of_service(today=later)

    applied, scheduled = events()
    assert (scheduled.kind, scheduled.actor) == (Kind.OUT_OF_SERVICE_SCHEDULED, supplier_user)
    assert later.strftime("%d-%m-%Y") in scheduled.summary
    assert (applied.kind, applied.actor, applied.actor_label) == (Kind.OUT_OF_SERVICE_APPLIED, None, "")
    assert "Els de Boer" in applied.summary and "Tom Visser" in applied.summary


def test_cancelling_a_scheduled_out_of_service_is_recorded(els_and_tom, supplier_user):
    els, tom = els_and_tom
    mark_out_of_service(
        contact=els,
        successor=tom,
        effective_date=timezone.localdate() + datetime.timedelta(days=3),
        actor=supplier_user,
    )

    cancel_out_of_service(contact=els, actor=supplier_user)

    assert [event.kind for event in events()] == [Kind.OUT_OF_SERVICE_CANCELLED, Kind.OUT_OF_SERVICE_SCHEDULED]
    assert "Tom Visser" in events()[0].summary


# --- Append-only --------------------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted_one_by_one(supplier_user):
    event = record_security_event(kind=Kind.STAFF_LOGIN, summary="Logged in.", actor=supplier_user)

    event.summary = "Nothing happened."
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert SecurityEvent.objects.get(pk=event.pk).summary == "Logged in."
