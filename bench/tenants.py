"""A thousand contractants in one database: provisioning, catalog, latency and migrations (issue 17, item 4).

Provisions contractants in steps (10, 100, 1,000; `--max N` caps them) into its own database
`bench_tenants` on the configured (or embedded) PostgreSQL server, and keeps that database between
runs while its data version matches, so a second run only measures. At each step it prints the
catalog size (pg_class rows, database size) and the in-process latency of a trivial page
(`/health/`) and of the task list on the first contractant, logged in as its staff member
(median of 30 requests after warm-up, the lowest of three rounds; five when 10 and the largest
step are compared). At the largest step it
provisions 20 more contractants to measure provisioning (p95; they are removed again), runs a
no-op `migrate_all`, and applies one new migration to every schema: a throw-away migration module
for the `search` app (a copy of its migrations plus one that creates a small table) given to
`migrate_all` in a subprocess through MIGRATION_MODULES in a temporary settings module, so nothing
in the repository changes. The migration is taken back afterwards (its table and its
django_migrations row in every schema).

Budgets at 1,000: provisioning p95 <= 1 s; no-op migrate_all <= 60 s; one new migration <= 5 min;
task list latency at 1,000 within 1.2x of that at 10. The table's catalog size and latency per step
are the figures recorded when the step was built; the ratio comes from a second database of 10 contractants
(`bench_tenants_base`, kept alike) measured in turns with the big one in the same run, so that
other work on the machine weighs on both alike.

    .venv/bin/python bench/tenants.py [--max 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DATABASE = "bench_tenants"
# Bump when what the bench puts in its contractants changes: the database is then rebuilt.
DATA_VERSION = "bench-tenants 2"
STEPS = (10, 100, 1000)
PROBES = 20
REQUESTS = 30
# Other work on the machine shows up as noise in a median of 30: the least disturbed of three rounds counts
# (five for the comparison of 10 with the largest step, one process per round and database).
ROUNDS = 3
COMPARE_ROUNDS = 5
PASSWORD = "Bench-wachtwoord-2026"
PROBE_APP = "search"
PROBE_MIGRATION = "9999_bench_probe"
PROBE_TABLE = "bench_probe"


def schema_for(index: int) -> str:
    return f"bench_t{index:04d}"


def staff_email(schema_name: str) -> str:
    return f"staff@{schema_name.replace('_', '-')}.test"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        from config import embedded

        url = embedded.postgres_url()
    return url


def ensure_database(url: str, database: str) -> bool:
    """Create `database` unless one of this data version exists; True when reused."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if row is not None and row[0] == DATA_VERSION:
            return True
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")
        conn.execute(f"COMMENT ON DATABASE {database} IS '{DATA_VERSION}'")
    return False


def database_env(url: str, database: str) -> dict:
    return dict(os.environ, DATABASE_URL=url.rsplit("/", 1)[0] + f"/{database}", DJANGO_DEBUG="0")


