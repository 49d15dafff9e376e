"""/metrics for a Prometheus scraper: hidden without the bearer token, and the platform's own
numbers (queues, outboxes, sync failures) beside django-prometheus's request metrics."""

from __future__ import annotations

import pytest
import redis
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from ops.services import record_worker_heartbeat, refresh_platform_metrics
from outbox.models import Event
from portal_sync.models import SyncFailure
from tenants.models import SyncOutbox
from tests.conftest import SUPPLIER, client_for
from tests.ops.conftest import PUBLIC_HOST

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-0123456789abcdef"
ELSEWHERE = "192.0.2.10"  # a scraper on another machine


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(host=PUBLIC_HOST, **headers):
    return client_for(host).get("/metrics", REMOTE_ADDR=ELSEWHERE, **headers)


def samples(response) -> dict:
    assert response["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_metrics_answer_404_without_the_right_token(token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert scrape(**extra).status_code == 404
    assert scrape(SUPPLIER.host, **extra).status_code == 404


def test_metrics_answer_404_to_everyone_when_no_token_is_set_and_loopback_is_off(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOW_LOOPBACK = False
    assert scrape(HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client_for(PUBLIC_HOST).get("/metrics").status_code == 404  # from 127.0.0.1


def test_outside_production_a_client_on_this_machine_reads_them_without_a_token(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOW_LOOPBACK = True
    assert client_for(PUBLIC_HOST).get("/metrics").status_code == 200
    assert scrape().status_code == 404


def test_metrics_with_the_token_carry_request_and_platform_metrics(token, settings, supplier, alpha):
    # Two messages waiting in the broker's default queue (one with a priority of its own).
    # In this test run's own Redis database (the cache's), not the broker other test runs share.
    settings.CELERY_BROKER_URL = settings.CACHES["default"]["LOCATION"]
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery", "celery\x06\x163")
    broker.lpush("celery", "one")
    broker.lpush("celery\x06\x163", "two")
    SyncOutbox.objects.create(contractant=supplier)
    connection.set_tenant(supplier)
    SyncFailure.objects.create(kind="user", key={"id": "x"}, error="refused", status_code=422)
    SyncFailure.objects.create(kind="client", key={"id": "y"}, error="refused", status_code=422)
    connection.set_tenant(alpha)
    Event.objects.create(kind="task.closed", payload={"task": 1})
    connection.set_schema_to_public()
    record_worker_heartbeat()
    refresh_platform_metrics()
    try:
        client_for(SUPPLIER).get("/health/live")
        response = scrape(HTTP_AUTHORIZATION=f"Bearer {token}")
    finally:
        broker.delete("celery", "celery\x06\x163")
    assert response.status_code == 200
    found = samples(response)
    assert found[("backoffice_celery_queue_length", (("queue", "celery"),))] == 2
    assert found[("backoffice_sync_outbox_pending", ())] == 1
    assert found[("backoffice_sync_outbox_oldest_age_seconds", ())] >= 0
    assert found[("backoffice_sync_failures_open", ())] == 2
    assert found[("backoffice_contractants_with_sync_failures", ())] == 1
    assert found[("backoffice_outbox_events_undelivered", ())] == 1
    assert found[("backoffice_worker_heartbeat_age_seconds", ())] < 60
    assert found[("backoffice_platform_metrics_age_seconds", ())] < 60
    # django-prometheus's own: requests by view and status, and their latency.
    requests = {
        labels: value
        for (name, labels), value in found.items()
        if name == "django_http_requests_total_by_view_transport_method_total"
    }
    assert any(("view", "ops:live") in labels for labels in requests)
    assert any(name == "django_http_requests_latency_seconds_by_view_method_count" for name, _labels in found)


def test_a_scrape_visits_no_contractant_schema(token, django_assert_max_num_queries):
    """However many contractants there are: the per-schema totals come from the beat's cache."""
    refresh_platform_metrics()
    # The outbox's one aggregate, and the search_path the connection sets for its host.
    with django_assert_max_num_queries(2):
        response = scrape(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_a_source_that_is_down_leaves_its_metric_out_and_the_rest_answers(token, settings, nothing_listening):
    settings.CELERY_BROKER_URL = f"redis://{nothing_listening}/0"
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    found = samples(response)
    assert not any(name == "backoffice_celery_queue_length" for name, _labels in found)
    assert ("backoffice_sync_outbox_pending", ()) in found
