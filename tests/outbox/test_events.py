"""Each service that changes what a receiver cares about records one event in its own
transaction: a rollback takes the event with it, and listeners hear of it only after commit."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from contacts.services.contacts import create_contact
from contacts.services.out_of_service import mark_out_of_service
from outbox import hooks
from outbox.models import Event
from outbox.services import event_record
from subscriptions.relink import relink
from subscriptions.services import bind_technical_setup
from tasks.models import Task
from tasks.services import task_change_status, task_create, task_update
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory


def kinds() -> list[str]:
    return list(Event.objects.order_by("pk").values_list("kind", flat=True))


def test_creating_a_task_records_task_created_with_ids_and_without_the_description(supplier_user):
    relation = RelationFactory()
    task = task_create(
        actor=supplier_user, subject="Printer stuk", description="Geheim wachtwoord 1234", relations=[relation]
    )

    event = Event.objects.get()
    assert event.kind == "task.created"
    assert event.payload["task_id"] == task.pk
    assert event.payload["subject"] == "Printer stuk"
    assert event.payload["relation_ids"] == [relation.pk]
    assert "Geheim" not in str(event.payload)


def test_editing_and_closing_a_task_record_updated_then_closed(supplier_user):
    task = TaskFactory(subject="Oud")

    task_update(task=task, actor=supplier_user, data={"subject": "Nieuw"})
    task_update(task=task, actor=supplier_user, data={"subject": "Nieuw"})  # nothing changed: no event
    task_change_status(task=task, status=Task.Status.WAITING, actor=supplier_user)
    task_change_status(task=task, status=Task.Status.CLOSED, actor=supplier_user)

    assert kinds() == ["task.updated", "task.updated", "task.closed"]
    first, _waiting, closed = Event.objects.order_by("pk")
    assert first.payload["changed"] == ["subject"] and first.payload["subject"] == "Nieuw"
    assert closed.payload["status"] == "closed" and closed.payload["closed_at"]


def test_a_relink_records_one_event_with_the_moved_task_count(supplier_user, alpha):
    old, new = RelationFactory(), RelationFactory()
    subscription = SubscriptionFactory(relation=old)
    SubscriptionFactory(relation=new)
    bind_technical_setup(subscription=subscription, contractant=alpha, database="default", actor=supplier_user)
    TaskFactory.create_batch(3, relations=[old])
    TaskFactory(relations=[old], status=Task.Status.CLOSED)
    Event.objects.all().delete()

    relink(from_relation=old, to_relation=new, actor=supplier_user)

    event = Event.objects.get()
    assert event.kind == "relation.relinked"
    assert event.payload["from_relation_id"] == old.pk and event.payload["to_relation_id"] == new.pk
    assert event.payload["moved_task_count"] == 3


def test_a_contact_going_out_of_service_records_it_when_it_takes_effect(supplier_user):
    leaving = create_contact(actor=supplier_user, first_name="Vera", last_name="Vertrek", email="vera@o.test")
    successor = create_contact(actor=supplier_user, first_name="Sam", last_name="Opvolger", email="sam@o.test")
    later = create_contact(actor=supplier_user, first_name="Lot", last_name="Later", email="lot@o.test")

    mark_out_of_service(contact=leaving, successor=successor, effective_date=datetime.date.today(), actor=supplier_user)
    mark_out_of_service(
        contact=later,
        successor=successor,
        effective_date=datetime.date.today() + datetime.timedelta(days=7),
        actor=supplier_user,
    )

    event = Event.objects.get(kind="contact.out_of_service")
    assert event.payload == {"contact_id": leaving.pk, "successor_id": successor.pk}


def test_a_rolled_back_write_leaves_no_event(supplier_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        task_create(actor=supplier_user, subject="Verdwijnt")
        raise RuntimeError("the write fails after the event was recorded")

    assert not Event.objects.exists()
    assert not Task.objects.filter(subject="Verdwijnt").exists()


def test_listeners_hear_of_an_event_after_commit_only(in_supplier, django_capture_on_commit_callbacks, monkeypatch):
    heard: list[tuple[str, int]] = []
    monkeypatch.setattr(hooks, "_listeners", [lambda schema, pk: heard.append((schema, pk))])

    with django_capture_on_commit_callbacks(execute=True):
        event = event_record(kind="task.created", payload={"task_id": 1})
        assert heard == []

    assert heard == [("supplier", event.pk)]


def test_a_payload_that_is_not_json_is_refused_at_once(in_supplier):
    with pytest.raises(TypeError):
        event_record(kind="task.created", payload={"task": object()})
    with pytest.raises(ValueError):
        event_record(kind="", payload={})
