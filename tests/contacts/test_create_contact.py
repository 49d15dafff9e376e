"""Creating contacts: the username is the normalised e-mail, one contact per e-mail, phones as E.164."""

from __future__ import annotations

import pytest

from contacts.models import Contact
from contacts.services.contacts import DuplicateContactError, create_contact
from tests.factories import ContactFactory, RelationFactory

NEW = {
    "first_name": "Jan",
    "last_name": "Jansen",
    "email": "jan.jansen@bakkerij.test",
    "phone": "",
    "job_title": "Salarisadministrateur",
    "kind": "person",
}


def test_username_is_the_trimmed_lower_cased_email(supplier_user):
    contact = create_contact(
        actor=supplier_user, first_name="Jan", last_name="Jansen", email="  Jan.Jansen@Bakkerij.TEST "
    )

    contact.refresh_from_db()
    assert contact.username == "jan.jansen@bakkerij.test"
    assert contact.email == "Jan.Jansen@Bakkerij.TEST"
    assert contact.history.get().history_user == supplier_user


def test_same_email_in_another_casing_or_with_spaces_is_refused_with_the_existing_contact(supplier_user):
    existing = create_contact(
        actor=supplier_user, first_name="Jan", last_name="Jansen", email="jan.jansen@bakkerij.test"
    )

    with pytest.raises(DuplicateContactError) as refused:
        create_contact(actor=supplier_user, first_name="J.", last_name="Jansen", email=" JAN.Jansen@bakkerij.test  ")

    assert refused.value.existing == existing
    assert refused.value.message_dict == {"email": ["Jan Jansen already uses this e-mail address."]}
    assert list(Contact.objects.values_list("pk", flat=True)) == [existing.pk]


def test_create_page_creates_the_contact_and_opens_it(client_en):
    response = client_en.post("/contacts/new/", NEW)

    contact = Contact.objects.get(username="jan.jansen@bakkerij.test")
    assert response.headers["Location"] == f"/contacts/{contact.pk}/"
    assert contact.history.get().history_user.username == "staff@brightsoft.test"


def test_create_page_refusal_names_and_links_the_existing_contact_and_creates_nothing(client_en):
    existing = ContactFactory(first_name="Jan", last_name="Jansen", email="jan.jansen@bakkerij.test")

    response = client_en.post("/contacts/new/", {**NEW, "first_name": "Johan", "email": " Jan.JANSEN@bakkerij.test "})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Jan Jansen already has this e-mail address." in page
    assert f'href="/contacts/{existing.pk}/"' in page
    assert list(Contact.objects.values_list("pk", flat=True)) == [existing.pk]


def test_create_from_a_relation_links_the_new_contact_to_it(client_en):
    relation = RelationFactory(name="Bakkerij Jansen")

    response = client_en.post(f"/relations/{relation.pk}/contacts/new/", NEW)

    contact = Contact.objects.get(username="jan.jansen@bakkerij.test")
    assert response.headers["Location"] == f"/contacts/{contact.pk}/"
    assert [link.relation for link in contact.links.all()] == [relation]
    assert "Jan Jansen" in client_en.get(f"/relations/{relation.pk}/contacts/").content.decode()


def test_the_relations_new_contact_page_is_linked_from_its_tab_and_from_the_old_address(client_en):
    relation = RelationFactory(name="Bakkerij Jansen")
    page = f"/relations/{relation.pk}/contacts/new/"

    tab = client_en.get(f"/relations/{relation.pk}/contacts/").content.decode()
    response = client_en.get(f"/contacts/new/?relation={relation.pk}", follow=True)

    assert f'href="{page}"' in tab
    assert response.redirect_chain == [(page, 302)]
    assert "for Bakkerij Jansen" in response.content.decode()


def test_create_from_a_relation_shows_the_job_title_on_the_relations_contacts_tab(client_en):
    relation = RelationFactory(name="Bakkerij Jansen")

    client_en.post(f"/relations/{relation.pk}/contacts/new/", NEW)

    tab = client_en.get(f"/relations/{relation.pk}/contacts/").content.decode()
    assert "<td>Salarisadministrateur</td>" in tab


def test_phone_is_stored_in_international_format(client_en):
    client_en.post("/contacts/new/", {**NEW, "phone": "06 12345678"})

    contact = Contact.objects.get(username="jan.jansen@bakkerij.test")
    assert str(contact.phone) == "+31612345678"
    assert "+31612345678" in client_en.get(f"/contacts/{contact.pk}/").content.decode()


def test_phone_given_to_the_service_is_stored_in_international_format(supplier_user):
    contact = create_contact(actor=supplier_user, last_name="Jansen", email="jan@bakkerij.test", phone="020 1234567")

    contact.refresh_from_db()
    assert str(contact.phone) == "+31201234567"


def test_invalid_phone_is_refused_with_a_clear_message(client_en):
    response = client_en.post("/contacts/new/", {**NEW, "phone": "12-ab"})

    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    assert not Contact.objects.exists()


def test_missing_last_name_and_invalid_email_are_refused(client_en):
    response = client_en.post("/contacts/new/", {**NEW, "last_name": "", "email": "jan@"})

    page = response.content.decode()
    assert "This field is required." in page
    assert "Enter a valid email address." in page
    assert not Contact.objects.exists()
