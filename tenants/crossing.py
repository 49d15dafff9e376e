"""The one module allowed to cross schema boundaries.

Every `schema_context` / `tenant_context` call in application code lives here, as a
named function that says exactly what it reads or writes in which schema, so tenant
isolation has one place to audit (DESIGN.md, Tenancy). tests/test_isolation.py greps
the code base to keep it that way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context

from tenants.models import ContractantBinding


def pending_template_migrations(template_schema: str) -> list:
    """Migrations not yet applied to the template schema new contractants are cloned from."""
    with schema_context(template_schema):
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())


def create_first_staff_user(*, schema_name: str, email: str, password: str):
    """Create the first staff user (a staff administrator) inside a new contractant's schema."""
    with schema_context(schema_name):
        return get_user_model().objects.create_user(
            username=email, email=email, password=password, is_staff=True, is_superuser=True
        )


@dataclass(frozen=True)
class SupportTaskView:
    """What contractant X may see of the tasks its supplier holds for it (rule 3)."""

    supplier_name: str
    relation_name: str
    tasks: list[dict]
    total: int


def support_tasks_for(contractant, *, only_open: bool = False, offset: int = 0, limit: int = 50):
    """The tasks the supplier holding contractant's binding has linked to the bound relation.

    Returns None when nothing binds the contractant. Only plain values leave the supplier's
    schema, and only for the one relation the public registry names.
    """
    from tasks.models import Task

    binding = ContractantBinding.objects.select_related("holder").filter(bound_contractant=contractant).first()
    if binding is None:
        return None
    with schema_context(binding.holder.schema_name):
        tasks = Task.objects.filter(links__relation_id=binding.relation_id)
        if only_open:
            tasks = tasks.exclude(status=Task.Status.CLOSED)
        total = tasks.count()
        rows = list(
            tasks.order_by("-created_at", "-pk").values(
                "pk", "subject", "status", "priority", "created_at", "updated_at"
            )[offset : offset + limit]
        )
    for row in rows:
        row["status_label"] = Task.Status(row["status"]).label
    return SupportTaskView(
        supplier_name=binding.holder.name, relation_name=binding.relation_name, tasks=rows, total=total
    )


def seed_supplier_demo(*, supplier_schema: str, actor_email: str, customers: list) -> bool:
    """Demo relations, bindings and tasks inside the supplier's schema (manage.py seed_demo)."""
    from relations.demo import seed_supplier_demo as seed

    with schema_context(supplier_schema):
        return seed(actor_email=actor_email, customers={c.schema_name: c for c in customers})
