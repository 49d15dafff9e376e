"""Migrate the public schema, the template and every contractant schema, fast at a thousand schemas.

django-tenants' `migrate_schemas` runs Django's `migrate` once per schema, one after the other,
and pays about half a second per schema even when nothing is pending (issue 17: 94 s for 207
schemas). Here one catalog read finds the schemas whose applied migrations differ from the code,
and only those run `migrate`, through django-tenants' own per-schema `run_migrations` in its
multiprocessing pool (one process per core: TENANT_MULTIPROCESSING_MAX_PROCESSES), with the
system checks done once in this process instead of once per schema.

Reading `django_migrations` of many schemas in one statement qualifies each table with its
schema; every branch of the UNION reads one schema, nothing joins two of them (docs/scaling.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from tenants.models import Contractant
from tenants.template_schema import migrate_template_schema, template_schema_name

# Schemas per statement: keeps one statement at a few hundred kB however many contractants exist.
CHUNK_SIZE = 250


@dataclass
class MigrationRun:
    """What `migrate_everything` did, for the command to report."""

    up_to_date: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    template_migrated: bool = False
    failures: dict[str, str] = field(default_factory=dict)


class SchemaMigrationError(Exception):
    """Migrations failed in one or more schemas; `failures` maps each schema to its error."""

    def __init__(self, run: MigrationRun):
        self.run = run
        names = sorted(run.failures)
        shown = "; ".join(f"{name}: {run.failures[name]}" for name in names[:10])
        more = f" (and {len(names) - 10} more)" if len(names) > 10 else ""
        super().__init__(f"Migrations failed in {len(names)} schema(s): {shown}{more}")


def expected_migrations() -> list[str]:
    """Every migration on disk as `app.name`: the rows a migrated schema's django_migrations holds
    (Django records every app's migrations in every schema; the router only skips their SQL)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def schemas_behind(schema_names: Sequence[str], *, expected: Iterable[str] | None = None) -> list[str]:
    """The schemas among `schema_names` that miss at least one migration of the code (a schema
    without a django_migrations table, or no schema at all, counts as behind).

    One catalog query, then one statement per CHUNK_SIZE schemas with the expected migrations as a
    single array parameter."""
    wanted = list(expected if expected is not None else expected_migrations())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' AND n.nspname = ANY(%s)",
            [list(schema_names)],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        behind = [name for name in schema_names if name not in with_table]
        present = [name for name in schema_names if name in with_table]
        for start in range(0, len(present), CHUNK_SIZE):
            chunk = present[start : start + CHUNK_SIZE]
            # The index, not the name, comes back: no schema name is ever spliced in as a literal.
            branches = [
                f"(SELECT {index} FROM unnest(%(expected)s::text[]) AS e(key) WHERE e.key NOT IN "
                f"(SELECT app || '.' || name FROM {_quote(name)}.django_migrations) LIMIT 1)"
                for index, name in enumerate(chunk)
            ]
            cursor.execute(" UNION ALL ".join(branches), {"expected": wanted})
            behind.extend(chunk[row[0]] for row in cursor.fetchall())
    order = {name: position for position, name in enumerate(schema_names)}
    return sorted(behind, key=order.__getitem__)


def contractant_schemas() -> list[str]:
    return list(
        Contractant.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def _migrate_options(verbosity: int) -> dict:
    """The options `migrate_schemas --noinput` would hand each schema's `migrate`, with the system
    checks left to the caller (they do not depend on the schema)."""
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

    parser = MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--noinput", "--verbosity", str(verbosity)]))
    options["skip_checks"] = True
    return options


def _migrate_one(job: tuple[int, int, str, dict]) -> tuple[str, str | None]:
    """In a pool process: migrate one schema; the error as text (with the schema) instead of a raise,
    so one failing schema neither hides which it was nor stops the others."""
    from django_tenants.migration_executors.base import run_migrations

    index, count, schema_name, options = job
    try:
        run_migrations([], options, "multiprocessing", schema_name, allow_atomic=False, idx=index, count=count)
    except BaseException as error:  # noqa: BLE001 - SystemExit and CommandError alike are reported
        connections.close_all()
        return schema_name, f"{type(error).__name__}: {error}".strip()
    return schema_name, None


def migrate_schemas_in_parallel(schema_names: Sequence[str], *, verbosity: int = 0) -> dict[str, str]:
    """Migrate `schema_names` in django-tenants' multiprocessing pool; the failures by schema."""
    from django_tenants.migration_executors.multiproc import get_pool

    if not schema_names:
        return {}
    options = _migrate_options(verbosity)
    jobs = [(index, len(schema_names), name, options) for index, name in enumerate(schema_names)]
    # Forked children must not share this process's socket to the server.
    connections.close_all()
    chunks = getattr(settings, "TENANT_MULTIPROCESSING_CHUNKS", 2)
    pool = get_pool()
    try:
        results = list(pool.imap_unordered(_migrate_one, jobs, chunks))
    finally:
        pool.close()
        pool.join()
    return {name: error for name, error in results if error is not None}


def migrate_everything(*, verbosity: int = 0) -> MigrationRun:
    """Migrate the public schema (always), the template schema and each contractant schema that
    is behind the code; raise SchemaMigrationError naming every schema that failed."""
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    run = MigrationRun()
    expected = expected_migrations()
    template = template_schema_name()
    schemas = contractant_schemas()
    behind = set(schemas_behind([template, *schemas], expected=expected))
    if template in behind:
        migrate_template_schema(verbosity=verbosity)
        run.template_migrated = True
    pending = [name for name in schemas if name in behind]
    run.up_to_date = [name for name in schemas if name not in behind]
    run.failures = migrate_schemas_in_parallel(pending, verbosity=verbosity)
    run.migrated = [name for name in pending if name not in run.failures]
    if run.failures:
        raise SchemaMigrationError(run)
    return run
