"""Browser journeys: Debian's Chromium, driven by Playwright, against the real server.

The server is `manage.py runserver` in its own process (production-like: DEBUG off) on the
test database. The journeys' data is committed in throw-away contractants (the server is
another process with its own connection) and removed when the journeys are done.
Screenshots go to `screenshots/journeys/` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import remove_committed_contractants

BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = BASE_DIR / "screenshots" / "journeys"
# The live processes' e-mails and attachments (emptied at the start of a run).
JOURNEY_FILES = BASE_DIR / ".local" / "journeys"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Reis-wachtwoord-2026"
OPERATOR = "operator@platform.test"
# The journeys' own contractants: a supplier with the demo data and the customers it binds.
SUPPLIER_SCHEMA = "journey"
CUSTOMER_SCHEMAS = {"bakkerij_jansen": "journey_bakkerij", "van_dijk_bouw": "journey_dijk"}
NEW_SCHEMA = "journey_new"  # made by the operator in the admin journey
ALL_SCHEMAS = [SUPPLIER_SCHEMA, *CUSTOMER_SCHEMAS.values(), NEW_SCHEMA]


@dataclass(frozen=True)
class LiveSite:
    port: int

    def url(self, schema_name: str | None = None, path: str = "/") -> str:
        host = (
            settings.BASE_DOMAIN if schema_name is None else f"{schema_name.replace('_', '-')}.{settings.BASE_DOMAIN}"
        )
        return f"http://{host}:{self.port}{path}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _remove_journey_contractants() -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model

    remove_committed_contractants(ALL_SCHEMAS)
    # The operator lives in the public schema, which has no tenant history tables for a
    # cascading delete to visit: remove its admin log and the row itself.
    operator_ids = list(get_user_model().objects.filter(username=OPERATOR).values_list("pk", flat=True))
    LogEntry.objects.filter(user_id__in=operator_ids).delete()
    get_user_model().objects.filter(pk__in=operator_ids)._raw_delete(connection.alias)


def _seed_journey_data() -> None:
    from django.contrib.auth import get_user_model

    from demo.supplier import seed_supplier_demo
    from tenants.models import Contractant
    from tenants.services import default_domain_for, provision_contractant

    customers = {}
    for demo_schema, schema_name in CUSTOMER_SCHEMAS.items():
        customers[demo_schema] = provision_contractant(
            name=f"Reis {demo_schema.replace('_', ' ').title()}",
            schema_name=schema_name,
            domain=default_domain_for(schema_name),
            admin_email=f"beheer@{schema_name.replace('_', '-')}.test",
            admin_password=PASSWORD,
        )
    supplier = provision_contractant(
        name="Reis Leverancier",
        schema_name=SUPPLIER_SCHEMA,
        domain=default_domain_for(SUPPLIER_SCHEMA),
        admin_email="staff@journey.test",
        admin_password=PASSWORD,
        role="supplier",
    )
    connection.set_tenant(supplier)
    seed_supplier_demo(actor_email="staff@journey.test", customers=customers, task_count=60)
    # The demo portal logins get this suite's password.
    for user in get_user_model().objects.filter(is_staff=False):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    connection.set_schema_to_public()
    get_user_model().objects.create_superuser(username=OPERATOR, email=OPERATOR, password=PASSWORD)
    assert Contractant.objects.filter(schema_name__in=ALL_SCHEMAS).count() == len(ALL_SCHEMAS) - 1


def pytest_collection_modifyitems(items):
    # Each journey test runs in pytest-django's rolled-back transaction: its own reads see
    # what the server committed, and pytest-django creates the test database for it.
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.django_db)


# With Playwright's event loop running, the tests' connection is not the one package
# fixtures see; it is closed with the journeys so the test database can be dropped.
_TEST_CONNECTIONS: list = []


@pytest.fixture(autouse=True)
def _remember_test_connection():
    from django.db import connections

    _TEST_CONNECTIONS.append(connections["default"])


@pytest.fixture(scope="package")
def journey_data(django_db_setup, django_db_blocker):
    # pytest-django sets up the test database only for tests marked for it (see
    # `pytest_collection_modifyitems` below); never commit journey data anywhere else.
    assert connection.settings_dict["NAME"].startswith("test_"), "journeys need the test database"
    shutil.rmtree(JOURNEY_FILES, ignore_errors=True)
    with django_db_blocker.unblock():
        _remove_journey_contractants()  # what an interrupted earlier run left behind
        _seed_journey_data()
    yield
    with django_db_blocker.unblock():
        _remove_journey_contractants()
    from django.db import connections

    for test_connection in _TEST_CONNECTIONS:
        if test_connection is not connections["default"] and not test_connection.in_atomic_block:
            test_connection.close()


LIVE_SITE_APPLICATION = "journeys-live-site"


def _wait_for_server_connections_to_close() -> None:
    """PostgreSQL ends a stopped server's sessions a moment later; the test database can
    only be dropped at the end of the run once they are gone."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                [LIVE_SITE_APPLICATION],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture(scope="package")
