"""The one module allowed to cross schema boundaries.

Every `schema_context` / `tenant_context` call in application code lives here, as a
named function that says exactly what it reads or writes in which schema, so tenant
isolation has one place to audit (DESIGN.md, Tenancy). tests/test_isolation.py greps
the code base to keep it that way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context

from tenants.models import ContractantBinding

T = TypeVar("T")


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
class HeldBinding:
    """What contractant X may know of the binding that makes its supplier hold it (rule 3)."""

    supplier_name: str
    relation_name: str


def read_for_bound_relation(contractant, read: Callable[[int], T]) -> tuple[HeldBinding, T] | None:
    """Run `read(relation_id)` in the schema of the supplier whose relation binds `contractant`,
    for that one relation the public registry names; None when nothing binds it.

    `read` must return plain values (no model instances or querysets, which would be read later
    on whatever schema the connection is on then).
    """
    binding = ContractantBinding.objects.select_related("holder").filter(bound_contractant=contractant).first()
    if binding is None:
        return None
    with schema_context(binding.holder.schema_name):
        found = read(binding.relation_id)
    held = HeldBinding(supplier_name=binding.holder.name, relation_name=binding.relation_name)
    return held, found


def run_in_schema(schema_name: str, work: Callable[[], T]) -> T:
    """Run `work()` in one contractant's schema: for set-up commands (demo seeding), never for
    a request, which always runs in its own host's schema."""
    with schema_context(schema_name):
        return work()
