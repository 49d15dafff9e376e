"""Relink a relation with N open tasks through the service, against a naive per-link loop.

Prints, for N = 100 and N = 10,000: the service's duration and SQL query count, the naive
loop's duration (one link deleted and one created per task, each with its history row, as
staff do by hand in seed 000), and the ratio. Targets (issue 3): the same query count for
both N (at most 25), and the service at least 50x faster than the loop at N = 10,000.

Runs in a throw-away test database on the configured (or embedded) PostgreSQL server.
Usage: .venv/bin/python bench/relink.py [--sizes 100 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def build_world(size: int, suffix: str):
    from django.utils import timezone

    from relations.models import Relation
    from subscriptions.models import Subscription
    from subscriptions.services import bind_technical_setup
    from tasks.models import Task, TaskLink
    from tenants.models import Contractant

    customer = Contractant.objects.get(schema_name="bench_customer")
    old = Relation.objects.create(name=f"Oud {suffix}", customer_number=f"OLD-{suffix}")
    new = Relation.objects.create(name=f"Nieuw {suffix}", customer_number=f"NEW-{suffix}")
    old_subscription = Subscription.objects.create(relation=old, product="Payroll", start_date=timezone.now().date())
    Subscription.objects.create(relation=new, product="Payroll", start_date=timezone.now().date())
    bind_technical_setup(subscription=old_subscription, contractant=customer, database="default", actor=None)
    tasks = Task.objects.bulk_create([Task(subject=f"Melding {n}", status="open") for n in range(size)])
    TaskLink.objects.bulk_create([TaskLink(task=task, relation=old) for task in tasks])
    return old, new, old_subscription


def naive_loop(old, new) -> None:
    """What the seed describes: per task, delete the old link and add the new one."""
    from django.db import transaction

    from tasks.models import TaskLink

    with transaction.atomic():
        for link in list(TaskLink.objects.filter(relation=old, task__status="open")):
            task_id = link.task_id
            link.delete()
            TaskLink.objects.create(task_id=task_id, relation=new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases

    from subscriptions.relink import relink
    from subscriptions.services import unbind_technical_setup
    from tenants.services import provision_contractant
    from tenants.template_schema import migrate_template_schema

    # A database of its own, so a benchmark never collides with a running test suite.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{Path(__file__).stem}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        migrate_template_schema()
        for schema in ["bench_supplier", "bench_customer"]:
            provision_contractant(
                name=schema,
                schema_name=schema,
                domain=f"{schema.replace('_', '-')}.localhost",
                admin_email=f"{schema}@bench.test",
                admin_password="Bench-wachtwoord-2026",
                role="supplier" if schema == "bench_supplier" else "customer",
            )
        from tenants.models import Contractant

        connection.set_tenant(Contractant.objects.get(schema_name="bench_supplier"))
        print(f"{'N':>7} {'service s':>10} {'queries':>8} {'naive s':>9} {'ratio':>7}")
        for size in args.sizes:
            old, new, _ = build_world(size, f"s{size}")
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                result = relink(from_relation=old, to_relation=new, actor=None)
            service_seconds = time.perf_counter() - started
            # django-tenants sends "SET search_path" before each statement (TENANT_LIMIT_SET_CALLS
            # stays off, DESIGN.md); those are counted apart from the relink's own statements.
            queries = [q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]
            assert result.moved_task_count == size
            unbind_technical_setup(subscription=new.subscriptions.get(), actor=None)

            naive_old, naive_new, _ = build_world(size, f"n{size}")
            started = time.perf_counter()
            naive_loop(naive_old, naive_new)
            naive_seconds = time.perf_counter() - started
            unbind_technical_setup(subscription=naive_old.subscriptions.get(), actor=None)
            print(
                f"{size:>7} {service_seconds:>10.3f} {len(queries):>8} {naive_seconds:>9.3f} "
                f"{naive_seconds / service_seconds:>6.1f}x"
            )
    finally:
        connection.set_schema_to_public()
        teardown_databases(old_config, verbosity=0)
    print("queries: SQL statements of the relink, excluding the SET search_path before each")
    print("targets: same query count for every N (<= 25); ratio >= 50x at N = 10,000")


if __name__ == "__main__":
    main()
