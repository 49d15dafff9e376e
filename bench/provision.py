"""Provision contractants by template clone and by full migration, in one run; print the ratio.

Target (issue 2): the clone is at least 10x faster than migrating, and under 2 s per contractant.
Run with `make bench` or `.venv/bin/python bench/provision.py [--count N]`. Uses a throw-away
database on the configured (or embedded) PostgreSQL server and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3, help="contractants per method")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tenants.schema_clone import clone_template_schema
    from tenants.services import provision_contractant
    from tenants.template_schema import migrate_template_schema, template_schema_name

    # A database of its own, so a benchmark never collides with a running test suite.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{Path(__file__).stem}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        migrate_template_schema()
        clone_times = []
        for index in range(args.count):
            started = time.perf_counter()
            clone_template_schema(template=template_schema_name(), new_schema=f"bench_copy_{index}")
            clone_times.append(time.perf_counter() - started)

        provision_times = []
        for index in range(args.count):
            started = time.perf_counter()
            provision_contractant(
                name=f"Bench clone {index}",
                schema_name=f"bench_clone_{index}",
                domain=f"bench-clone-{index}.localhost",
                admin_email=f"staff{index}@bench.test",
                admin_password="Bench-wachtwoord-2026",
            )
            provision_times.append(time.perf_counter() - started)

        migrate_times = []
        for index in range(args.count):
            schema = f"bench_migrate_{index}"
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{schema}"')
            call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
            migrate_times.append(time.perf_counter() - started)
            connection.set_schema_to_public()
    finally:
        connection.set_schema_to_public()
        teardown_databases(old_config, verbosity=0)

    clone = statistics.median(clone_times)
    migrate = statistics.median(migrate_times)
    provision = statistics.median(provision_times)
    print(f"schemas per method            : {args.count}")
    print(f"schema by template clone      : {clone:.3f} s (median)")
    print(f"schema by replaying migrations: {migrate:.3f} s (median)")
    print(f"ratio migrate / clone         : {migrate / clone:.1f}x (target >= 10x)")
    print(f"provision_contractant         : {provision:.3f} s (median; schema + domain + staff user, target < 2 s)")


if __name__ == "__main__":
    main()
