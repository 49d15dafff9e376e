"""Out of service (uitdienst): the successor takes over the open tasks; roles and portal login go."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from contacts.models import Contact, ContactLink
from contacts.services.out_of_service import apply_due_out_of_service, mark_out_of_service
from contacts.tasks import apply_due_out_of_service_task
from tasks.models import Task
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory, TaskFactory

PORTAL_PASSWORD = "Portaal-wachtwoord-2026"


@dataclass
class Leaver:
    """Els de Boer leaves; Tom Visser takes over. Els has a portal login and roles at two relations."""

    els: Contact
    tom: Contact
    open_tasks: list[Task]
    closed_task: Task
    admin_link: ContactLink
    approver_link: ContactLink

    def reporters(self) -> dict[int, int]:
        tasks = Task.objects.filter(pk__in=[task.pk for task in [*self.open_tasks, self.closed_task]])
        return dict(tasks.values_list("pk", "reporter_id"))

    def can_log_in(self) -> bool:
        request = RequestFactory().post("/login/")
        return authenticate(request, username="els@boer.test", password=PORTAL_PASSWORD) is not None

    def assert_nothing_changed(self, status: str = Contact.Status.ACTIVE) -> None:
        els = Contact.objects.get(pk=self.els.pk)
        assert (els.status, els.successor, els.out_of_service_on, els.out_of_service_applied_at) == (
            status,
            None,
            None,
            None,
        )
        assert set(self.reporters().values()) == {self.els.pk}
        self.admin_link.refresh_from_db()
        self.approver_link.refresh_from_db()
        assert (self.admin_link.is_admin, self.approver_link.is_approver) == (True, True)
        assert get_user_model().objects.get(pk=els.user_id).is_active
        assert self.can_log_in()


@pytest.fixture
def leaver(in_supplier) -> Leaver:
    user = get_user_model().objects.create_user(
        username="els@boer.test", email="els@boer.test", password=PORTAL_PASSWORD
    )
    els = ContactFactory(first_name="Els", last_name="de Boer", email="els@boer.test", user=user)
    tom = ContactFactory(first_name="Tom", last_name="Visser", email="tom@boer.test")
    admin_link = ContactLinkFactory(contact=els, relation=RelationFactory(name="Bakkerij De Boer"), is_admin=True)
    approver_link = ContactLinkFactory(
        contact=els, relation=RelationFactory(name="Visser Accountants"), is_approver=True
    )
    open_tasks = [
        TaskFactory(reporter=els, subject="Loonstrook klopt niet"),
        TaskFactory(reporter=els, subject="Wacht op de klant", status=Task.Status.WAITING),
        TaskFactory(reporter=els, subject="Nieuwe vraag", status=Task.Status.NEW),
    ]
    closed_task = TaskFactory(reporter=els, subject="Afgehandelde vraag", status=Task.Status.CLOSED)
    TaskFactory(reporter=tom, subject="Eigen vraag van Tom")
    return Leaver(els, tom, open_tasks, closed_task, admin_link, approver_link)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# --- Today: at once ---------------------------------------------------------------------


def test_out_of_service_today_moves_the_open_tasks_to_the_successor(leaver, supplier_user):
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    reporters = leaver.reporters()
    assert [reporters[task.pk] for task in leaver.open_tasks] == [leaver.tom.pk] * 3
    assert reporters[leaver.closed_task.pk] == leaver.els.pk


def test_the_moved_tasks_history_names_the_actor(leaver, supplier_user):
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    changes = Task.history.filter(history_change_reason="out_of_service")
    assert sorted(changes.values_list("id", "reporter_id", "history_user_id")) == sorted(
        (task.pk, leaver.tom.pk, supplier_user.pk) for task in leaver.open_tasks
    )


def test_out_of_service_today_removes_admin_and_approver_roles(leaver, supplier_user):
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    roles = set(ContactLink.objects.filter(contact=leaver.els).values_list("is_admin", "is_approver"))
    assert roles == {(False, False)}
    assert ContactLink.objects.filter(contact=leaver.els).count() == 2


def test_out_of_service_today_switches_off_the_portal_login(leaver, supplier_user):
    assert leaver.can_log_in()

    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    assert not get_user_model().objects.get(username="els@boer.test").is_active
    assert not leaver.can_log_in()


def test_out_of_service_today_sets_the_status_and_successor(leaver, supplier_user):
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    els = Contact.objects.get(pk=leaver.els.pk)
    assert (els.status, els.successor, els.out_of_service_on) == ("out_of_service", leaver.tom, in_days(0))
    assert els.out_of_service_applied_at is not None
    assert els.history.latest().history_user == supplier_user


# --- Refusals ---------------------------------------------------------------------------


def test_the_contact_cannot_be_its_own_successor(leaver, supplier_user):
    with pytest.raises(ValidationError) as refused:
        mark_out_of_service(contact=leaver.els, successor=leaver.els, effective_date=in_days(0), actor=supplier_user)

    assert refused.value.messages == ["The successor must be someone else."]
    leaver.assert_nothing_changed()


def test_a_successor_who_is_out_of_service_is_refused(leaver, supplier_user):
    Contact.objects.filter(pk=leaver.tom.pk).update(status=Contact.Status.OUT_OF_SERVICE)
    leaver.tom.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    assert refused.value.messages == ["Tom Visser is not an active contact and cannot take over."]
    leaver.assert_nothing_changed()


def test_a_successor_who_is_about_to_leave_is_refused(leaver, supplier_user):
    mark_out_of_service(contact=leaver.tom, successor=ContactFactory(), effective_date=in_days(30), actor=supplier_user)
    leaver.tom.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    assert refused.value.messages == ["Tom Visser is not an active contact and cannot take over."]
    leaver.assert_nothing_changed()


def test_a_successor_from_another_contractant_is_refused(leaver, supplier_user, supplier, alpha):
    # Schemas share primary keys: the stranger has the same id as a contact here, but not its code.
    namesake_here = ContactFactory(first_name="Piet", last_name="Hier")
    connection.set_tenant(alpha)
    stranger = ContactFactory(pk=namesake_here.pk, first_name="Piet", last_name="Elders", email="piet@alpha.test")
    connection.set_tenant(supplier)

    with pytest.raises(ValidationError) as refused:
        mark_out_of_service(contact=leaver.els, successor=stranger, effective_date=in_days(0), actor=supplier_user)

    assert refused.value.messages == ["The successor must be a contact of this environment."]
    leaver.assert_nothing_changed()
    assert not Task.objects.filter(reporter_id=namesake_here.pk).exists()


def test_a_contact_already_out_of_service_is_refused(leaver, supplier_user):
    Contact.objects.filter(pk=leaver.els.pk).update(status=Contact.Status.OUT_OF_SERVICE)
    leaver.els.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(0), actor=supplier_user)

    assert refused.value.messages == ["Els de Boer is already out of service or inactive."]
    leaver.assert_nothing_changed(status=Contact.Status.OUT_OF_SERVICE)


# --- A future date: scheduled, applied once by the beat job -----------------------------


def test_a_future_date_only_schedules(leaver, supplier_user):
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(7), actor=supplier_user)

    els = Contact.objects.get(pk=leaver.els.pk)
    assert (els.status, els.successor, els.out_of_service_on) == ("active", leaver.tom, in_days(7))
    assert set(leaver.reporters().values()) == {leaver.els.pk}
    assert leaver.can_log_in()
    assert apply_due_out_of_service(today=in_days(6)) == 0
    assert set(leaver.reporters().values()) == {leaver.els.pk}


def test_the_scheduled_out_of_service_is_applied_on_its_date_exactly_once(leaver, supplier_user):
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(7), actor=supplier_user)

    first = apply_due_out_of_service(today=in_days(7))
    second = apply_due_out_of_service(today=in_days(8))

    assert (first, second) == (1, 0)
    assert Contact.objects.get(pk=leaver.els.pk).status == "out_of_service"
    assert set(Task.objects.filter(pk__in=[t.pk for t in leaver.open_tasks]).values_list("reporter_id", flat=True)) == {
        leaver.tom.pk
    }
    assert Task.history.filter(history_change_reason="out_of_service").count() == 3
    assert not leaver.can_log_in()


def test_a_scheduled_hand_over_never_gives_tasks_to_a_successor_who_left_meanwhile(leaver, supplier_user):
    anna = ContactFactory(first_name="Anna", last_name="Smit")
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(7), actor=supplier_user)
    # Refusing Tom's leave while he is still to take over from Els would be a fine answer too.
    with contextlib.suppress(ValidationError):
        mark_out_of_service(contact=leaver.tom, successor=anna, effective_date=in_days(0), actor=supplier_user)

    apply_due_out_of_service(today=in_days(7))

    reporters = Contact.objects.filter(reported_tasks__in=leaver.open_tasks).distinct()
    assert {(contact.full_name, contact.status) for contact in reporters} <= {
        (name, "active") for name in ["Els de Boer", "Tom Visser", "Anna Smit"]
    }


def test_the_celery_task_refuses_to_run_in_another_schema(leaver):
    with pytest.raises(RuntimeError, match="expected schema 'other_schema', running in 'supplier'"):
        apply_due_out_of_service_task.run("other_schema")


def test_the_celery_task_applies_what_is_due_in_its_own_schema(leaver, supplier_user):
    mark_out_of_service(contact=leaver.els, successor=leaver.tom, effective_date=in_days(7), actor=supplier_user)
    Contact.objects.filter(pk=leaver.els.pk).update(out_of_service_on=in_days(-1))

    assert apply_due_out_of_service_task.run("supplier") == 1
    assert Contact.objects.get(pk=leaver.els.pk).status == "out_of_service"


# --- The staff page ---------------------------------------------------------------------


def test_page_shows_the_tasks_that_will_move_before_confirming(client_en, leaver):
    els, tom = leaver.els, leaver.tom

    response = client_en.get(f"/contacts/{els.pk}/out-of-service/?successor={tom.pk}&effective_date={in_days(0)}")

    page = response.content.decode()
    for task in leaver.open_tasks:
        assert f"<li>#{task.pk} {task.subject}</li>" in page
    assert "Afgehandelde vraag" not in page
    assert "Bakkerij De Boer (administrator)" in page and "Visser Accountants (approver)" in page
    assert "is switched off" in page
    assert "Put out of service now" in page
    leaver.assert_nothing_changed()


def test_page_confirm_applies_the_out_of_service(client_en, leaver):
    els, tom = leaver.els, leaver.tom

    response = client_en.post(
        f"/contacts/{els.pk}/out-of-service/",
        {"successor": tom.pk, "effective_date": in_days(0).isoformat(), "confirm": "1"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/contacts/{els.pk}/", 302)]
    assert "Els de Boer is out of service; Tom Visser took over 3 open task(s)." in response.content.decode()
    assert set(leaver.reporters().values()) == {tom.pk, els.pk}
    assert Contact.objects.get(pk=els.pk).status == "out_of_service"
    assert not leaver.can_log_in()


def test_page_with_a_future_date_schedules_and_can_be_cancelled(client_en, leaver):
    els, tom = leaver.els, leaver.tom
    date = in_days(10)

    scheduled = client_en.post(
        f"/contacts/{els.pk}/out-of-service/",
        {"successor": tom.pk, "effective_date": date.isoformat(), "confirm": "1"},
        follow=True,
    ).content.decode()
    assert f"Els de Boer goes out of service on {date:%d-%m-%Y}; Tom Visser takes over then." in scheduled

    cancelled = client_en.post(f"/contacts/{els.pk}/out-of-service/cancel/", follow=True).content.decode()

    assert "The scheduled out-of-service was cancelled." in cancelled
    assert apply_due_out_of_service(today=date) == 0
    leaver.assert_nothing_changed()


def test_page_refuses_the_contact_as_its_own_successor(client_en, leaver):
    els = leaver.els

    response = client_en.post(
        f"/contacts/{els.pk}/out-of-service/",
        {"successor": els.pk, "effective_date": in_days(0).isoformat(), "confirm": "1"},
    )

    assert response.status_code == 200
    assert "The successor must be someone else." in response.content.decode()
    leaver.assert_nothing_changed()


def test_page_without_a_successor_asks_for_one(client_en, leaver):
    els = leaver.els

    response = client_en.post(
        f"/contacts/{els.pk}/out-of-service/", {"effective_date": in_days(0).isoformat(), "confirm": "1"}
    )

    assert "Choose who takes over." in response.content.decode()
    leaver.assert_nothing_changed()
