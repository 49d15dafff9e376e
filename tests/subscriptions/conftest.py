from __future__ import annotations

from dataclasses import dataclass

import pytest

from relations.models import Relation
from subscriptions.services import bind_technical_setup
from tasks.models import Task
from tests.conftest import remove_committed_contractants
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory


@dataclass
class RelinkScenario:
    """Seed 000: Bakkerij Jansen restructured; its contractant must move to the new relation."""

    old: Relation
    new: Relation
    third: Relation
    open_tasks: list[Task]
    closed_task: Task
    shared_task: Task


@pytest.fixture
def scenario(supplier_user, alpha) -> RelinkScenario:
    old = RelationFactory(name="Bakkerij Jansen V.O.F.")
    new = RelationFactory(name="Jansen Brood & Banket B.V.")
    third = RelationFactory(name="Accountantskantoor Visser")
    old_subscription = SubscriptionFactory(relation=old)
    SubscriptionFactory(relation=new)
    bind_technical_setup(subscription=old_subscription, contractant=alpha, database="default", actor=supplier_user)
    open_tasks = [TaskFactory(relations=[old], subject=f"Open melding {n}") for n in range(3)]
    waiting = TaskFactory(relations=[old], status=Task.Status.WAITING, subject="Wacht op klant")
    closed = TaskFactory(relations=[old], status=Task.Status.CLOSED, subject="Afgehandelde melding")
    shared = TaskFactory(relations=[old, third], subject="Gedeelde melding")
    TaskFactory(relations=[third], subject="Melding van Visser")
    return RelinkScenario(old, new, third, [*open_tasks, waiting, shared], closed, shared)


@dataclass
class ConcurrentWorld:
    supplier: object
    customer: object
    old: Relation
    new: Relation
    other: Relation

    def assert_bound_once_to(self, relation: Relation) -> None:
        from django.db import connection

        from subscriptions.models import TechnicalSetup
        from tasks.models import TaskLink
        from tenants.models import ContractantBinding

        connection.set_tenant(self.supplier)
        setups = list(TechnicalSetup.objects.filter(contractant=self.customer))
        assert [setup.subscription.relation_id for setup in setups] == [relation.pk]
        assert ContractantBinding.objects.get(bound_contractant=self.customer).relation_id == relation.pk
        open_links = TaskLink.objects.exclude(task__status="closed")
        per_task = {}
        for task_id, relation_id in open_links.values_list("task_id", "relation_id"):
            per_task.setdefault(task_id, []).append(relation_id)
        assert per_task and all(relations == [relation.pk] for relations in per_task.values())


@pytest.fixture
def concurrent_relink_world(django_db_blocker):
    """Committed data in throw-away contractants, so two connections can see it; removed afterwards."""
    from django.db import connection

    from tenants.services import provision_contractant

    with django_db_blocker.unblock():
        supplier = provision_contractant(
            name="Race supplier",
            schema_name="race_supplier",
            domain="race-supplier.localhost",
            admin_email="race@supplier.test",
            admin_password="Race-wachtwoord-2026",
            role="supplier",
        )
        customer = provision_contractant(
            name="Race customer",
            schema_name="race_customer",
            domain="race-customer.localhost",
            admin_email="race@customer.test",
            admin_password="Race-wachtwoord-2026",
        )
        connection.set_tenant(supplier)
        old, new, other = (RelationFactory(name=name) for name in ["Oud B.V.", "Nieuw B.V.", "Ander B.V."])
        old_subscription = SubscriptionFactory(relation=old)
        SubscriptionFactory(relation=new)
        SubscriptionFactory(relation=other)
        bind_technical_setup(subscription=old_subscription, contractant=customer, database="default", actor=None)
        for n in range(5):
            TaskFactory(relations=[old], subject=f"Race melding {n}")
        connection.set_schema_to_public()
        try:
            yield ConcurrentWorld(supplier, customer, old, new, other)
        finally:
            remove_committed_contractants(["race_supplier", "race_customer"])
