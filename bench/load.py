"""Load: the production server (gunicorn) with the worker, driven from a second process.

Builds a throw-away database with the demo data, starts gunicorn and a Celery worker on it,
then drives, at fixed concurrency from a separate process on loopback, a trivial tenant-routed
view (the floor), the staff task list, a relation page and a portal page. Prints requests per
second, median and p95 latency, failures, and each page's throughput as a share of the floor's.
A concurrency check: no request may fail under load, and the p95 at 8 clients is printed. (The
earlier target of 40% of the floor is withdrawn, issue 17: page budgets are server time at
production size, measured by bench/scale.py.)
Usage: .venv/bin/python bench/load.py [--seconds 5 --rounds 5 --concurrency 8 --workers 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drive(args) -> None:
    """The second process: per page, log every client in and warm up, then hammer the URL for a
    fixed time at fixed concurrency."""
    import httpx

    base, host, portal_host = args.base, "supplier.localhost", "supplier.localhost"
    results = {}

    def client_for(login_path, username, password):
        client = httpx.Client(base_url=base, headers={"Host": host}, timeout=30, follow_redirects=False)
        page = client.get(login_path)
        token = page.cookies.get("csrftoken") or client.cookies.get("csrftoken")
        client.post(
            login_path,
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"http://{host}{login_path}"},
        )
        return client

    def hammer(client, path, start, stop, latencies, failures, lock):
        start.wait()
        while time.monotonic() < stop[0]:
            started = time.perf_counter()
            try:
                ok = client.get(path).status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures.append(path)
        client.close()

    def measure(path, login, seconds=args.seconds):
        # Log in and warm up before the clock starts: a login (argon2, on purpose slow) is not
        # a page view, and every gunicorn worker compiles its templates on its first request.
        clients = [
            client_for(*login) if login else httpx.Client(base_url=base, headers={"Host": portal_host})
            for _ in range(args.concurrency)
        ]
        for client in clients:
            for _ in range(3):
                warm = client.get(path)
                if warm.status_code != 200:
                    raise SystemExit(f"{path} answered {warm.status_code} before the run; is the login right?")
        latencies, failures, lock = [], [], threading.Lock()
        start, stop = threading.Barrier(args.concurrency + 1), [0.0]
        threads = [
            threading.Thread(target=hammer, args=(client, path, start, stop, latencies, failures, lock))
            for client in clients
        ]
        for thread in threads:
            thread.start()
        begun = time.monotonic()
        stop[0] = begun + seconds
        start.wait()
        for thread in threads:
            thread.join()
        return latencies, failures, time.monotonic() - begun

    # Rounds: the floor and every page are measured in turn, several times, and each page's
    # share is taken against the floor of its own round (a shared machine drifts).
    targets = json.loads(args.targets)
    runs = {label: [] for label, _path, _login in targets}
    # One short round first, not counted: the worker processes and the database's caches settle
    # (a first round measured the floor while the machine was still busy starting up).
    for _label, path, login in targets:
        measure(path, login, seconds=2)
    for _round in range(args.rounds):
        for label, path, login in targets:
            runs[label].append(measure(path, login))
    floor_label = targets[0][0]
    for label, measured in runs.items():
        latencies = sorted(value for run in measured for value in run[0])
        shares = [
            (len(run[0]) / run[2]) / (len(floor[0]) / floor[2])
            for run, floor in zip(measured, runs[floor_label], strict=True)
        ]
        results[label] = {
            "rps": len(latencies) / sum(run[2] for run in measured),
            "median_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "requests": len(latencies),
            "failures": sum(len(run[1]) for run in measured),
            "share": statistics.median(shares),
            "shares": shares,
        }
    print(json.dumps(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5, help="per page and round")
    # Five rounds: on a shared 2-core machine the floor alone moves by 15% from run to run.
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args)
        return

    sys.path.insert(0, str(BASE_DIR))
    from config import embedded

    database_url = os.environ.get("DATABASE_URL") or embedded.postgres_url()
    redis_url = os.environ.get("REDIS_URL") or embedded.redis_url()
    bench_url = database_url.rsplit("/", 1)[0] + "/bench_load"
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_load")
        conn.execute("CREATE DATABASE bench_load")
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "0",
        "REDIS_BROKER_DB": "12",
        "REDIS_CACHE_DB": "13",
        "AXES_FAILURE_LIMIT": "1000",
    }
    subprocess.run([PYTHON, "manage.py", "migrate_all", "--verbosity", "0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed_demo"], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
    codes = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "tenant_command",
            "shell",
            "-s",
            "supplier",
            "-c",
            "from relations.models import Relation; from contacts.models import ContactLink;"
            "r = Relation.objects.get(customer_number='K1001');"
            "l = ContactLink.objects.filter(contact__username='karin@boekhoudkantoor-jansen.nl', relation=r).get();"
            "print(r.pk, r.code)",
        ],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    relation_pk, relation_code = codes[-2], codes[-1]

    port = free_port()
    gunicorn = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/health/", headers={"Host": "supplier.localhost"})
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        from demo.contractants import DEMO_PASSWORD, PORTAL_ACCOUNTANT

        staff = ["/login/", "staff@brightsoft.nl", DEMO_PASSWORD]
        portal = ["/portal/login/", PORTAL_ACCOUNTANT, DEMO_PASSWORD]
        targets = [
            ["floor: /health/", "/health/", None],
            ["staff task list", "/tasks/", staff],
            ["relation page", f"/relations/{relation_pk}/", staff],
            ["portal organisation", f"/portal/o/{relation_code}/", portal],
        ]
        output = subprocess.run(
            [
                PYTHON,
                __file__,
                "--drive",
                "--base",
                f"http://127.0.0.1:{port}",
                "--targets",
                json.dumps(targets),
                "--seconds",
                str(args.seconds),
                "--concurrency",
                str(args.concurrency),
                "--rounds",
                str(args.rounds),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results = json.loads(output.strip().splitlines()[-1])
    finally:
        gunicorn.terminate()
        worker.terminate()
        gunicorn.wait(15)
        worker.wait(15)
    print(
        f"gunicorn workers: {args.workers}, concurrency: {args.concurrency}, "
        f"{args.rounds} rounds of {args.seconds:.0f} s per page; share = median over rounds of page/floor"
    )
    print(f"{'page':<22} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'failed':>7} {'of floor':>9}  per round")
    for label, row in results.items():
        print(
            f"{label:<22} {row['rps']:>8.1f} {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} "
            f"{row['failures']:>7} {row['share']:>8.0%}  {' '.join(f'{share:.0%}' for share in row['shares'])}"
        )
    failed = sum(row["failures"] for row in results.values())
    print(f"check: no failed request under load: {'OK' if failed == 0 else f'{failed} FAILED'}")


if __name__ == "__main__":
    main()
