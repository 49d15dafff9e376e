"""A person-relation (klant-persoon): the relation and the contact who is that person, one login."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contacts.models import Contact, ContactLink
from relations.models import Relation
from relations.services import create_person_relation
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory

PERSON = {
    "kind": "person",
    "name": "J. de Vries",
    "customer_number": "P3001",
    "coc_number": "",
    "street": "Dorpsstraat",
    "house_number": "12",
    "postcode": "3811 AB",
    "city": "Amersfoort",
    "country": "NL",
    "is_active": "on",
    "person_first_name": "Joke",
    "person_last_name": "de Vries",
    "person_email": "Joke.de.Vries@Thuis.test",
}


def test_person_relation_is_created_with_its_person_as_administrator(client_en):
    response = client_en.post("/relations/new/", PERSON)

    relation = Relation.objects.get(customer_number="P3001")
    assert response.headers["Location"] == f"/relations/{relation.pk}/"
    person = relation.person
    assert (person.full_name, person.username, relation.kind) == ("Joke de Vries", "joke.de.vries@thuis.test", "person")
    link = ContactLink.objects.get(contact=person, relation=relation)
    assert link.is_admin
    tab = client_en.get(f"/relations/{relation.pk}/contacts/").content.decode()
    assert "Joke de Vries" in tab and "the person" in tab


def test_an_existing_contact_with_that_email_is_linked_instead_of_duplicated(client_en):
    joke = ContactFactory(first_name="Joke", last_name="de Vries", email="joke.de.vries@thuis.test")
    company = RelationFactory(name="De Vries Advies")
    ContactLinkFactory(contact=joke, relation=company)

    client_en.post("/relations/new/", {**PERSON, "person_email": " JOKE.de.vries@thuis.test"})

    relation = Relation.objects.get(customer_number="P3001")
    assert relation.person == joke
    assert list(Contact.objects.values_list("pk", flat=True)) == [joke.pk]
    assert set(joke.links.values_list("relation_id", "is_admin")) == {(company.pk, False), (relation.pk, True)}


def test_person_relation_without_email_is_refused_and_nothing_is_created(client_en):
    response = client_en.post("/relations/new/", {**PERSON, "person_email": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Required for a person-relation." in page
    assert not Relation.objects.exists()
    assert not Contact.objects.exists()


def test_a_company_relation_needs_no_person(client_en):
    client_en.post("/relations/new/", {**PERSON, "kind": "company", "person_last_name": "", "person_email": ""})

    relation = Relation.objects.get(customer_number="P3001")
    assert relation.person is None
    assert not Contact.objects.exists()


def test_a_contact_can_be_the_person_of_only_one_person_relation(supplier_user):
    joke = ContactFactory(first_name="Joke", last_name="de Vries", email="joke@thuis.test")
    first = create_person_relation(
        actor=supplier_user, relation_data={"name": "J. de Vries", "customer_number": "P1"}, contact=joke
    )

    with pytest.raises(ValidationError) as refused:
        create_person_relation(
            actor=supplier_user,
            relation_data={"name": "Joke de Vries", "customer_number": "P2"},
            contact_data={"last_name": "de Vries", "email": "JOKE@thuis.test"},
        )

    assert refused.value.messages == ["Joke de Vries already is the person of J. de Vries."]
    assert list(Relation.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_persons_own_link_cannot_be_removed(client_en):
    client_en.post("/relations/new/", PERSON)
    relation = Relation.objects.get(customer_number="P3001")
    link = ContactLink.objects.get(relation=relation)

    page = client_en.post(
        f"/contacts/{relation.person_id}/links/{link.pk}/remove/", {"from": "relation"}, follow=True
    ).content.decode()

    assert "is the person of this person-relation; the link cannot be removed." in page
    assert ContactLink.objects.filter(pk=link.pk).exists()


def test_a_person_with_a_staff_login_name_is_refused_on_the_email_field(client_en):
    response = client_en.post("/relations/new/", {**PERSON, "person_email": "Staff@Brightsoft.test"})

    assert response.status_code == 200
    assert (
        '<p class="field-error">This e-mail address is already the login name of another account.</p>'
        in response.content.decode()
    )
    assert not Relation.objects.filter(customer_number=PERSON["customer_number"]).exists()


def test_a_line_break_in_the_persons_name_is_refused_and_nothing_is_created(client_en):
    response = client_en.post("/relations/new/", {**PERSON, "person_last_name": "de\r\nVries"})

    assert response.status_code == 200
    assert "Line breaks, tabs and other control characters are not allowed here." in response.content.decode()
    assert not Relation.objects.filter(customer_number=PERSON["customer_number"]).exists()
    assert not Contact.objects.filter(username="joke.de.vries@thuis.test").exists()
