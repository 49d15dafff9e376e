"""Staff relation pages: list with search and filters, create/edit with validation, tabs, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relations.models import Relation
from tests.conftest import ALPHA, STAFF_PASSWORD, client_for
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory

VALID = {
    "kind": "company",
    "name": "Bakkerij Jansen V.O.F.",
    "customer_number": "K2001",
    "coc_number": "12345678",
    "street": "Dorpsstraat",
    "house_number": "12",
    "postcode": "3811ab",
    "city": "Amersfoort",
    "country": "nl",
    "is_active": "on",
}


@pytest.fixture
def client_en(supplier_staff_client, in_supplier):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    return supplier_staff_client


def test_create_relation_normalises_the_dutch_postcode(client_en):
    response = client_en.post("/relations/new/", VALID)

    relation = Relation.objects.get(customer_number="K2001")
    assert response.headers["Location"] == f"/relations/{relation.pk}/"
    assert (relation.postcode, relation.country) == ("3811 AB", "NL")
    assert relation.history.get().history_user.username == "staff@brightsoft.test"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "38111 AB", "Enter a Dutch postcode like 1234 AB."),
        ("postcode", "1234 SS", "Enter a Dutch postcode like 1234 AB."),
        ("coc_number", "1234", "A KvK number has exactly 8 digits."),
        ("name", "", "This field is required."),
        ("customer_number", "K 1; drop", "Use letters, digits and hyphens only."),
    ],
)
def test_invalid_relation_input_is_refused_and_nothing_is_saved(client_en, field, value, message):
    response = client_en.post("/relations/new/", {**VALID, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Relation.objects.filter(customer_number=VALID["customer_number"]).exists()


def test_a_belgian_postcode_is_not_checked_as_dutch(client_en):
    client_en.post("/relations/new/", {**VALID, "country": "BE", "postcode": "1000"})

    assert Relation.objects.get(customer_number="K2001").postcode == "1000"


def test_customer_number_is_unique_regardless_of_case(client_en):
    RelationFactory(customer_number="K2001")

    response = client_en.post("/relations/new/", {**VALID, "customer_number": "k2001"})

    assert "already exists" in response.content.decode()
    assert Relation.objects.filter(customer_number__iexact="k2001").count() == 1


def test_edit_is_recorded_in_the_history_tab(client_en):
    relation = RelationFactory(name="Bakkerij Jansen", city="Utrecht")

    client_en.post(
        f"/relations/{relation.pk}/edit/",
        {
            **VALID,
            "customer_number": relation.customer_number,
            "city": "Amersfoort",
            "name": "Bakkerij Jansen",
            "version": relation.version,
        },
    )
    page = client_en.get(f"/relations/{relation.pk}/history/").content.decode()

    assert "staff@brightsoft.test" in page
    assert "<del>Utrecht</del>" in page and "<ins>Amersfoort</ins>" in page


def test_list_searches_and_filters(client_en):
    RelationFactory(name="Bakkerij Jansen", city="Amersfoort")
    RelationFactory(name="Van Dijk Bouw", city="Amsterdam", is_active=False)
    RelationFactory(name="J. de Vries", kind="person")

    by_name = client_en.get("/relations/?q=jansen").content.decode()
    inactive = client_en.get("/relations/?active=no").content.decode()
    persons = client_en.get("/relations/?kind=person").content.decode()

    assert "Bakkerij Jansen" in by_name and "Van Dijk" not in by_name
    assert "Van Dijk Bouw" in inactive and "Bakkerij" not in inactive
    assert "J. de Vries" in persons and "Bakkerij" not in persons


def test_list_htmx_request_gets_only_the_results_fragment(client_en):
    RelationFactory(name="Bakkerij Jansen")

    fragment = client_en.get("/relations/?q=bakker", HTTP_HX_REQUEST="true").content.decode()

    assert fragment.lstrip().startswith('<div id="results">')
    assert "Bakkerij Jansen" in fragment


def test_list_query_count_does_not_grow_with_rows(client_en):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_en.get("/relations/").status_code == 200
        return len(queries)

    for _ in range(5):
        TaskFactory(relations=[RelationFactory()])
    with_5 = queries_for_list()
    for _ in range(45):
        TaskFactory(relations=[RelationFactory()])
    with_50 = queries_for_list()

    assert with_5 == with_50 <= 10


def test_list_is_paginated(client_en):
    for n in range(30):
        RelationFactory(name=f"Relatie {n:02d}")

    first = client_en.get("/relations/").content.decode()
    second = client_en.get("/relations/?page=2").content.decode()

    assert "Page 1 of 2" in first and "Relatie 29" not in first
    assert "Relatie 29" in second


def test_every_tab_renders_with_its_empty_state(client_en):
    relation = RelationFactory(name="Lege relatie")

    assert "No postal address" not in client_en.get(f"/relations/{relation.pk}/").content.decode()
    assert "no subscriptions yet" in client_en.get(f"/relations/{relation.pk}/subscriptions/").content.decode()
    assert "No contacts are linked" in client_en.get(f"/relations/{relation.pk}/contacts/").content.decode()
    assert "no open tasks" in client_en.get(f"/relations/{relation.pk}/tasks/").content.decode()
    assert "Lege relatie" in client_en.get(f"/relations/{relation.pk}/history/").content.decode()


def test_subscriptions_tab_offers_binding_only_on_active_subscriptions(client_en):
    relation = RelationFactory()
    SubscriptionFactory(relation=relation, product="Actief product")
    SubscriptionFactory(relation=relation, product="Oud product", is_active=False)

    page = client_en.get(f"/relations/{relation.pk}/subscriptions/").content.decode()

    assert page.count(">Bind</button>") == 1
    assert "Only an active subscription can carry a technical setup." in page


def test_another_contractants_relation_ids_answer_404(in_supplier, alpha):
    supplier_relation = RelationFactory(name="Alleen bij de leverancier")
    connection.set_tenant(alpha)
    assert not Relation.objects.filter(pk=supplier_relation.pk).exists()
    client = client_for(ALPHA)
    client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})

    for suffix in ["", "edit/", "subscriptions/", "tasks/", "history/", "relink/"]:
        assert client.get(f"/relations/{supplier_relation.pk}/{suffix}").status_code == 404
    assert client.post(f"/relations/{supplier_relation.pk}/relink/", {"to": 1}).status_code == 404


@pytest.mark.parametrize("pk", ["0", "9223372036854775807", "9223372036854775808", "99999999999999999999999"])
def test_relation_ids_no_relation_has_answer_404(client_en, pk):
    for suffix in ["", "subscriptions/", "contacts/", "tasks/", "history/"]:
        assert client_en.get(f"/relations/{pk}/{suffix}").status_code == 404
