"""`make run`: servers, migrations, demo data, web server and worker, in one command.

Ctrl-C stops everything this command started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    port = env.get("PORT", "8000")
    env["SITE_PORT"] = port
    started_embedded = False
    if not env.get("DATABASE_URL") or not env.get("REDIS_URL"):
        from config import embedded

        print("Starting embedded PostgreSQL and Redis (.local/)...", flush=True)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = embedded.postgres_url()
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = embedded.redis_url()
        started_embedded = True

    def manage(*args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)

    manage("migrate_all", "--verbosity", "0")
    manage("seed_demo")

    processes = {
        "web": subprocess.Popen([PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}"], cwd=BASE_DIR, env=env),
        "client-online": subprocess.Popen([PYTHON, "-m", "portal_sync.mock.server"], cwd=BASE_DIR, env=env),
        # E-mail in: replies on tasks and mail to the support addresses (mailin).
        "mail-in": subprocess.Popen([PYTHON, "manage.py", "receive_mail"], cwd=BASE_DIR, env=env),
        "worker": subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--beat",
                "--schedule",
                str(BASE_DIR / ".local" / "celerybeat-schedule"),
            ],
            cwd=BASE_DIR,
            env=env,
        ),
    }
    time.sleep(1.5)
    print_banner(port)

    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"\n{name} stopped unexpectedly (exit code {process.returncode}); shutting down.")
                exit_code = 1
                stopping = True
        time.sleep(0.3)

    print("\nStopping web server, worker and mail receiver...", flush=True)
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    if started_embedded:
        from config import embedded

        embedded.stop()
        print("Embedded PostgreSQL and Redis stopped (data kept in .local/).")
    return exit_code


def mock_admin_token() -> str:
    """What the mock's /admin/ routes ask for: the token set, or the development one."""
    from portal_sync.mock.server import DEV_ADMIN_TOKEN

    return "$CLIENT_ONLINE_ADMIN_TOKEN" if os.environ.get("CLIENT_ONLINE_ADMIN_TOKEN") else DEV_ADMIN_TOKEN


def print_banner(port: str) -> None:
    from demo.contractants import (
        DEMO_CONTRACTANTS,
        DEMO_PASSWORD,
        PLATFORM_ADMIN,
        PORTAL_ACCOUNTANT,
        PORTAL_ADMIN,
        SUPPLIER_COLLEAGUE,
    )

    base = os.environ.get("BASE_DOMAIN", "localhost")
    lines = [
        "",
        "=" * 72,
        "  Support back office is running. Stop everything with Ctrl-C.",
        "",
        f"  Platform admin (tenant setup): http://{base}:{port}/admin/",
        f"      login: {PLATFORM_ADMIN[0]} / {DEMO_PASSWORD}",
        "",
        "  Contractants (staff login at each host):",
    ]
    for demo in DEMO_CONTRACTANTS:
        host = f"{demo.schema_name.replace('_', '-')}.{base}"
        lines.append(f"    {demo.name:<36} http://{host}:{port}/")
        lines.append(f"      login: {demo.staff_email} / {DEMO_PASSWORD}")
        if demo.is_supplier:
            lines.append(f"      staff without admin rights: {SUPPLIER_COLLEAGUE} / {DEMO_PASSWORD}")
    supplier = next(demo for demo in DEMO_CONTRACTANTS if demo.is_supplier)
    supplier_host = f"{supplier.schema_name.replace('_', '-')}.{base}"
    portal = f"http://{supplier_host}:{port}/portal/"
    smtp_host = os.environ.get("INBOUND_SMTP_HOST", "127.0.0.1")
    smtp_port = os.environ.get("INBOUND_SMTP_PORT", "2525")
    lines += [
        "",
        "  Mock Client Online (inspection): http://127.0.0.1:8765/",
        f"      admin endpoints: Authorization: Bearer {mock_admin_token()}",
        "",
        f"  E-mail in (SMTP, no login): {smtp_host}:{smtp_port}",
        f"      new task: support@{supplier_host}; a reply: the reply+… address of a task's e-mail",
        "",
        f"  Customer portal: {portal}",
        f"      accountant in three organisations: {PORTAL_ACCOUNTANT} / {DEMO_PASSWORD}",
        f"      organisation admin (a request waits): {PORTAL_ADMIN} / {DEMO_PASSWORD}",
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
