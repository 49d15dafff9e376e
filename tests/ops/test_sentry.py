"""Errors go to Sentry only when SENTRY_DSN is set, without personal data, tagged with the
environment and release from the settings."""

from __future__ import annotations

import json

from tests.ops.test_logging import run_settings

REPORT = (
    "import json, config.settings, sentry_sdk; client = sentry_sdk.get_client(); "
    "print(json.dumps({'active': client.is_active(), 'environment': client.options.get('environment'), "
    "'release': client.options.get('release'), 'pii': client.options.get('send_default_pii'), "
    "'integrations': sorted(client.integrations)}))"
)


def sentry_state(**env) -> dict:
    result = run_settings(REPORT, DJANGO_ENV="test", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sentry_is_not_started_without_a_dsn():
    assert sentry_state()["active"] is False


def test_with_a_dsn_sentry_reports_errors_of_django_and_celery_without_personal_data():
    state = sentry_state(
        SENTRY_DSN="https://public@sentry.invalid/1", RELEASE="2026.12.2", SENTRY_ENVIRONMENT="staging"
    )
    assert state["active"] is True
    assert state["environment"] == "staging" and state["release"] == "2026.12.2"
    assert state["pii"] is False
    assert {"django", "celery"} <= set(state["integrations"])