def manage(env: dict, *args: str) -> tuple[float, str]:
    """Run a management command as a deploy would (its own process); seconds and output."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max", type=int, default=1000, help="largest number of contractants (default 1000)")
    parser.add_argument("--database", default=DATABASE, help=argparse.SUPPRESS)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--latency", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    steps = sorted({step for step in STEPS if step < args.max} | {args.max})
    url = server_url()

    if args.latency:
        # One round on the first contractant of --database, for the interleaved comparison below.
        os.environ.update(database_env(url, args.database))
        import django

        django.setup()
        print(json.dumps({"health": latency("/health/", rounds=1), "tasks": latency("/tasks/", rounds=1)}))
        return

    reused = ensure_database(url, args.database)
    env = database_env(url, args.database)
    os.environ.update(env)
    print(f"database {args.database}: {'reused' if reused else 'created'} ({DATA_VERSION})")

    # Brings a new database, or one built by older code, up to the code before anything is timed.
    catch_up, _ = manage(env, "migrate_all", "--verbosity", "0")
    print(f"migrate_all before measuring: {catch_up:.1f} s")

    import django

    django.setup()
    from django.db import connection

    take_back_probe_migration()
    meta = load_meta()
    print()
    print(
        f"{'contractants':>12} | {'new':>4} | {'provision p95':>13} | {'pg_class':>8} | {'db size':>8} | "
        f"{'/health/ ms':>11} | {'task list ms':>12}"
    )
    for step in steps:
        times = provision_up_to(step)
        figures = meta.get(str(step))
        if times or figures is None or "pg_class" not in figures:
            pg_class, size = catalog_size()
            figures = {"health": latency("/health/"), "tasks": latency("/tasks/"), "pg_class": pg_class, "size": size}
            meta[str(step)] = figures
            save_meta(meta)
        provisioned = f"{p95(times):.3f} s" if times else "-"
        print(
            f"{step:>12} | {len(times):>4} | {provisioned:>13} | {figures['pg_class']:>8} | "
            f"{figures['size'] / 2**20:>6.0f} MB | {figures['health']:>11.1f} | {figures['tasks']:>12.1f}"
        )
    print("(catalog and latency per step: measured when the step was built)")
    connection.set_schema_to_public()
    if args.build_only:
        return

    top = steps[-1]
    connection.close()
    base, current = compare_latency(url, base_count=steps[0], top_database=args.database)
    ratio = current["tasks"] / base["tasks"]
    print(
        f"\nlatency, {COMPARE_ROUNDS} interleaved rounds, lowest median: {steps[0]} contractants /health/ "
        f"{base['health']:.1f} ms, task list {base['tasks']:.1f} ms; {top} contractants /health/ "
        f"{current['health']:.1f} ms, task list {current['tasks']:.1f} ms; task list ratio {ratio:.2f}x (budget 1.2x)"
    )

    probe_times = provision_probes(top)
    provision = p95(probe_times)
    print(
        f"provisioning at {top}: p95 {provision:.3f} s, median {statistics.median(probe_times):.3f} s "
        f"over {PROBES} new contractants (budget 1 s)"
    )

    noop, output = manage(env, "migrate_all", "--verbosity", "0")
    print(f"no-op migrate_all at {top}: {noop:.1f} s (budget 60 s): {last_line(output)}")

    connection.close()
    new_migration, output = apply_probe_migration(env)
    print(f"one new migration at {top}: {new_migration:.1f} s (budget 300 s): {last_line(output)}")
    take_back_probe_migration()

    print(
        f"provision p95 {provision:.2f} s; no-op migrate {noop:.1f} s; new migration {new_migration:.1f} s; "
        f"latency ratio {ratio:.2f}x at {top} contractants"
    )


def last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def load_meta() -> dict:
    """Catalog size and latency per step as measured when the step was built (kept beside the
    contractants, in a schema that is no contractant's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA IF NOT EXISTS bench_meta")
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta.figures (id int PRIMARY KEY, data jsonb NOT NULL)")
        cursor.execute("SELECT data FROM bench_meta.figures WHERE id = 1")
        row = cursor.fetchone()
    return (json.loads(row[0]) if isinstance(row[0], str) else row[0]) if row else {}


def save_meta(meta: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_meta.figures (id, data) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data",
            [json.dumps(meta)],
        )


def provision(schema_name: str) -> float:
    from tenants.services import default_domain_for, provision_contractant

    started = time.perf_counter()
    provision_contractant(
        name=f"Bench {schema_name}",
        schema_name=schema_name,
        domain=default_domain_for(schema_name),
        admin_email=staff_email(schema_name),
        admin_password=PASSWORD,
    )
    return time.perf_counter() - started


def provision_up_to(count: int) -> list[float]:
    from tenants.models import Contractant

    existing = set(Contractant.objects.filter(schema_name__startswith="bench_t").values_list("schema_name", flat=True))
    return [provision(schema_for(index)) for index in range(count) if schema_for(index) not in existing]


def provision_probes(top: int) -> list[float]:
    """Provisioning time with `top` contractants present; the probes are removed again."""
    names = [f"bench_probe_{index:02d}" for index in range(PROBES)]
    remove_contractants(names)
    try:
        return [provision(name) for name in names]
    finally:
        remove_contractants(names)


def remove_contractants(schema_names: list[str]) -> None:
    from django.db import connection

    from tenants.models import Contractant, Domain

    connection.set_schema_to_public()
    contractants = Contractant.objects.filter(schema_name__in=schema_names)
    Domain.objects.filter(tenant__in=contractants).delete()
    contractants.delete()
    with connection.cursor() as cursor:
        for name in schema_names:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def catalog_size() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM pg_class), pg_database_size(current_database())")
        return cursor.fetchone()


