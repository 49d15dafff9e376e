"""An address that is already someone's login name is refused on the e-mail field, never a
500 from the login's unique username (issue 14, bad input)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from contacts.models import Contact
from contacts.services.contacts import DuplicateContactError, create_contact, update_contact
from contacts.services.merge import merge_contacts
from tests.conftest import SUPPLIER
from tests.factories import ContactFactory

TAKEN = "This e-mail address is already the login name of another account."


def with_login(contact: Contact) -> Contact:
    login = get_user_model().objects.create_user(username=contact.username, email=contact.email, password="x")
    Contact.objects.filter(pk=contact.pk).update(user=login)
    return Contact.objects.get(pk=contact.pk)


def edit_form(contact: Contact, **changes) -> dict:
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": "",
        "job_title": contact.job_title,
        "kind": contact.kind,
        "version": contact.version,
        **changes,
    }


def test_the_edit_page_refuses_a_staff_login_name_on_the_email_field_and_saves_nothing(client_en):
    jan = with_login(ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test"))

    response = client_en.post(f"/contacts/{jan.pk}/edit/", edit_form(jan, email=SUPPLIER.staff_email.upper()))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<p class="field-error">{TAKEN}</p>' in page
    assert page.index(TAKEN) > page.index('name="email"')  # under the e-mail field, not the form's top
    stored = Contact.objects.get(pk=jan.pk)
    assert (stored.email, stored.username, stored.version) == ("jan@bakkerij.test", "jan@bakkerij.test", 1)
    assert stored.user.username == "jan@bakkerij.test"
    assert get_user_model().objects.get(username=SUPPLIER.staff_email).is_staff


def test_a_contact_without_a_login_cannot_take_a_staff_login_name_either(supplier_user):
    jan = ContactFactory(email="jan@bakkerij.test")

    with pytest.raises(DuplicateContactError) as refused:
        update_contact(contact=jan, actor=supplier_user, data={"email": f" {SUPPLIER.staff_email} "})

    assert (refused.value.existing, refused.value.messages) == (None, [TAKEN])
    assert Contact.objects.get(pk=jan.pk).username == "jan@bakkerij.test"


def test_another_contacts_login_name_is_refused_even_when_that_contact_changed_address(supplier_user):
    piet = with_login(ContactFactory(email="piet@bakkerij.test"))
    # Piet's address changed outside the services; his login kept the old name.
    Contact.objects.filter(pk=piet.pk).update(email="p@bakkerij.test", username="p@bakkerij.test")
    jan = with_login(ContactFactory(email="jan@bakkerij.test"))

    with pytest.raises(DuplicateContactError) as refused:
        update_contact(contact=jan, actor=supplier_user, data={"email": "Piet@Bakkerij.test"})

    assert refused.value.messages == [TAKEN]
    assert Contact.objects.get(pk=jan.pk).user.username == "jan@bakkerij.test"


def test_a_login_name_taken_at_the_database_is_refused_not_a_server_error(supplier_user):
    # A portal login no contact holds: not counted as taken (a new contact would be given it),
    # but renaming Jan's own login to it hits auth's unique username.
    get_user_model().objects.create_user(username="los@bakkerij.test", email="los@bakkerij.test", password="x")
    jan = with_login(ContactFactory(last_name="Jansen", email="jan@bakkerij.test"))

    with pytest.raises(DuplicateContactError) as refused:
        update_contact(contact=jan, actor=supplier_user, data={"email": "los@bakkerij.test", "last_name": "Janssen"})

    assert refused.value.messages == [TAKEN]
    assert (jan.email, jan.last_name) == ("jan@bakkerij.test", "Jansen")  # the instance is as saved
    stored = Contact.objects.get(pk=jan.pk)
    assert (stored.username, stored.last_name, stored.version, stored.user.username) == (
        "jan@bakkerij.test",
        "Jansen",
        1,
        "jan@bakkerij.test",
    )


def test_a_new_contact_cannot_have_a_staff_login_name(supplier_user):
    with pytest.raises(DuplicateContactError) as refused:
        create_contact(actor=supplier_user, last_name="Staf", email=SUPPLIER.staff_email)

    assert refused.value.messages == [TAKEN]
    assert not Contact.objects.filter(username=SUPPLIER.staff_email).exists()


def test_the_create_page_says_so_on_the_email_field(client_en):
    response = client_en.post(
        "/contacts/new/", {"first_name": "", "last_name": "Staf", "email": SUPPLIER.staff_email, "kind": "person"}
    )

    assert response.status_code == 200
    assert f'<p class="field-error">{TAKEN}</p>' in response.content.decode()
    assert not Contact.objects.filter(last_name="Staf").exists()


def test_a_merge_does_not_rename_a_login_to_a_staff_login_name(supplier_user):
    # Legacy data: a contact with a staff member's address (refused for new contacts now).
    survivor = ContactFactory(email=SUPPLIER.staff_email)
    duplicate = with_login(ContactFactory(email="dubbel@bakkerij.test"))
    login = duplicate.user

    merge_contacts(survivor=survivor, duplicate=duplicate, actor=supplier_user)

    login.refresh_from_db()
    assert (login.username, login.is_active) == ("dubbel@bakkerij.test", False)
    assert Contact.objects.get(pk=survivor.pk).user is None
