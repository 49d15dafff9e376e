"""Changing a contact: a new e-mail is a new username, and never one another contact holds."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from contacts.models import Contact
from contacts.services.contacts import DuplicateContactError, update_contact
from tests.factories import ContactFactory


def form_data(contact: Contact, **changes) -> dict:
    data = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": str(contact.phone or ""),
        "job_title": contact.job_title,
        "kind": contact.kind,
        "version": contact.version,
    }
    return {**data, **changes}


def test_changing_the_email_changes_the_username(supplier_user):
    contact = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@oud.test")

    update_contact(contact=contact, actor=supplier_user, data={"email": " Jan.Jansen@Nieuw.TEST "})

    contact.refresh_from_db()
    assert (contact.email, contact.username) == ("Jan.Jansen@Nieuw.TEST", "jan.jansen@nieuw.test")
    assert contact.history.latest().history_user == supplier_user


def test_changing_the_email_renames_the_portal_login(supplier_user):
    user = get_user_model().objects.create_user(username="jan@oud.test", email="jan@oud.test", password="x")
    contact = ContactFactory(email="jan@oud.test", user=user)

    update_contact(contact=contact, actor=supplier_user, data={"email": "jan@nieuw.test"})

    user.refresh_from_db()
    assert (user.username, user.email) == ("jan@nieuw.test", "jan@nieuw.test")


def test_edit_page_changes_the_email_and_username(client_en):
    contact = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@oud.test")

    response = client_en.post(f"/contacts/{contact.pk}/edit/", form_data(contact, email="Jan@Nieuw.test"))

    assert response.headers["Location"] == f"/contacts/{contact.pk}/"
    contact.refresh_from_db()
    assert contact.username == "jan@nieuw.test"


def test_an_email_another_contact_holds_is_refused_and_nothing_changes(supplier_user):
    piet = ContactFactory(first_name="Piet", last_name="Pietersen", email="piet@bakkerij.test")
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test")

    with pytest.raises(DuplicateContactError) as refused:
        update_contact(contact=jan, actor=supplier_user, data={"email": "PIET@bakkerij.test", "last_name": "Janssen"})

    assert refused.value.existing == piet
    assert refused.value.messages == ["Piet Pietersen already uses this e-mail address."]
    jan.refresh_from_db()
    assert (jan.email, jan.username, jan.last_name) == ("jan@bakkerij.test", "jan@bakkerij.test", "Jansen")
    assert jan.history.count() == 1


def test_edit_page_refuses_an_email_another_contact_holds_and_links_to_it(client_en):
    piet = ContactFactory(first_name="Piet", last_name="Pietersen", email="piet@bakkerij.test")
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test")

    response = client_en.post(f"/contacts/{jan.pk}/edit/", form_data(jan, email=" Piet@Bakkerij.test"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Piet Pietersen already has this e-mail address." in page
    assert f'href="/contacts/{piet.pk}/"' in page
    jan.refresh_from_db()
    assert (jan.email, jan.username) == ("jan@bakkerij.test", "jan@bakkerij.test")


def test_changing_only_the_casing_of_the_own_email_is_allowed(supplier_user):
    jan = ContactFactory(email="jan@bakkerij.test")

    update_contact(contact=jan, actor=supplier_user, data={"email": "Jan@Bakkerij.test"})

    jan.refresh_from_db()
    assert (jan.email, jan.username) == ("Jan@Bakkerij.test", "jan@bakkerij.test")
