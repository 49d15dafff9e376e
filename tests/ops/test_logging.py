"""Every log line names the contractant's schema and the request id; the id is echoed to the
caller; production writes one JSON object per line."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.signals import task_prerun
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from ops.log_context import RequestContextFilter, request_id_var
from ops.tasks import worker_heartbeat_task
from tests.conftest import SUPPLIER, client_for

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
CHECK_SERVERS = {"DATABASE_URL": "postgresql://check@127.0.0.1:1/check", "REDIS_URL": "redis://127.0.0.1:1"}


@pytest.fixture
def json_lines():
    """A handler as settings.LOGGING builds it for production (its filter and JSON formatter) on
    Django's request logger, writing into a buffer."""
    options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter(**options))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_well_formed_incoming_request_id_is_kept_and_echoed():
    response = client_for(SUPPLIER).get("/health/live", HTTP_X_REQUEST_ID="edge-7f3a9c.42")
    assert response["X-Request-ID"] == "edge-7f3a9c.42"


@pytest.mark.parametrize("incoming", [None, "", "two words", "x" * 129, "id\r\nSet-Cookie: a=b", "../../etc", "é"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_fresh_one(incoming):
    extra = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    first = client_for(SUPPLIER).get("/health/live", **extra)["X-Request-ID"]
    second = client_for(SUPPLIER).get("/health/live", **extra)["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second and first != incoming


def test_log_lines_of_a_request_carry_its_schema_and_request_id_as_json(json_lines):
    response = client_for(SUPPLIER).get("/no-such-page/", HTTP_X_REQUEST_ID="req-123")
    assert response.status_code == 404 and response["X-Request-ID"] == "req-123"
    line = next(line for line in json_lines() if line["message"].startswith("Not Found"))
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["schema"] == SUPPLIER.schema_name
    assert line["request_id"] == "req-123"
    assert "time" in line


def test_an_unknown_hosts_404_is_answered_with_a_request_id():
    response = client_for("nobody.localhost").get("/")
    assert response.status_code == 404 and len(response["X-Request-ID"]) == 32


def run_settings(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMBEDDED_SERVERS": "0",
        **CHECK_SERVERS,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_logs_one_json_object_per_line_with_schema_and_request_id():
    result = run_settings(
        "import django, logging; django.setup(); logging.getLogger('ops.check').warning('Hallo %s', 'wereld')",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="check-only-not-a-real-secret-key-0123456789abcdefghijklmnop",
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "Hallo wereld"
    assert line["level"] == "WARNING" and line["logger"] == "ops.check"
    assert line["schema"] == "public" and line["request_id"] == "-"


def test_development_logs_plain_text_with_schema_and_request_id():
    result = run_settings(
        "import django, logging; django.setup(); logging.getLogger('ops.check').warning('Hallo')",
        DJANGO_ENV="development",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "WARNING ops.check [public -] Hallo"


def test_a_tasks_log_lines_carry_its_id_and_the_request_id_comes_back_after_it():
    seen = []

    def look(**_kwargs):
        seen.append(request_id_var.get())

    token = request_id_var.set("req-1")
    task_prerun.connect(look, weak=False)
    try:
        result = worker_heartbeat_task.apply()
        assert seen == [result.id]
        assert request_id_var.get() == "req-1"
    finally:
        task_prerun.disconnect(look)
        request_id_var.reset(token)
