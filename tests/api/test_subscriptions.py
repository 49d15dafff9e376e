"""Subscriptions and their technical setup through the API: one relation per contractant holds."""

from __future__ import annotations

from django.db import connection

from subscriptions.models import TechnicalSetup
from tests.factories import RelationFactory, SubscriptionFactory


def test_create_list_and_change_a_subscription(api, in_supplier):
    relation = RelationFactory()
    response = api.post(
        "/api/subscriptions/",
        {"relation": relation.pk, "product": "MaxCC Payroll", "start_date": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["technical_setup"] is None
    listed = api.get(f"/api/subscriptions/?relation={relation.pk}").json()["results"]
    assert [row["id"] for row in listed] == [pk]
    response = api.patch(f"/api/subscriptions/{pk}/", {"end_date": "2025-01-01"}, format="json")
    assert response.status_code == 400  # ends before it starts: the model's constraint
    response = api.patch(f"/api/subscriptions/{pk}/", {"product": "MaxCC HR"}, format="json")
    assert response.status_code == 200 and response.json()["product"] == "MaxCC HR"


def test_bind_a_contractant_once_and_a_second_relation_is_refused(api, in_supplier, alpha):
    first = SubscriptionFactory()
    second = SubscriptionFactory()
    response = api.post(
        f"/api/subscriptions/{first.pk}/setup/", {"contractant": alpha.pk, "database": alpha.database}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["technical_setup"]["contractant"] == alpha.pk

    response = api.post(
        f"/api/subscriptions/{second.pk}/setup/", {"contractant": alpha.pk, "database": alpha.database}, format="json"
    )
    assert response.status_code == 400
    assert "already bound" in str(response.json())
    connection.set_tenant(in_supplier)
    assert TechnicalSetup.objects.filter(contractant=alpha).count() == 1

    assert api.delete(f"/api/subscriptions/{first.pk}/setup/").status_code == 204
    connection.set_tenant(in_supplier)
    assert not TechnicalSetup.objects.exists()
    assert api.delete(f"/api/subscriptions/{first.pk}/setup/").status_code == 400


def test_bind_with_a_wrong_database_or_unknown_contractant_is_400(api, in_supplier, alpha):
    subscription = SubscriptionFactory()
    response = api.post(
        f"/api/subscriptions/{subscription.pk}/setup/", {"contractant": alpha.pk, "database": "elders"}, format="json"
    )
    assert response.status_code == 400 and "elders" in str(response.json())
    response = api.post(
        f"/api/subscriptions/{subscription.pk}/setup/", {"contractant": 99999999, "database": "x"}, format="json"
    )
    assert response.status_code == 400 and "contractant" in response.json()


def test_list_reads_a_bounded_number_of_queries(api, in_supplier, alpha, django_assert_max_num_queries):
    for _ in range(20):
        SubscriptionFactory()
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/subscriptions/").json()["results"]) == 20
