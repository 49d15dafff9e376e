"""Custom attributes (kenmerken): definitions per type, values validated per type, portal flags enforced."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from contacts.models import AttributeDefinition, AttributeValue
from contacts.services.attributes import attribute_define, set_attribute_values
from tests.factories import ContactFactory


def define(actor, name, type="text", **options) -> AttributeDefinition:
    return attribute_define(actor=actor, name=name, type=type, **options)


def values_of(contact) -> dict[str, str]:
    return {value.definition.name: value.value for value in contact.attribute_values.select_related("definition")}


@pytest.fixture
def jan(in_supplier):
    return ContactFactory(first_name="Jan", last_name="Jansen")


@pytest.mark.parametrize(
    ("type", "choices_text", "stored_choices"),
    [
        ("text", "", []),
        ("boolean", "", []),
        ("choice", " Klein \n\nGroot\n", ["Klein", "Groot"]),
        ("date", "", []),
    ],
)
def test_each_attribute_type_can_be_defined_on_the_attributes_page(client_en, type, choices_text, stored_choices):
    response = client_en.post(
        "/contacts/attributes/", {"name": "Kenmerk", "type": type, "choices_text": choices_text, "position": 0}
    )

    assert response.headers["Location"] == "/contacts/attributes/"
    definition = AttributeDefinition.objects.get(name="Kenmerk")
    assert (definition.type, definition.choices) == (type, stored_choices)
    assert "Kenmerk" in client_en.get("/contacts/attributes/").content.decode()


def test_choices_are_dropped_for_a_type_that_has_none(supplier_user):
    definition = define(supplier_user, "Afdeling", "text", choices=["Verkoop"])

    assert definition.choices == []


def test_a_choice_attribute_without_choices_is_refused(supplier_user):
    with pytest.raises(ValidationError) as refused:
        define(supplier_user, "Pakket", "choice", choices=[" ", ""])

    assert refused.value.message_dict == {"choices": ["A choice attribute needs at least one choice."]}
    assert not AttributeDefinition.objects.exists()


def test_attributes_page_refuses_a_choice_attribute_without_choices(client_en):
    page = client_en.post(
        "/contacts/attributes/", {"name": "Pakket", "type": "choice", "choices_text": "", "position": 0}
    ).content.decode()

    assert "A choice attribute needs at least one choice." in page
    assert not AttributeDefinition.objects.exists()


def test_editable_in_portal_without_visible_in_portal_is_refused(supplier_user):
    with pytest.raises(ValidationError) as refused:
        define(supplier_user, "Nieuwsbrief", "boolean", visible_in_portal=False, editable_in_portal=True)

    assert "An attribute editable in the portal must also be visible there." in refused.value.messages
    assert not AttributeDefinition.objects.exists()


def test_attribute_names_are_unique_regardless_of_case(supplier_user):
    define(supplier_user, "Afdeling")

    with pytest.raises(ValidationError) as refused:
        define(supplier_user, "AFDELING ")

    assert "An attribute with this name already exists." in refused.value.messages
    assert AttributeDefinition.objects.count() == 1


def test_values_are_stored_canonically_per_type(jan, supplier_user):
    afdeling = define(supplier_user, "Afdeling")
    nieuwsbrief = define(supplier_user, "Nieuwsbrief", "boolean")
    pakket = define(supplier_user, "Pakket", "choice", choices=["Klein", "Groot"])
    jarig = define(supplier_user, "Verjaardag", "date")

    set_attribute_values(
        contact=jan,
        values={
            afdeling.pk: "  Verkoop ",
            nieuwsbrief.pk: "ja",
            pakket.pk: "Groot",
            jarig.pk: datetime.date(1980, 5, 17),
        },
        actor=supplier_user,
    )

    assert values_of(jan) == {
        "Afdeling": "Verkoop",
        "Nieuwsbrief": "true",
        "Pakket": "Groot",
        "Verjaardag": "1980-05-17",
    }
    assert AttributeValue.history.filter(contact_id=jan.pk, history_user=supplier_user).count() == 4


@pytest.mark.parametrize(
    ("type", "choices", "raw", "message"),
    [
        ("date", [], "31-12-2026", "Enter a date like 2026-12-31."),
        ("date", [], "2026-02-30", "Enter a date like 2026-12-31."),
        ("choice", ["Klein", "Groot"], "Middel", "Choose one of: Klein, Groot."),
        ("boolean", [], "misschien", "Choose yes or no."),
        ("text", [], "x" * 1001, "Use at most 1000 characters."),
    ],
)
def test_an_invalid_value_is_refused_and_nothing_is_saved(jan, supplier_user, type, choices, raw, message):
    afdeling = define(supplier_user, "Afdeling")
    set_attribute_values(contact=jan, values={afdeling.pk: "Verkoop"}, actor=supplier_user)
    checked = define(supplier_user, "Gecontroleerd", type, choices=choices)

    with pytest.raises(ValidationError) as refused:
        set_attribute_values(contact=jan, values={afdeling.pk: "Inkoop", checked.pk: raw}, actor=supplier_user)

    assert refused.value.message_dict == {str(checked.pk): [message]}
    assert values_of(jan) == {"Afdeling": "Verkoop"}


def test_an_empty_value_removes_the_stored_value(jan, supplier_user):
    afdeling = define(supplier_user, "Afdeling")
    set_attribute_values(contact=jan, values={afdeling.pk: "Verkoop"}, actor=supplier_user)

    set_attribute_values(contact=jan, values={afdeling.pk: "  "}, actor=supplier_user)

    assert values_of(jan) == {}


@pytest.mark.parametrize(
    ("visible", "editable"),
    [(False, False), (True, False)],
    ids=["hidden in the portal", "read-only in the portal"],
)
def test_portal_writes_are_refused_unless_visible_and_editable_there(jan, supplier_user, visible, editable):
    open_one = define(supplier_user, "Telefoon thuis", visible_in_portal=True, editable_in_portal=True)
    closed = define(supplier_user, "Interne notitie", visible_in_portal=visible, editable_in_portal=editable)
    set_attribute_values(contact=jan, values={closed.pk: "Goede klant"}, actor=supplier_user)

    with pytest.raises(ValidationError) as refused:
        set_attribute_values(
            contact=jan, values={open_one.pk: "0301234567", closed.pk: "Lastige klant"}, actor=jan, via_portal=True
        )

    # A hidden attribute does not exist for the portal; a visible read-only one says so.
    expected = "Interne notitie cannot be changed in the portal." if visible else "Unknown attribute."
    assert refused.value.message_dict == {str(closed.pk): [expected]}
    assert values_of(jan) == {"Interne notitie": "Goede klant"}


def test_portal_may_write_an_attribute_visible_and_editable_there(jan, supplier_user):
    open_one = define(supplier_user, "Telefoon thuis", visible_in_portal=True, editable_in_portal=True)

    set_attribute_values(contact=jan, values={open_one.pk: "0301234567"}, actor=None, via_portal=True)

    assert values_of(jan) == {"Telefoon thuis": "0301234567"}


def test_unknown_attribute_ids_are_refused(jan, supplier_user):
    with pytest.raises(ValidationError) as refused:
        set_attribute_values(contact=jan, values={987654: "x"}, actor=supplier_user)

    assert refused.value.message_dict == {"987654": ["Unknown attribute."]}
    assert not AttributeValue.objects.exists()


def test_contact_page_saves_attribute_values(client_en, jan, supplier_user):
    afdeling = define(supplier_user, "Afdeling")
    nieuwsbrief = define(supplier_user, "Nieuwsbrief", "boolean")
    jarig = define(supplier_user, "Verjaardag", "date")

    response = client_en.post(
        f"/contacts/{jan.pk}/attributes/",
        {f"attr_{afdeling.pk}": "Verkoop", f"attr_{nieuwsbrief.pk}": "true", f"attr_{jarig.pk}": "1980-05-17"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/contacts/{jan.pk}/", 302)]
    assert "Attributes saved." in response.content.decode()
    assert values_of(jan) == {"Afdeling": "Verkoop", "Nieuwsbrief": "true", "Verjaardag": "1980-05-17"}


def test_contact_page_refuses_a_bad_date_and_saves_nothing(client_en, jan, supplier_user):
    afdeling = define(supplier_user, "Afdeling")
    jarig = define(supplier_user, "Verjaardag", "date")

    response = client_en.post(
        f"/contacts/{jan.pk}/attributes/", {f"attr_{afdeling.pk}": "Verkoop", f"attr_{jarig.pk}": "17-05-1980"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Some attributes are not valid; nothing was saved." in page
    assert "Enter a date like 2026-12-31." in page
    assert values_of(jan) == {}


def test_contact_page_refuses_an_unknown_choice(client_en, jan, supplier_user):
    pakket = define(supplier_user, "Pakket", "choice", choices=["Klein", "Groot"])

    response = client_en.post(f"/contacts/{jan.pk}/attributes/", {f"attr_{pakket.pk}": "Middel"})

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert values_of(jan) == {}
