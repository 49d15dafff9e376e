"""`manage.py migrate_all`: only the schemas behind the code are migrated, in parallel, and a
failure names its schema (tenants.migrating, issue 17).

These tests commit: the migrations run in forked processes that only see committed schemas.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tenants.models import Contractant
from tenants.services import provision_contractant
from tests.conftest import remove_committed_contractants

BEHIND = "mig_behind"
CURRENT = "mig_current"


def search_migrations(schema_name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM \"{schema_name}\".django_migrations WHERE app = 'search' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


def last_migration_id(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT max(id) FROM "{schema_name}".django_migrations')
        return cursor.fetchone()[0]


def unapply_search(schema_name: str) -> None:
    call_command(
        "migrate_schemas",
        schema_name=schema_name,
        app_label="search",
        migration_name="zero",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


@pytest.fixture
def two_schemas(django_db_blocker):
    with django_db_blocker.unblock():
        for schema_name in (BEHIND, CURRENT):
            provision_contractant(
                name=f"Migrate {schema_name}",
                schema_name=schema_name,
                domain=f"{schema_name.replace('_', '-')}.localhost",
                admin_email=f"staff@{schema_name.replace('_', '-')}.test",
                admin_password="Migreer-wachtwoord-2026",
            )
        connection.set_schema_to_public()
        try:
            yield
        finally:
            remove_committed_contractants([BEHIND, CURRENT])


def run_migrate_all() -> str:
    out = StringIO()
    call_command("migrate_all", stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def test_migrate_all_migrates_the_schema_behind_and_skips_the_others(django_db_blocker, two_schemas):
    with django_db_blocker.unblock():
        applied = search_migrations(CURRENT)
        assert applied, "the search app has migrations to take back"
        unapply_search(BEHIND)
        assert search_migrations(BEHIND) == []
        untouched_since = last_migration_id(CURRENT)
        others = Contractant.objects.exclude(schema_name="public").count() - 1

        output = run_migrate_all()

        assert f"template schema up to date; contractant schemas: {others} up to date, 1 migrated." in output
        assert search_migrations(BEHIND) == applied
        assert last_migration_id(CURRENT) == untouched_since

        # Nothing left to do: a second run migrates no schema at all.
        assert f"{others + 1} up to date, 0 migrated." in run_migrate_all()


def test_a_failing_schema_fails_the_command_and_is_named(django_db_blocker, two_schemas):
    from tenants.management.commands.migrate_all import Command

    with django_db_blocker.unblock():
        unapply_search(BEHIND)
        unapply_search(CURRENT)
        # A schema that drifted from the code: the table the search indexes go on is gone.
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{BEHIND}".tasks_task RENAME TO tasks_task_gone')

        with pytest.raises(CommandError) as failure:
            run_migrate_all()

        assert f"Migrations failed in 1 schema(s): {BEHIND}: " in str(failure.value)
        assert "tasks_task" in str(failure.value)
        # The other schema behind the code was still migrated; the broken one kept its state.
        assert search_migrations(CURRENT) != []
        assert search_migrations(BEHIND) == []

        # From the command line the failure is an exit status, not a line lost in the output.
        err = StringIO()
        with pytest.raises(SystemExit) as exit_status:
            Command(stdout=StringIO(), stderr=err).run_from_argv(["manage.py", "migrate_all", "--verbosity", "0"])
        assert exit_status.value.code != 0
        assert BEHIND in err.getvalue()


def test_the_table_list_migrate_reads_is_the_schemas_own_and_the_same_as_djangos(db, alpha):
    """config/postgresql narrows Django's table list to the search path (fast at 1,000 schemas);
    the answer must stay exactly Django's."""
    from django.db.backends.postgresql.introspection import DatabaseIntrospection as DjangoIntrospection
    from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospectionSearchPathContext

    for schema_name in (alpha.schema_name, "public"):
        connection.set_schema(schema_name)
        with connection.cursor() as cursor:
            ours = sorted(connection.introspection.get_table_list(cursor))
            with DatabaseSchemaIntrospectionSearchPathContext(cursor=cursor, connection=connection):
                djangos = sorted(DjangoIntrospection(connection).get_table_list(cursor))
        assert ours == djangos
        names = {table.name for table in ours}
        assert "django_migrations" in names
        assert ("tasks_task" in names) is (schema_name != "public")
