"""First full Client Online sync of a large contractant, against the mock's own ingest rate.

Builds a contractant with --relations relations and --contacts contacts (each contact linked to
one relation, all synced), starts the mock Client Online as its own process, and prints:
  - the mock's ingest rate for a plain client sending the same kind of requests (the limit);
  - the sync's operations per second for the first full sync (planner + pushes + acknowledgements);
  - their ratio (target >= 0.5);
  - the median time from a saved change to its acknowledgement by the mock, over --changes edits
    each followed by a sync run in this process (target < 2 s).
Then the Sync status page at production size (issue 17): --status-relations (default 100,000)
more synced relations with two synced contacts each, written with generate_series, and prints
the worker's planning time (desired state, remote state and plan: what the page used to compute
on every visit, now once per run) and the page's and its 2 s progress poll's server time
(median of 10 requests in process, logged in, after a warm-up), with their query counts.
Budget: page and poll p95 <= 150 ms. --status-relations 0 skips this part.

Runs in a throw-away test database.
Usage: .venv/bin/python bench/sync.py [--relations 5000 --contacts 10000 --status-relations 100000]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ENV", "test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def generate_rows(model, template, overrides: dict[str, str], source: str, params: list) -> None:
    """Copies of `template`, one per row of `source` (SQL, aliased g), in one statement: unique
    columns drawn fresh per row, `overrides` as SQL expressions per column."""
    from django.db import connection

    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.generated:  # the database computes a generated column itself
            continue
        columns.append(f'"{f.column}"')
        if f.column in overrides:
            values.append(overrides[f.column])
        elif f.unique and f.is_relation:
            values.append("NULL")
        elif f.unique and f.get_internal_type() == "UUIDField":
            values.append("gen_random_uuid()")
        elif f.unique:
            values.append(f"left(md5(random()::text || g::text), {f.max_length or 32})")
        else:
            values.append(f't."{f.column}"')
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({", ".join(columns)}) SELECT {", ".join(values)} '
            f'FROM "{table}" AS t, {source} WHERE t.id = %s',
            [*params, template.pk],
        )
        cursor.execute(f'ANALYZE "{table}"')


def status_at_size(relations: int) -> list[str]:
    """The Sync status page and its poll with `relations` more synced relations."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from contacts.models import Contact, ContactLink
    from portal_sync.models import SyncRun
    from portal_sync.services import begin_run
    from relations.models import Relation
    from tenants.models import Contractant

    series = "generate_series(1, %s) AS g"
    first_relation = Relation.objects.create(name="Relatie x", customer_number="X0", sync_client_online=True)
    generate_rows(
        Relation, first_relation, {"name": "'Relatie x' || g", "customer_number": "'X' || g"}, series, [relations - 1]
    )
    first_contact = Contact.objects.create(last_name="Persoon x", email="x@bench.test", username="x@bench.test")
    address = "'x' || g || '@bench.test'"
    generate_rows(
        Contact,
        first_contact,
        {"last_name": "'Persoon x' || g", "email": address, "username": address},
        series,
        [2 * relations - 1],
    )
    link = ContactLink.objects.create(contact=first_contact, relation=first_relation, sync_client_online=True)
    # Two contacts per new relation, paired by their order of creation (the first pair exists).
    pairs = (
        "(SELECT c.id AS contact_id, r.id AS relation_id FROM "
        f'(SELECT id, row_number() OVER (ORDER BY id) AS n FROM "{Relation._meta.db_table}" WHERE id >= %s) AS r '
        f'JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM "{Contact._meta.db_table}" WHERE id > %s) AS c '
        "ON c.n / 2 + 1 = r.n) AS g"
    )
    generate_rows(
        ContactLink,
        link,
        {"contact_id": "g.contact_id", "relation_id": "g.relation_id"},
        pairs,
        [first_relation.pk, first_contact.pk],
    )

    started = time.perf_counter()
    run, operations = begin_run()  # what the worker computes once per run
    planning = time.perf_counter() - started
    SyncRun.objects.filter(pk=run.pk).update(done=len(operations) // 3, heartbeat_at=timezone.now())

    user = get_user_model().objects.get(username="bench@sync.test")
    client = Client(HTTP_HOST="bench-sync.localhost")
    client.force_login(user)
    lines = [
        f"status page at size        : {relations:,} more relations, {2 * relations:,} more contacts; "
        f"worker's plan {planning:.2f} s ({len(operations):,} operations, once per run)"
    ]
    for label, headers in [("status page", {}), ("progress poll", {"HTTP_HX_REQUEST": "true"})]:
        client.get("/sync/", **headers)  # warm-up
        timings = []
        for _ in range(10):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/sync/", **headers)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        timings.sort()
        queries = len([q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")])
        lines.append(
            f"{label:<27}: median {statistics.median(timings) * 1000:6.1f} ms, p95 {timings[-1] * 1000:6.1f} ms, "
            f"{queries} queries (budget p95 <= 150 ms)"
        )
    connection.set_tenant(Contractant.objects.get(schema_name="bench_sync"))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--relations", type=int, default=5000)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--status-relations", type=int, default=100_000)
    args = parser.parse_args()

    port = free_port()
    store = Path(tempfile.mkdtemp()) / "store.json"
    mock = subprocess.Popen(
        [sys.executable, "-m", "portal_sync.mock.server"],
        cwd=BASE_DIR,
        env={**os.environ, "MOCK_CLIENT_ONLINE_PORT": str(port), "MOCK_CLIENT_ONLINE_STORE": str(store)},
    )
    os.environ["CLIENT_ONLINE_URL"] = f"http://127.0.0.1:{port}"

    import django

    django.setup()
    import httpx
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from contacts.models import Contact, ContactLink
    from portal_sync.client import ClientOnlineClient
    from portal_sync.planner import Operation
    from portal_sync.services import run_sync
    from relations.models import Relation
    from tenants.models import Contractant
    from tenants.services import provision_contractant
    from tenants.template_schema import migrate_template_schema

    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health")
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    # A database of its own, so a benchmark never collides with a running test suite.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{Path(__file__).stem}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        migrate_template_schema()
        provision_contractant(
            name="Bench sync",
            schema_name="bench_sync",
            domain="bench-sync.localhost",
            admin_email="bench@sync.test",
            admin_password="Bench-wachtwoord-2026",
        )
        connection.set_tenant(Contractant.objects.get(schema_name="bench_sync"))
        relations = Relation.objects.bulk_create(
            Relation(name=f"Relatie {n}", customer_number=f"B{n:06d}", sync_client_online=True)
            for n in range(args.relations)
        )
        contacts = Contact.objects.bulk_create(
            Contact(last_name=f"Persoon {n}", email=f"p{n}@bench.test", username=f"p{n}@bench.test")
            for n in range(args.contacts)
        )
        ContactLink.objects.bulk_create(
            ContactLink(contact=contact, relation=relations[n % len(relations)], sync_client_online=True)
            for n, contact in enumerate(contacts)
        )

        # The limit: a plain client sending as many create requests to the same mock.
        client = ClientOnlineClient()
        count = min(3000, args.relations)
        started = time.perf_counter()
        for n in range(count):
            operation = Operation("create_client", (f"plain.{n}",), (("name", f"Plain {n}"),))
            client.push(operation, operation.idempotency_key("plain"))
        plain_rate = count / (time.perf_counter() - started)
        for n in range(count):
            operation = Operation("delete_client", (f"plain.{n}",))
            client.push(operation, operation.idempotency_key("plain"))

        started = time.perf_counter()
        run = run_sync(client=client)
        sync_seconds = time.perf_counter() - started
        sync_rate = run.done / sync_seconds

        latencies = []
        for n in range(args.changes):
            relation = relations[n]
            started = time.perf_counter()
            Relation.objects.filter(pk=relation.pk).update(name=f"Hernoemd {n}")
            run_sync(client=client)
            latencies.append(time.perf_counter() - started)
        client.close()
        status_lines = status_at_size(args.status_relations) if args.status_relations else []
    finally:
        connection.set_schema_to_public()
        teardown_databases(old_config, verbosity=0)
        mock.terminate()
        mock.wait(10)
    print(f"objects                  : {args.relations} relations, {args.contacts} contacts")
    print(f"operations in first sync : {run.done} (status {run.status})")
    print(f"mock ingest, plain client: {plain_rate:8.1f} requests/s (the limit)")
    print(f"first full sync          : {sync_rate:8.1f} operations/s ({sync_seconds:.1f} s)")
    print(f"ratio sync / limit       : {sync_rate / plain_rate:8.2f} (target >= 0.5)")
    print(
        f"change -> acknowledged   : {statistics.median(latencies):8.3f} s median over {len(latencies)} (target < 2 s)"
    )
    for line in status_lines:
        print(line)


if __name__ == "__main__":
    main()
