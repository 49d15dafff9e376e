"""First full Client Online sync of a large contractant, against the mock's own ingest rate.

Builds a contractant with --relations relations and --contacts contacts (each contact linked to
one relation, all synced), starts the mock Client Online as its own process, and prints:
  - the mock's ingest rate for a plain client sending the same kind of requests (the limit);
  - the sync's operations per second for the first full sync (planner + pushes + acknowledgements);
  - their ratio (target >= 0.5);
  - the median time from a saved change to its acknowledgement by the mock, over --changes edits
    each followed by a sync run in this process (target < 2 s).
Runs in a throw-away test database. Usage: .venv/bin/python bench/sync.py [--relations 5000 --contacts 10000]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--relations", type=int, default=5000)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=20)
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


if __name__ == "__main__":
    main()
