"""Two staff members editing one contact: the second save from a stale form is refused, with
what changed meanwhile, and the first one's change is kept (issue 14, lost updates)."""

from __future__ import annotations

import re

import pytest

from audit.updates import StaleVersionError
from contacts.models import Contact
from contacts.services.contacts import update_contact
from tests.conftest import SUPPLIER, logged_in_staff
from tests.factories import ContactFactory


def english_staff_client():
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def version_on(page: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert found, "the edit form carries no version"
    return found.group(1)


def form_data(contact: Contact, version: str, **changes) -> dict:
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": str(contact.phone or ""),
        "job_title": contact.job_title,
        "kind": contact.kind,
        "version": version,
        **changes,
    }


def test_a_save_from_a_stale_form_is_refused_and_the_first_save_is_kept(in_supplier):
    anna, bert = english_staff_client(), english_staff_client()
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test", job_title="Bakker")
    url = f"/contacts/{jan.pk}/edit/"
    annas_version = version_on(anna.get(url).content.decode())
    berts_version = version_on(bert.get(url).content.decode())

    first = bert.post(url, form_data(jan, berts_version, job_title="Eigenaar"))
    second = anna.post(url, form_data(jan, annas_version, email="jan.jansen@bakkerij.test"))

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved changes after you opened this form, so yours were not saved." in page
    assert "Job title: now “Eigenaar”, yours “Bakker”." in page
    assert "E-mail address: now “jan@bakkerij.test”, yours “jan.jansen@bakkerij.test”." in page
    assert 'value="jan.jansen@bakkerij.test"' in page
    assert version_on(page) == "2"
    stored = Contact.objects.get(pk=jan.pk)
    assert (stored.job_title, stored.email, stored.username, stored.version) == (
        "Eigenaar",
        "jan@bakkerij.test",
        "jan@bakkerij.test",
        2,
    )


def test_update_contact_refuses_a_stale_version_and_saves_nothing(supplier_user):
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test")
    update_contact(contact=jan, actor=supplier_user, data={"last_name": "Janssen"}, version=1)

    with pytest.raises(StaleVersionError) as refused:
        update_contact(
            contact=Contact.objects.get(pk=jan.pk),
            actor=supplier_user,
            data={"last_name": "Jansen", "email": "j@bakkerij.test"},
            version=1,
        )

    assert refused.value.code == "stale"
    assert refused.value.differences == [
        ("Last name", "Janssen", "Jansen"),
        ("E-mail address", "jan@bakkerij.test", "j@bakkerij.test"),
    ]
    stored = Contact.objects.get(pk=jan.pk)
    assert (stored.last_name, stored.username, stored.version) == ("Janssen", "jan@bakkerij.test", 2)
    assert stored.history.count() == 2


def test_the_portal_and_the_workers_raise_the_version_without_a_form(supplier_user):
    jan = ContactFactory(last_name="Jansen")

    update_contact(contact=jan, actor=supplier_user, data={"last_name": "Janssen"})

    assert Contact.objects.get(pk=jan.pk).version == 2
