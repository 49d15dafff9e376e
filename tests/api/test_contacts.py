"""Contacts and their links through the API: the duplicate e-mail check, attributes with their
portal flags, the list page's filters."""

from __future__ import annotations

from django.db import connection

from contacts.models import Contact, ContactLink
from contacts.services.attributes import attribute_define
from contacts.services.contacts import create_contact
from tests.factories import RelationFactory


def test_create_a_contact_linked_to_a_relation(api, in_supplier, supplier_user):
    relation = RelationFactory(name="Bakkerij Jansen")
    response = api.post(
        "/api/contacts/",
        {"first_name": "Anna", "last_name": "Jansen", "email": " Anna@Jansen.test ", "relation": relation.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["username"] == "anna@jansen.test"
    assert [link["relation_name"] for link in body["links"]] == ["Bakkerij Jansen"]
    connection.set_tenant(in_supplier)
    assert Contact.objects.get(pk=body["id"]).history.get().history_user == supplier_user


def test_a_taken_email_is_a_400_naming_the_existing_contact(api, in_supplier, supplier_user):
    existing = create_contact(actor=supplier_user, first_name="Piet", last_name="Bakker", email="piet@bakker.test")
    response = api.post("/api/contacts/", {"last_name": "Anders", "email": "PIET@bakker.test"}, format="json")
    assert response.status_code == 400
    assert response.json()["existing_contact"] == existing.pk
    assert "Piet Bakker" in response.json()["email"][0]
    connection.set_tenant(in_supplier)
    assert Contact.objects.count() == 1


def test_the_api_speaks_dutch_by_default_as_the_pages_do(make_key, in_supplier, supplier_user):
    from tests.api.conftest import api_client
    from tests.conftest import SUPPLIER

    create_contact(actor=supplier_user, first_name="Piet", last_name="Bakker", email="piet@bakker.test")
    client = api_client(SUPPLIER, make_key(), language="nl")
    response = client.post("/api/contacts/", {"last_name": "Anders", "email": "piet@bakker.test"}, format="json")
    assert "gebruikt dit e-mailadres al" in response.json()["email"][0]


def test_attributes_show_their_portal_flags_and_are_checked_by_type(api, in_supplier, supplier_user):
    department = attribute_define(
        actor=supplier_user, name="Afdeling", type="text", visible_in_portal=True, editable_in_portal=False
    )
    birthday = attribute_define(actor=supplier_user, name="Verjaardag", type="date")
    contact = create_contact(actor=supplier_user, last_name="Smit", email="smit@x.test")
    response = api.patch(
        f"/api/contacts/{contact.pk}/", {"attribute_values": {str(birthday.pk): "31-12-2026"}}, format="json"
    )
    assert response.status_code == 400 and str(birthday.pk) in response.json()
    response = api.patch(
        f"/api/contacts/{contact.pk}/",
        {"attribute_values": {str(department.pk): "Salaris", str(birthday.pk): "2026-12-31"}, "job_title": "Hoofd"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    attributes = {row["name"]: row for row in response.json()["attributes"]}
    assert attributes["Afdeling"] == {
        "id": department.pk,
        "name": "Afdeling",
        "type": "text",
        "value": "Salaris",
        "visible_in_portal": True,
        "editable_in_portal": False,
    }
    assert attributes["Verjaardag"]["value"] == "2026-12-31" and not attributes["Verjaardag"]["visible_in_portal"]
    assert response.json()["job_title"] == "Hoofd"


def test_list_filters_and_search_like_the_contact_list(api, in_supplier, supplier_user):
    relation = RelationFactory(name="Hoveniers Groen")
    create_contact(actor=supplier_user, last_name="Groen", email="a@x.test")
    create_contact(actor=supplier_user, last_name="Rood", email="b@x.test", relation=relation)
    create_contact(actor=supplier_user, last_name="Blauw", email="c@x.test", kind=Contact.Kind.SHARED)
    names = lambda url: sorted(row["last_name"] for row in api.get(url).json()["results"])  # noqa: E731
    assert names("/api/contacts/?q=groen") == ["Groen", "Rood"]  # by name, and by the relation's name
    assert names("/api/contacts/?kind=shared") == ["Blauw"]
    assert api.get("/api/contacts/?status=gone").status_code == 400


def test_list_reads_a_bounded_number_of_queries(api, in_supplier, supplier_user, django_assert_max_num_queries):
    relation = RelationFactory()
    attribute_define(actor=supplier_user, name="Afdeling", type="text")
    for number in range(20):
        create_contact(actor=supplier_user, last_name=f"Naam{number}", email=f"n{number}@x.test", relation=relation)
    with django_assert_max_num_queries(14):  # host, token, page, links, values, attributes
        response = api.get("/api/contacts/")
    assert len(response.json()["results"]) == 20


def test_links_add_change_and_remove(api, in_supplier, supplier_user):
    relation = RelationFactory(name="Eerste")
    other = RelationFactory(name="Tweede")
    contact = create_contact(actor=supplier_user, last_name="Smit", email="smit@x.test", relation=relation)
    response = api.post(
        f"/api/contacts/{contact.pk}/links/", {"relation": other.pk, "support_access": "all"}, format="json"
    )
    assert response.status_code == 201, response.json()
    link_pk = response.json()["id"]
    response = api.post(f"/api/contacts/{contact.pk}/links/", {"relation": other.pk}, format="json")
    assert response.status_code == 400 and "already linked" in str(response.json())
    assert [row["relation_name"] for row in api.get(f"/api/contacts/{contact.pk}/links/").json()] == [
        "Eerste",
        "Tweede",
    ]
    response = api.patch(f"/api/contacts/{contact.pk}/links/{link_pk}/", {"is_admin": True}, format="json")
    assert response.status_code == 200 and response.json()["is_admin"] is True
    response = api.patch(f"/api/contacts/{contact.pk}/links/{link_pk}/", {"support_access": "some"}, format="json")
    assert response.status_code == 400
    assert api.delete(f"/api/contacts/{contact.pk}/links/{link_pk}/").status_code == 204
    connection.set_tenant(in_supplier)
    assert list(ContactLink.objects.filter(contact=contact).values_list("relation__name", flat=True)) == ["Eerste"]
