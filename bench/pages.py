"""The HTML of the main staff and portal pages of the demo, written to a folder.

Builds a throw-away database with the demo data, logs in as the demo's staff member and portal
users, and writes every page, with whitespace collapsed and what differs from run to run (CSRF
tokens, UUID codes, the current time) replaced by placeholders. Run it before and after a change
that should not change what people see, and compare the folders:

    .venv/bin/python bench/pages.py /tmp/before      # on the old commit
    .venv/bin/python bench/pages.py /tmp/after       # on the new one
    diff -r /tmp/before /tmp/after
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "bench_pages"

_VARYING = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="CSRF"'),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), '"X-CSRFToken": "CSRF"'),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d)?"), "ISO-TIME"),
    (re.compile(r"\d\d-\d\d-\d{4} \d\d:\d\d(:\d\d)?"), "DATE-TIME"),
    (re.compile(r"/access/[^/\"]+/[^/\"]+/"), "/access/TOKEN/"),
]


def normalised(html: str) -> str:
    for pattern, replacement in _VARYING:
        html = pattern.sub(replacement, html)
    # One tag per line, whitespace between tags ignored, so a diff shows what changed.
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s*<", ">\n<", html).strip() + "\n"


def build_database(env: dict) -> None:
    import psycopg

    admin_url = env["DATABASE_URL"]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    env["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    subprocess.run([PYTHON, "manage.py", "migrate_all", "--verbosity", "0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed_demo"], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)


def write_pages(out: Path) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's ALLOWED_HOSTS; nothing else changes

    from contacts.models import Contact
    from demo.contractants import DEMO_CONTRACTANTS, DEMO_PASSWORD, PORTAL_ACCOUNTANT, PORTAL_ADMIN
    from relations.models import Relation
    from tasks.models import Task
    from tenants.models import Contractant
    from tenants.services import default_domain_for

    supplier = next(demo for demo in DEMO_CONTRACTANTS if demo.is_supplier)
    customer = next(demo for demo in DEMO_CONTRACTANTS if not demo.is_supplier)
    host = default_domain_for(supplier.schema_name)
    customer_host = default_domain_for(customer.schema_name)
    connection.set_tenant(Contractant.objects.get(schema_name=supplier.schema_name))
    relation = Relation.objects.order_by("customer_number").first()
    contact = Contact.objects.order_by("pk").first()
    task = Task.objects.order_by("pk").first()
    connection.set_schema_to_public()

    pages: dict[str, tuple[str, str, str | None]] = {
        # name: (host, path, who: staff / portal admin / portal accountant / None)
        "staff-login": (host, "/login/", None),
        "staff-home": (host, "/", "staff"),
        "relations": (host, "/relations/", "staff"),
        "relations-search": (host, "/relations/?q=jansen", "staff"),
        "relation": (host, f"/relations/{relation.pk}/", "staff"),
        "relation-subscriptions": (host, f"/relations/{relation.pk}/subscriptions/", "staff"),
        "relation-contacts": (host, f"/relations/{relation.pk}/contacts/", "staff"),
        "relation-tasks": (host, f"/relations/{relation.pk}/tasks/", "staff"),
        "relation-history": (host, f"/relations/{relation.pk}/history/", "staff"),
        "relation-relink": (host, f"/relations/{relation.pk}/relink/", "staff"),
        "contacts": (host, "/contacts/", "staff"),
        "contact": (host, f"/contacts/{contact.pk}/", "staff"),
        "attributes": (host, "/contacts/attributes/", "staff"),
        "tasks": (host, "/tasks/", "staff"),
        "tasks-page-2": (host, "/tasks/?page=2", "staff"),
        "tasks-open": (host, "/tasks/?status=open", "staff"),
        "task": (host, f"/tasks/{task.pk}/", "staff"),
        "task-new": (host, "/tasks/new/", "staff"),
        "support-tasks": (customer_host, "/tasks/support/", "customer-staff"),
        "sync": (host, "/sync/", "staff"),
        "security-log": (host, "/audit/", "staff"),
        "portal-login": (host, "/portal/login/", None),
        "portal-home": (host, "/portal/", "portal-admin"),
        "portal-requests": (host, "/portal/requests/", "portal-admin"),
        "portal-add-organisation": (host, "/portal/organisations/add/", "portal-accountant"),
    }
    logins = {
        "staff": (host, "/login/", supplier.staff_email),
        "customer-staff": (customer_host, "/login/", customer.staff_email),
        "portal-admin": (host, "/portal/login/", PORTAL_ADMIN),
        "portal-accountant": (host, "/portal/login/", PORTAL_ACCOUNTANT),
    }
    clients: dict[str | None, Client] = {}
    for who, (login_host, path, username) in logins.items():
        client = Client(HTTP_HOST=login_host)
        response = client.post(path, {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"login of {who} failed ({response.status_code})"
        clients[who] = client

    # The portal admin's organisation pages, reached the way a user does: from the home page.
    home = clients["portal-admin"].get("/portal/", HTTP_HOST=host, follow=True)
    org_path = home.redirect_chain[-1][0] if home.redirect_chain else None
    if org_path and "/o/" in org_path:
        base = org_path.split("/o/")[0] + "/o/" + org_path.split("/o/")[1].split("/")[0] + "/"
        for name, suffix in [
            ("portal-organisation", ""),
            ("portal-contacts", "contacts/"),
            ("portal-members", "members/"),
            ("portal-tasks", "tasks/"),
            ("portal-task-new", "tasks/new/"),
        ]:
            pages[name] = (host, base + suffix, "portal-admin")

    out.mkdir(parents=True, exist_ok=True)
    for name, (page_host, path, who) in pages.items():
        client = clients.get(who) or Client(HTTP_HOST=page_host)
        response = client.get(path, HTTP_HOST=page_host)
        body = normalised(response.content.decode())
        (out / f"{name}.html").write_text(normalised(f"<!-- {response.status_code} {path} -->\n") + body)
        print(f"{response.status_code} {name:28} {path}")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1]).resolve()
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)
    if os.environ.get("BENCH_PAGES_CHILD"):
        write_pages(out)
        return
    from config import embedded

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", CELERY_TASK_ALWAYS_EAGER="1")
    env["DATABASE_URL"] = env.get("DATABASE_URL") or embedded.postgres_url()
    env["REDIS_URL"] = env.get("REDIS_URL") or embedded.redis_url()
    build_database(env)
    env["BENCH_PAGES_CHILD"] = "1"
    subprocess.run([PYTHON, __file__, str(out)], cwd=BASE_DIR, env=env, check=True)


if __name__ == "__main__":
    main()
