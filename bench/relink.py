"""Relink a relation with N open tasks through the service, against a naive per-link loop;
then the relink wizard at production size.

Prints, for N = 100 and N = 10,000: the service's duration and SQL query count, the naive
loop's duration (one link deleted and one created per task, each with its history row, as
staff do by hand in seed 000), and the ratio. Targets (issue 3): the same query count for
both N (at most 25), and the service at least 50x faster than the loop at N = 10,000.

Production size (issue 17), --open-tasks (default 50,000): a relation with that many open
tasks and --closed-tasks closed ones, 1% of the open ones linked to the new relation already,
written with generate_series (seconds, not the ORM's minutes). Prints the preview page's
server time (median of 5 requests in process, logged in, after one warm-up), the relink's and
its undo's durations and query counts, and checks the undo gave back every link. Budgets:
preview <= 500 ms, relink <= 5 s, undo <= 5 s. --open-tasks 0 skips this part.

Runs in a throw-away test database on the configured (or embedded) PostgreSQL server; it does
not need the scale benchmark's database.
Usage: .venv/bin/python bench/relink.py [--sizes 100 10000] [--open-tasks 50000 --closed-tasks 50000]
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
    TaskLink.objects.bulk_create([TaskLink(task=task, relation=old, task_created_at=task.created_at) for task in tasks])
    return old, new, old_subscription


def generate_tasks(relation, count: int, *, status: str, label: str) -> None:
    """`count` tasks linked to `relation` in two statements: a template row copied by
    generate_series, unique columns drawn fresh per row."""
    from django.db import connection

    from tasks.models import Task, TaskLink

    if not count:
        return
    from django.utils import timezone

    closed_at = timezone.now() if status == Task.Status.CLOSED else None
    template = Task.objects.create(subject=f"{label} 0", status=status, closed_at=closed_at)
    TaskLink.objects.create(task=template, relation=relation, task_created_at=template.created_at)
    fields = [f for f in Task._meta.concrete_fields if not f.primary_key and not f.generated]
    columns, values = [], []
    for f in fields:
        columns.append(f'"{f.column}"')
        if f.name == "subject":
            values.append(f"'{label} ' || g")
        elif f.unique and f.get_internal_type() == "UUIDField":
            values.append("gen_random_uuid()")
        elif f.unique:
            values.append(f"left(md5(random()::text || g::text), {f.max_length or 32})")
        elif f.name in {"created_at", "updated_at"}:
            values.append("now() - g * interval '1 minute'")
        else:
            values.append(f't."{f.column}"')
    task_table, link_table = Task._meta.db_table, TaskLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'WITH made AS (INSERT INTO "{task_table}" ({", ".join(columns)}) '
            f'SELECT {", ".join(values)} FROM "{task_table}" AS t, generate_series(1, %s) AS g WHERE t.id = %s '
            f"RETURNING id, created_at) "
            f'INSERT INTO "{link_table}" (task_id, relation_id, created_at, task_created_at) '
            "SELECT id, %s, now(), created_at FROM made",
            [count - 1, template.pk, relation.pk],
        )
        cursor.execute(f'ANALYZE "{task_table}"; ANALYZE "{link_table}"')


def production_size(open_tasks: int, closed_tasks: int, slowest: int = 0) -> bool:
    """The wizard's preview, the relink and its undo at production size; True when in budget."""
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from subscriptions.relink import relink, relink_undo
    from tasks.models import Task, TaskLink
    from tenants.models import Contractant

    old, new, _ = build_world(0, "prod")
    generate_tasks(old, open_tasks, status=Task.Status.OPEN, label="Open melding")
    generate_tasks(old, closed_tasks, status=Task.Status.CLOSED, label="Afgehandelde melding")
    open_tasks_made = list(
        Task.objects.filter(links__relation=old, status=Task.Status.OPEN).order_by("pk").values_list("pk", "created_at")
    )
    TaskLink.objects.bulk_create(
        [TaskLink(task_id=pk, relation=new, task_created_at=created) for pk, created in open_tasks_made[::100]]
    )
    before = sorted(TaskLink.objects.filter(relation__in=[old, new]).values_list("task_id", "relation_id"))

    user = get_user_model().objects.get(username="bench_supplier@bench.test")
    client = Client(HTTP_HOST="bench-supplier.localhost")
    client.force_login(user)
    url = f"/relations/{old.pk}/relink/?to={new.pk}"
    assert client.get(url).status_code == 200  # warm-up
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
    assert f"<strong>{open_tasks}</strong>" in response.content.decode(), "preview shows the wrong count"
    connection.set_tenant(Contractant.objects.get(schema_name="bench_supplier"))  # the requests left it

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as relinked:
        result = relink(from_relation=old, to_relation=new, actor=user)
    relink_seconds = time.perf_counter() - started
    assert result.moved_task_count == open_tasks
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as undone:
        relink_undo(record=result.record, actor=user)
    undo_seconds = time.perf_counter() - started
    after = sorted(TaskLink.objects.filter(relation__in=[old, new]).values_list("task_id", "relation_id"))
    exact = after == before

    def count(captured) -> int:
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")])

    preview_ms = statistics.median(timings) * 1000
    print(f"production size: {open_tasks:,} open and {closed_tasks:,} closed tasks on one relation")
    print(f"  preview  {preview_ms:>8.0f} ms  (median of 5, {len(response.content) / 1024:.0f} KB)   budget <= 500 ms")
    print(f"  relink   {relink_seconds:>8.2f} s   ({count(relinked)} queries)   budget <= 5 s")
    print(f"  undo     {undo_seconds:>8.2f} s   ({count(undone)} queries)   budget <= 5 s")
    print(f"  undo gave back every link: {'yes' if exact else 'NO'}")
    if slowest:
        for label, captured in [("relink", relinked), ("undo", undone)]:
            for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:slowest]:
                print(f"    {label} {float(query['time']):7.3f} s  {' '.join(query['sql'].split())[:160]}")
    return preview_ms <= 500 and relink_seconds <= 5 and undo_seconds <= 5 and exact


def naive_loop(old, new) -> None:
    """What the seed describes: per task, delete the old link and add the new one."""
    from django.db import transaction

    from tasks.models import TaskLink

    with transaction.atomic():
        for link in list(TaskLink.objects.filter(relation=old, task__status="open")):
            task_id, task_created_at = link.task_id, link.task_created_at
            link.delete()
            TaskLink.objects.create(task_id=task_id, relation=new, task_created_at=task_created_at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--open-tasks", type=int, default=50_000)
    parser.add_argument("--closed-tasks", type=int, default=50_000)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest statements of relink and undo")
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
        in_budget = production_size(args.open_tasks, args.closed_tasks, args.slowest) if args.open_tasks else True
    finally:
        connection.set_schema_to_public()
        teardown_databases(old_config, verbosity=0)
    print("queries: SQL statements of the relink, excluding the SET search_path before each")
    print("targets: same query count for every N (<= 25); ratio >= 50x at N = 10,000")
    if not in_budget:
        print("production size: over budget")


if __name__ == "__main__":
    main()
