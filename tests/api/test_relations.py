"""Relations through the API: the list page's filters, cursor pages, and the services' rules."""

from __future__ import annotations

from django.db import connection

from audit.models import SecurityEvent
from relations.models import Relation
from tests.factories import RelationFactory


def test_list_filters_like_the_relation_list(api, in_supplier):
    RelationFactory(name="Bakkerij Jansen", city="Utrecht")
    RelationFactory(name="Jansen Bouw", is_active=False)
    RelationFactory(name="Van Dijk", kind=Relation.Kind.PERSON)
    names = lambda response: sorted(row["name"] for row in response.json()["results"])  # noqa: E731
    assert names(api.get("/api/relations/?q=jansen")) == ["Bakkerij Jansen", "Jansen Bouw"]
    assert names(api.get("/api/relations/?q=jansen&active=yes")) == ["Bakkerij Jansen"]
    assert names(api.get("/api/relations/?kind=person")) == ["Van Dijk"]


def test_a_filter_value_the_page_would_refuse_is_a_400_naming_it(api):
    response = api.get("/api/relations/?kind=planet")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_cursor_pages_walk_every_relation_once(api, in_supplier):
    made = {RelationFactory().pk for _ in range(5)}
    seen, url = [], "/api/relations/?page_size=2"
    while url:
        body = api.get(url).json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        assert "count" not in body
    assert set(seen) == made and len(seen) == len(made)


def test_list_reads_a_bounded_number_of_queries(api, in_supplier, django_assert_max_num_queries):
    for _ in range(30):
        RelationFactory()
    with django_assert_max_num_queries(8):  # host, token (+ last used), one page: not per row
        response = api.get("/api/relations/?page_size=30")
    assert len(response.json()["results"]) == 30


def test_create_records_the_token_owner_in_history_and_the_security_log(api, in_supplier, supplier_user):
    response = api.post(
        "/api/relations/",
        {"name": "Nieuwe Klant B.V.", "customer_number": "NK-1", "coc_number": "12345678", "postcode": "3511ce"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["postcode"] == "3511 CE"  # the model's own cleaning, as on the page
    connection.set_tenant(in_supplier)
    relation = Relation.objects.get(pk=body["id"])
    assert relation.history.get().history_user == supplier_user
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_WRITE)
    assert "Nieuwe Klant B.V." in event.summary and "Koppeling" in event.summary
    assert event.actor == supplier_user


def test_a_taken_customer_number_is_a_400_with_the_pages_message(api, in_supplier):
    RelationFactory(customer_number="DUP-1")
    response = api.post("/api/relations/", {"name": "Tweede", "customer_number": "dup-1"}, format="json")
    assert response.status_code == 400
    assert "customer number already exists" in str(response.json())
    connection.set_tenant(in_supplier)
    assert not Relation.objects.filter(name="Tweede").exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_WRITE).exists()


def test_a_bad_postcode_is_a_400_on_its_field(api):
    response = api.post(
        "/api/relations/", {"name": "Fout", "customer_number": "F-1", "postcode": "ABCD 12"}, format="json"
    )
    assert response.status_code == 400
    assert "postcode" in response.json()


def test_a_person_relation_needs_its_person_and_gets_a_contact(api, in_supplier):
    person = {"name": "J. de Vries", "customer_number": "P-1", "kind": "person"}
    response = api.post("/api/relations/", person, format="json")
    assert response.status_code == 400 and "person_data" in response.json()
    response = api.post(
        "/api/relations/",
        {
            "name": "J. de Vries",
            "customer_number": "P-1",
            "kind": "person",
            "person_data": {"first_name": "Jan", "last_name": "de Vries", "email": "jan@devries.test"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    connection.set_tenant(in_supplier)
    assert Relation.objects.get(pk=response.json()["id"]).person.email == "jan@devries.test"


def test_update_and_a_stale_version_is_a_409(api, in_supplier):
    relation = RelationFactory(name="Oud")
    response = api.patch(f"/api/relations/{relation.pk}/", {"name": "Nieuw", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Nieuw"
    assert response.json()["version"] == 2
    response = api.patch(f"/api/relations/{relation.pk}/", {"name": "Anders", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["version"] == 2
    connection.set_tenant(in_supplier)
    relation.refresh_from_db()
    assert relation.name == "Nieuw"


def test_detail_of_a_missing_relation_is_404(api):
    assert api.get("/api/relations/999999999/").status_code == 404
    assert api.delete("/api/relations/999999999/").status_code == 405
