"""Dutch names: first name, tussenvoegsel and last name; shown "Jan de Vries", sorted
"Vries, Jan de", and the duplicate check ignores case, accents and prefixes."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from contacts.models import Contact
from contacts.selectors import NAME_KEY_ORDER, contact_list, contact_search, name_key_starts
from contacts.services.contacts import create_contact, find_duplicates, update_contact
from tests.factories import ContactFactory

migration = importlib.import_module("contacts.migrations.0005_dutch_names_and_merge")


@pytest.mark.parametrize(
    ("last_name", "expected"),
    [
        ("de Vries", ("de", "Vries")),
        ("van der Berg", ("van der", "Berg")),
        ("Van den Heuvel", ("Van den", "Heuvel")),
        ("ter Horst", ("ter", "Horst")),
        ("ten Cate", ("ten", "Cate")),
        ("'t Hart", ("'t", "Hart")),
        ("van 't Hek", ("van 't", "Hek")),
        ("in 't Veld", ("in 't", "Veld")),
        ("Jansen", ("", "Jansen")),
        ("De", ("", "De")),
        ("Vries-de Wit", ("", "Vries-de Wit")),
        ("Denekamp", ("", "Denekamp")),
    ],
)
def test_the_migration_splits_known_prefixes_off_the_last_name(last_name, expected):
    assert migration.split_last_name(last_name) == expected


def test_the_migration_splits_todays_data_and_its_reverse_joins_it_again(in_supplier):
    from django.apps import apps

    jan = ContactFactory(first_name="Jan", last_name="Vries")
    Contact.objects.filter(pk=jan.pk).update(last_name="van der Vries", infix="")
    piet = ContactFactory(first_name="Piet", last_name="Jansen")

    migration.split_infixes(apps, connection.schema_editor())
    jan.refresh_from_db()
    piet.refresh_from_db()
    assert (jan.infix, jan.last_name, jan.full_name) == ("van der", "Vries", "Jan van der Vries")
    assert (piet.infix, piet.last_name) == ("", "Jansen")

    migration.join_infixes(apps, connection.schema_editor())
    jan.refresh_from_db()
    assert (jan.infix, jan.last_name) == ("", "van der Vries")


def test_a_prefix_typed_in_the_last_name_becomes_the_infix(supplier_user):
    jan = create_contact(actor=supplier_user, first_name="Jan", last_name="de Vries", email="jan@vries.test")

    assert (jan.first_name, jan.infix, jan.last_name) == ("Jan", "de", "Vries")
    assert jan.full_name == "Jan de Vries"
    assert jan.sort_name == "Vries, Jan de"


def test_the_portal_s_edit_without_an_infix_keeps_the_infix(supplier_user):
    jan = create_contact(actor=supplier_user, first_name="Jan", infix="de", last_name="Vries", email="jan@vries.test")

    update_contact(contact=jan, actor=supplier_user, data={"first_name": "Johan", "last_name": "Vries"})

    jan.refresh_from_db()
    assert jan.full_name == "Johan de Vries"


def test_the_list_sorts_by_last_name_without_the_prefix(supplier_user):
    for first, last, email in [
        ("Jan", "de Vries", "jan@x.test"),
        ("Anna", "van Dam", "anna@x.test"),
        ("Kees", "Bakker", "kees@x.test"),
        ("Piet", "de Wit", "piet@x.test"),
    ]:
        create_contact(actor=supplier_user, first_name=first, last_name=last, email=email)

    assert [c.sort_name for c in contact_list()] == ["Bakker, Kees", "Dam, Anna van", "Vries, Jan de", "Wit, Piet de"]


def test_the_contact_list_page_is_in_dutch_order(client_en, supplier_user):
    create_contact(actor=supplier_user, first_name="Jan", last_name="de Vries", email="jan@x.test")
    create_contact(actor=supplier_user, first_name="Kees", last_name="Bakker", email="kees@x.test")
    create_contact(actor=supplier_user, first_name="Anna", last_name="van Dam", email="anna@x.test")

    page = client_en.get("/contacts/").content.decode()

    assert page.index("Kees Bakker") < page.index("Anna van Dam") < page.index("Jan de Vries")


@pytest.mark.parametrize("stored", [("jan", "De", "vries"), ("Jan", "", "Vriës"), ("JAN", "", "de VRIES")])
def test_the_duplicate_check_ignores_case_accents_and_prefixes(in_supplier, stored):
    first, infix, last = stored
    existing = ContactFactory(first_name=first, infix=infix, last_name=last)

    assert find_duplicates(email="", first_name="Jan", infix="", last_name="de Vries") == [existing]
    assert find_duplicates(email="", first_name="Jan", infix="de", last_name="Vries") == [existing]
    assert find_duplicates(email="", name="Jan de Vries") == [existing]


def test_the_duplicate_check_does_not_match_another_person(in_supplier):
    ContactFactory(first_name="Jan", last_name="Vries")

    assert find_duplicates(email="", first_name="Piet", last_name="de Vries") == []
    assert find_duplicates(email="", first_name="Jan", last_name="Bakker") == []


def test_the_new_contact_form_has_three_name_fields_and_shows_the_duplicate(client_en, supplier_user):
    create_contact(actor=supplier_user, first_name="Jan", last_name="Vriës", email="jan@vries.test")

    form = client_en.get("/contacts/new/").content.decode()
    duplicates = client_en.get(
        "/contacts/duplicates/", {"first_name": "jan", "infix": "De", "last_name": "vries", "email": ""}
    ).content.decode()

    assert 'name="first_name"' in form and 'name="infix"' in form and 'name="last_name"' in form
    assert "Jan Vriës" in duplicates


def test_the_edit_form_saves_the_infix(client_en, supplier_user):
    jan = create_contact(actor=supplier_user, first_name="Jan", last_name="Vries", email="jan@vries.test")
    data = {"first_name": "Jan", "infix": "de", "last_name": "Vries", "email": "jan@vries.test", "phone": ""}
    data.update({"job_title": "", "kind": "person", "version": jan.version})

    response = client_en.post(f"/contacts/{jan.pk}/edit/", data, follow=True)

    assert "<h1>Jan de Vries</h1>" in response.content.decode()


def test_a_search_with_the_prefix_still_finds_the_person(supplier_user):
    jan = create_contact(actor=supplier_user, first_name="Jan", last_name="de Vries", email="jan@x.test")

    assert contact_search(query="de Vries") == [jan]
    assert contact_search(query="Vries") == [jan]


def test_the_duplicate_check_by_name_reads_the_name_key_index_in_name_order(in_supplier):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            plan = Contact.objects.filter(name_key_starts("Vries")).order_by(*NAME_KEY_ORDER)[:10].explain()
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")

    # A range of the index, read in its order: no sort of the matches.
    assert "contact_name_key_order" in plan and "Sort" not in plan