def latency(path: str, *, rounds: int = ROUNDS) -> float:
    """Median ms of REQUESTS in-process requests to `path` on the first contractant, logged in
    (the lowest of `rounds` such medians)."""
    from django.db import connection
    from django.test import Client

    from tenants.services import default_domain_for

    first = schema_for(0)
    client = Client(HTTP_HOST=default_domain_for(first))
    response = client.post("/login/", {"username": staff_email(first), "password": PASSWORD})
    assert response.status_code == 302, f"login on {first} failed: {response.status_code}"
    for _ in range(5):
        assert client.get(path).status_code == 200, path
    medians = []
    for _ in range(rounds):
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, path
        medians.append(statistics.median(timings))
    connection.set_schema_to_public()
    return min(medians)


def compare_latency(url: str, *, base_count: int, top_database: str) -> tuple[dict, dict]:
    """Latency on a database of `base_count` contractants against the big one, measured in turns
    (one process per round and database), so load from elsewhere on the machine hits both alike."""
    base_database = f"{DATABASE}_base"
    build = [sys.executable, __file__, "--database", base_database, "--max", str(base_count), "--build-only"]
    subprocess.run(build, cwd=BASE_DIR, check=True, stdout=subprocess.DEVNULL)
    best: dict[str, dict[str, float]] = {base_database: {}, top_database: {}}
    for _ in range(COMPARE_ROUNDS):
        for database in (base_database, top_database):
            measure = [sys.executable, __file__, "--database", database, "--latency"]
            result = subprocess.run(measure, cwd=BASE_DIR, check=True, capture_output=True, text=True)
            for path, value in json.loads(result.stdout.strip().splitlines()[-1]).items():
                best[database][path] = min(value, best[database].get(path, value))
    return best[base_database], best[top_database]


def all_schemas_with_migrations() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r'"
        )
        return [row[0] for row in cursor.fetchall()]


def take_back_probe_migration() -> None:
    """Remove the probe migration's table and record from every schema (a no-op when absent)."""
    from django.db import connection

    statements = []
    for name in all_schemas_with_migrations():
        quoted = '"' + name.replace('"', '""') + '"'
        statements.append(f"DROP TABLE IF EXISTS {quoted}.{PROBE_TABLE}")
        statements.append(
            f"DELETE FROM {quoted}.django_migrations WHERE app = '{PROBE_APP}' AND name = '{PROBE_MIGRATION}'"
        )
    with connection.cursor() as cursor:
        for start in range(0, len(statements), 500):
            cursor.execute(";\n".join(statements[start : start + 500]))


def apply_probe_migration(env: dict) -> tuple[float, str]:
    """Time `migrate_all` with one new migration for every schema, given through a temporary
    settings module (MIGRATION_MODULES) and a copy of the app's migrations in a temporary folder."""
    from django.db.migrations.loader import MigrationLoader

    (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes(PROBE_APP)
    folder = Path(tempfile.mkdtemp(prefix="bench-tenants-"))
    try:
        package = folder / "bench_probe_migrations"
        shutil.copytree(BASE_DIR / PROBE_APP / "migrations", package, ignore=shutil.ignore_patterns("__pycache__"))
        (package / f"{PROBE_MIGRATION}.py").write_text(
            "from django.db import migrations\n\n\n"
            "class Migration(migrations.Migration):\n"
            f"    dependencies = [{leaf!r}]\n"
            "    operations = [\n"
            "        migrations.RunSQL(\n"
            f"            'CREATE TABLE {PROBE_TABLE} (id bigint PRIMARY KEY, note text NOT NULL)',\n"
            f"            reverse_sql='DROP TABLE {PROBE_TABLE}',\n"
            "        )\n"
            "    ]\n"
        )
        (folder / "bench_probe_settings.py").write_text(
            "from config.settings import *  # noqa: F403\n\n"
            f"MIGRATION_MODULES = {{{PROBE_APP!r}: 'bench_probe_migrations'}}\n"
        )
        probe_env = dict(
            env,
            DJANGO_SETTINGS_MODULE="bench_probe_settings",
            PYTHONPATH=os.pathsep.join([str(folder), str(BASE_DIR)]),
        )
        elapsed, output = manage(probe_env, "migrate_all", "--verbosity", "0")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not re.search(r"[1-9]\d* migrated", output):
        sys.exit(f"the probe migration reached no schema: {output}")
    return elapsed, output


if __name__ == "__main__":
    main()
