"""/health/live and /health/ready, as a load balancer, Kubernetes or docker compose asks them."""

from __future__ import annotations

import time

import pytest

from config.celery import app
from ops.services import record_worker_heartbeat
from ops.tasks import worker_heartbeat_task
from tests.conftest import SUPPLIER, client_for
from tests.ops.conftest import PUBLIC_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything_up(mock_client_online, mail_receiver):
    worker_heartbeat_task.delay()  # what the beat has a worker do every WORKER_HEARTBEAT_SECONDS
    return mock_client_online


def checks(response) -> dict:
    return {name: (check["status"], check["reason"]) for name, check in response.json()["checks"].items()}


def test_live_answers_without_asking_any_server(django_assert_num_queries, settings, nothing_listening):
    settings.REDIS_URL = f"redis://{nothing_listening}"
    with django_assert_num_queries(0):
        response = client_for(PUBLIC_HOST).get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client_for(SUPPLIER).get("/health/live").status_code == 200


def test_the_old_health_page_still_answers():
    response = client_for(SUPPLIER).get("/health/")
    assert response.status_code == 200 and response.content == b"ok"


def test_ready_answers_200_with_every_check_ok_when_everything_is_up(everything_up):
    for host in (PUBLIC_HOST, SUPPLIER.host):
        response = client_for(host).get("/health/ready")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "ok"
        assert checks(response) == {
            "database": ("ok", ""),
            "redis": ("ok", ""),
            "worker": ("ok", ""),
            "client_online": ("ok", ""),
            "mail_receiver": ("ok", ""),
        }
    assert response["Cache-Control"].startswith("max-age=0")


def test_client_online_and_mail_receiver_down_are_named_but_do_not_fail_readiness(settings, nothing_listening):
    record_worker_heartbeat()
    settings.CLIENT_ONLINE_URL = f"http://{nothing_listening}"
    host, port = nothing_listening.split(":")
    settings.HEALTH_MAIL_RECEIVER_HOST, settings.HEALTH_MAIL_RECEIVER_PORT = host, int(port)
    response = client_for(PUBLIC_HOST).get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["client_online"] == {
        "status": "failed",
        "required": False,
        "reason": "unreachable (ConnectError)",
    }
    assert body["checks"]["mail_receiver"]["status"] == "failed"
    assert body["checks"]["mail_receiver"]["reason"] == "unreachable (ConnectionRefusedError)"


def test_a_required_check_made_of_client_online_fails_readiness(settings, nothing_listening):
    record_worker_heartbeat()
    settings.HEALTH_READY_REQUIRED = ["database", "redis", "worker", "client_online"]
    settings.CLIENT_ONLINE_URL = f"http://{nothing_listening}"
    response = client_for(PUBLIC_HOST).get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["client_online"]["required"] is True


def test_ready_answers_503_naming_redis_when_redis_is_unreachable(everything_up, settings, nothing_listening):
    settings.REDIS_URL = f"redis://{nothing_listening}"
    response = client_for(SUPPLIER).get("/health/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "failed"
    assert checks(response)["redis"] == ("failed", "unreachable (ConnectionError)")
    assert checks(response)["database"] == ("ok", "")


def test_ready_answers_503_naming_the_worker_when_its_heartbeat_is_stale(everything_up, settings):
    record_worker_heartbeat(now=time.time() - 600)
    response = client_for(PUBLIC_HOST).get("/health/ready")
    assert response.status_code == 503
    status, reason = checks(response)["worker"]
    assert status == "failed"
    assert reason.startswith("heartbeat 60") and reason.endswith("s old (limit 120 s)")


def test_ready_answers_503_when_no_worker_ever_beat(mock_client_online, mail_receiver):
    response = client_for(PUBLIC_HOST).get("/health/ready")
    assert response.status_code == 503
    assert checks(response)["worker"] == ("failed", "no heartbeat recorded")


def test_the_beat_has_a_worker_write_the_heartbeat_often_enough(settings):
    entry = app.conf.beat_schedule["ops.worker_heartbeat"]
    assert entry["task"] == worker_heartbeat_task.name
    assert entry["schedule"] == settings.WORKER_HEARTBEAT_SECONDS < settings.WORKER_HEARTBEAT_MAX_AGE
    assert app.conf.beat_schedule["ops.refresh_platform_metrics"]["task"] == "ops.refresh_platform_metrics"


def test_probes_over_plain_http_are_not_redirected_in_production(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = client_for(PUBLIC_HOST)
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code in {200, 503}
    assert client.get("/metrics").status_code == 301


def test_the_endpoints_take_no_post():
    client = client_for(SUPPLIER)
    for url in ("/health/live", "/health/ready", "/metrics"):
        assert client.post(url).status_code == 405