def live_site(journey_data, tmp_path_factory, django_db_blocker):
    """The site as a visitor reaches it: a separate server process on a free port."""
    db = connection.settings_dict
    port = _free_port()
    log = tmp_path_factory.mktemp("live_site") / "server.log"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "SITE_PORT": str(port),  # the admin's links to contractant hosts
        "PYTHONUNBUFFERED": "1",
        "PGAPPNAME": LIVE_SITE_APPLICATION,
        # E-mails as files the journeys read; attachments where this process seeded the demo.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(JOURNEY_FILES / "mail"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # where the journeys seeded the demo files
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            # --insecure: serve static files from the apps with DEBUG off, as WhiteNoise does in production.
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    site = LiveSite(port)
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health/", headers={"Host": f"journey.{settings.BASE_DOMAIN}"})
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the live server did not start:\n{log.read_text()}") from None
            time.sleep(0.1)
    yield site
    process.terminate()
    process.wait(15)
    with django_db_blocker.unblock():
        _wait_for_server_connections_to_close()
    # A refused page (403) is logged with its traceback too; only server errors count here.
    server_errors = [
        line for line in log.read_text().splitlines() if '" 500 ' in line or "Internal Server Error" in line
    ]
    assert not server_errors, "the server answered with errors:\n" + "\n".join(server_errors)


@pytest.fixture(scope="package")
def mail_receiver(live_site, tmp_path_factory):
    """`manage.py receive_mail` as make run starts it, on a free port, on the test database."""
    db = connection.settings_dict
    port = _free_port()
    log = tmp_path_factory.mktemp("mail_receiver") / "receiver.log"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "INBOUND_SMTP_PORT": str(port),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(JOURNEY_FILES / "mail"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # where the journeys seeded the demo files
        "SITE_PORT": str(live_site.port),
        "PYTHONUNBUFFERED": "1",
        "PGAPPNAME": LIVE_SITE_APPLICATION,
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "receive_mail"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the mail receiver did not start:\n{log.read_text()}") from None
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(15)


@pytest.fixture(scope="package")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM checks between steps
    # are ordinary blocking calls made between browser steps, never inside the loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_failed = report.failed
    return report


@pytest.fixture
def new_page(browser, request):
    """A fresh browser profile per person (its own cookies), Dutch first as our users are.
    When the journey fails, every open page is saved as it was."""
    contexts = []

    def open_page(locale: str = "nl-NL"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for number, context in enumerate(contexts, start=1):
        if getattr(request.node, "journey_failed", False):
            for page in context.pages:
                page.screenshot(
                    path=str(SCREENSHOTS / f"{journey_name(request)}-FAILED-person{number}.png"), full_page=True
                )
        context.close()


class Camera:
    """Numbered screenshots per journey, so a failed run shows how far a person got."""

    def __init__(self, journey: str):
        self.journey = journey
        self.count = 0

    def __call__(self, page, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(SCREENSHOTS / f"{self.journey}-{self.count:02d}-{step}.png"), full_page=True)


def journey_name(request) -> str:
    return request.node.name.removeprefix("test_")


@pytest.fixture
def camera(request):
    name = journey_name(request)
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()
    return Camera(name)


@pytest.fixture
def orm(django_db_blocker):
    """Read committed data the way the server sees it, between browser steps."""

    @contextmanager
    def in_schema(schema_name: str | None = None):
        from tenants.models import Contractant

        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            if schema_name:
                connection.set_tenant(Contractant.objects.get(schema_name=schema_name))
            try:
                yield
            finally:
                connection.set_schema_to_public()

    return in_schema
