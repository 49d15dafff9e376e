"""docker compose runs the whole stack, each service with a healthcheck of its own."""

from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_every_service_has_a_healthcheck_and_the_mail_receiver_runs():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert {"postgres", "redis", "web", "worker", "client-online", "mail-in"} <= set(services)
    assert [name for name, service in services.items() if not service.get("healthcheck")] == []
    assert "/health/live" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["mail-in"]["command"] == "python manage.py receive_mail"
