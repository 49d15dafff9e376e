"""Control characters in a contact's names, its links' job titles and its attributes are refused
by the page and the service alike, and nothing is saved (issue 14, bad input)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contacts.models import AttributeDefinition, AttributeValue, Contact
from contacts.services.attributes import attribute_define, set_attribute_values
from contacts.services.contacts import create_contact, update_contact
from contacts.services.links import link_contact
from tests.factories import ContactFactory, RelationFactory

REFUSED = "Line breaks, tabs and other control characters are not allowed here."


def test_the_create_page_refuses_a_line_break_in_a_name_and_creates_nothing(client_en):
    response = client_en.post(
        "/contacts/new/",
        {"first_name": "Jan\r\nBcc: x@example.test", "last_name": "Jansen", "email": "jan@bakkerij.test"},
    )

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Contact.objects.exists()


def test_the_edit_page_refuses_a_tab_in_a_job_title_and_saves_nothing(client_en):
    jan = ContactFactory(last_name="Jansen", job_title="Bakker")

    response = client_en.post(
        f"/contacts/{jan.pk}/edit/",
        {"last_name": "Jansen", "email": jan.email, "job_title": "Bak\tker", "kind": "person", "version": 1},
    )

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert Contact.objects.get(pk=jan.pk).job_title == "Bakker"


def test_the_contact_services_refuse_control_characters(supplier_user):
    jan = ContactFactory(last_name="Jansen")

    with pytest.raises(ValidationError) as on_create:
        create_contact(actor=supplier_user, last_name="Piet\u2029ersen", email="piet@bakkerij.test")
    with pytest.raises(ValidationError) as on_update:
        update_contact(contact=jan, actor=supplier_user, data={"last_name": "Jan\nsen"})
    with pytest.raises(ValidationError) as on_link:
        link_contact(contact=jan, relation=RelationFactory(), actor=supplier_user, job_title="Eigen\x85aar")

    assert on_create.value.message_dict["last_name"] == [REFUSED]
    assert on_update.value.message_dict["last_name"] == [REFUSED]
    assert on_link.value.message_dict["job_title"] == [REFUSED]
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Jansen"]
    assert not jan.links.exists()


def test_attribute_names_choices_and_text_values_refuse_control_characters(supplier_user):
    jan = ContactFactory()
    department = attribute_define(actor=supplier_user, name="Afdeling", type="text")

    with pytest.raises(ValidationError) as on_name:
        attribute_define(actor=supplier_user, name="Afd\reling", type="text")
    with pytest.raises(ValidationError) as on_choice:
        attribute_define(actor=supplier_user, name="Regio", type="choice", choices=["Noord", "Zu\x00id"])
    with pytest.raises(ValidationError) as on_value:
        set_attribute_values(contact=jan, values={department.pk: "Verkoop\nInkoop"}, actor=supplier_user)

    assert on_name.value.message_dict["name"] == [REFUSED]
    assert on_choice.value.message_dict["choices"] == [REFUSED]
    assert on_value.value.message_dict[str(department.pk)] == [REFUSED]
    assert list(AttributeDefinition.objects.values_list("name", flat=True)) == ["Afdeling"]
    assert not AttributeValue.objects.exists()
