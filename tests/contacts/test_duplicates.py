"""Existing contacts shown before a new one is made: same e-mail (case and spaces ignored) or a similar name."""

from __future__ import annotations

from contacts.services.contacts import find_duplicates
from tests.factories import ContactFactory, RelationFactory


def test_find_duplicates_matches_the_email_regardless_of_case_and_spaces(in_supplier):
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan.jansen@bakkerij.test")
    ContactFactory(first_name="Piet", last_name="Pietersen", email="piet@bakkerij.test")

    assert find_duplicates(email="  JAN.Jansen@Bakkerij.test ") == [jan]


def test_find_duplicates_matches_a_similar_name(in_supplier):
    jan = ContactFactory(first_name="Jan", last_name="Jansen")
    johan = ContactFactory(first_name="Johan", last_name="Janssens")
    piet = ContactFactory(first_name="Piet", last_name="Jansen")
    ContactFactory(first_name="Jan", last_name="de Vries")

    assert find_duplicates(email="", name="J. Jansen") == [jan, johan]
    assert find_duplicates(email="", name="jansen") == [jan, piet, johan]


def test_find_duplicates_finds_nothing_for_a_new_person(in_supplier):
    ContactFactory(first_name="Jan", last_name="Jansen", email="jan.jansen@bakkerij.test")

    assert find_duplicates(email="els@boer.test", name="Els de Boer") == []


def test_duplicates_fragment_shows_the_contact_with_the_same_email(client_en):
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan.jansen@bakkerij.test")

    response = client_en.get("/contacts/duplicates/?email=%20JAN.jansen@bakkerij.test", HTTP_HX_REQUEST="true")

    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'<a href="/contacts/{jan.pk}/">Jan Jansen</a>' in fragment
    assert "same e-mail address" in fragment
    assert "Open this one instead" in fragment


def test_duplicates_fragment_for_a_relation_offers_to_link_the_existing_contact(client_en):
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan.jansen@bakkerij.test")
    relation = RelationFactory(name="Bakkerij Jansen")

    response = client_en.get(
        f"/relations/{relation.pk}/contacts/duplicates/?email=jan.jansen@bakkerij.test", HTTP_HX_REQUEST="true"
    )

    fragment = response.content.decode()
    assert "Link this one to Bakkerij Jansen instead" in fragment
    assert f'action="/relations/{relation.pk}/contacts/add/"' in fragment
    assert f'name="contact" value="{jan.pk}"' in fragment


def test_duplicates_fragment_marks_a_similar_name(client_en):
    ContactFactory(first_name="Jan", last_name="Jansen", email="jan.jansen@bakkerij.test")

    fragment = client_en.get(
        "/contacts/duplicates/?email=j.jansen@elders.test&first_name=Jan&last_name=Jansen", HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Jan Jansen" in fragment and "similar name" in fragment
    assert "same e-mail address" not in fragment


def test_duplicates_fragment_is_empty_without_input(client_en):
    ContactFactory(first_name="Jan", last_name="Jansen")

    fragment = client_en.get("/contacts/duplicates/?email=%20", HTTP_HX_REQUEST="true").content.decode()

    assert fragment.strip() == ""


def test_the_contact_with_the_same_email_comes_first_once_then_similar_names_by_name(in_supplier):
    zeger = ContactFactory(first_name="Zeger", last_name="Jansen", email="z.jansen@bakkerij.test")
    anna = ContactFactory(first_name="Anna", last_name="Jansen", email="anna@bakkerij.test")
    vries = ContactFactory(first_name="Jan", infix="de", last_name="Vriës", email="jan@vries.test")

    assert find_duplicates(email="Z.Jansen@bakkerij.test", name="Jansen") == [zeger, anna]
    # The name key leaves prefix, case and accents aside, also for "starts the same".
    assert find_duplicates(email="", name="J. de Vries") == [vries]
    assert find_duplicates(email="", name="Vrie") == [vries]
    assert find_duplicates(email="", name="Vrede") == []
