"""One contact, many relations: linking from the contact page and from the relation's Contacts tab."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contacts.history import contact_history
from contacts.models import Contact, ContactLink
from contacts.services.links import link_contact, unlink_contact
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory


@pytest.fixture
def jan(in_supplier):
    return ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test", job_title="Boekhouder")


def test_one_contact_linked_to_three_relations_shows_on_each_contacts_tab(client_en, jan):
    relations = [RelationFactory(name=name) for name in ["Bakkerij Jansen", "Jansen Brood", "Visser Accountants"]]
    for relation in relations:
        client_en.post(f"/relations/link-contact/{jan.pk}/", {"relation": relation.pk})

    for relation in relations:
        tab = client_en.get(f"/relations/{relation.pk}/contacts/").content.decode()
        assert f'<a href="/contacts/{jan.pk}/">Jan Jansen</a>' in tab, relation.name
    assert Contact.objects.count() == 1
    page = client_en.get(f"/contacts/{jan.pk}/").content.decode()
    assert all(relation.name in page for relation in relations)


def test_a_relation_name_ending_in_an_abbreviation_gives_one_full_stop(client_en, jan):
    relation = RelationFactory(name="Jansen Brood & Banket B.V.")

    response = client_en.post(f"/relations/link-contact/{jan.pk}/", {"relation": relation.pk}, follow=True)

    html = response.content.decode()
    assert "Jan Jansen is now linked to Jansen Brood &amp; Banket B.V.</li>" in html
    assert "B.V.." not in html


def test_link_from_the_contact_page(client_en, jan):
    relation = RelationFactory(name="Bakkerij Jansen")

    response = client_en.post(f"/relations/link-contact/{jan.pk}/", {"relation": relation.pk}, follow=True)

    assert response.redirect_chain == [(f"/contacts/{jan.pk}/", 302)]
    assert "Jan Jansen is now linked to Bakkerij Jansen." in response.content.decode()
    link = ContactLink.objects.get(contact=jan)
    assert (link.relation, link.job_title, link.history.get().history_user.username) == (
        relation,
        "Boekhouder",
        "staff@brightsoft.test",
    )


def test_link_from_the_relation_tab(client_en, jan):
    relation = RelationFactory(name="Bakkerij Jansen")

    response = client_en.post(f"/relations/{relation.pk}/contacts/add/", {"contact": jan.pk}, follow=True)

    assert response.redirect_chain == [(f"/relations/{relation.pk}/contacts/", 302)]
    page = response.content.decode()
    assert "Jan Jansen is now linked to Bakkerij Jansen." in page
    assert f'<a href="/contacts/{jan.pk}/">Jan Jansen</a>' in page
    assert ContactLink.objects.get(contact=jan).relation == relation


def test_linking_twice_to_the_same_relation_is_refused(jan, supplier_user):
    relation = RelationFactory(name="Bakkerij Jansen")
    link = link_contact(contact=jan, relation=relation, actor=supplier_user, is_admin=True)

    with pytest.raises(ValidationError) as refused:
        link_contact(contact=jan, relation=relation, actor=supplier_user)

    assert refused.value.messages == ["Jan Jansen is already linked to Bakkerij Jansen."]
    assert list(ContactLink.objects.filter(contact=jan).values_list("pk", "is_admin")) == [(link.pk, True)]


def test_linking_twice_from_the_relation_tab_says_so(client_en, jan):
    relation = RelationFactory(name="Bakkerij Jansen")
    link = ContactLinkFactory(contact=jan, relation=relation)

    page = client_en.post(f"/relations/{relation.pk}/contacts/add/", {"contact": jan.pk}, follow=True).content.decode()

    assert "Jan Jansen is already linked to Bakkerij Jansen." in page
    assert list(ContactLink.objects.values_list("pk", flat=True)) == [link.pk]


def test_linking_twice_from_the_contact_page_says_so(client_en, jan):
    relation = RelationFactory(name="Bakkerij Jansen")
    link = ContactLinkFactory(contact=jan, relation=relation)

    page = client_en.post(f"/relations/link-contact/{jan.pk}/", {"relation": relation.pk}, follow=True).content.decode()

    assert "Jan Jansen is already linked to Bakkerij Jansen." in page
    assert list(ContactLink.objects.values_list("pk", flat=True)) == [link.pk]


def test_linking_without_choosing_asks_for_a_choice(client_en, jan):
    relation = RelationFactory(name="Bakkerij Jansen")

    from_contact = client_en.post(f"/relations/link-contact/{jan.pk}/", {}, follow=True).content.decode()
    from_relation = client_en.post(f"/relations/{relation.pk}/contacts/add/", {}, follow=True).content.decode()

    assert "Choose a relation to link." in from_contact
    assert "Choose a contact to link." in from_relation
    assert not ContactLink.objects.exists()


def test_a_contact_out_of_service_cannot_be_linked(jan, supplier_user):
    Contact.objects.filter(pk=jan.pk).update(status=Contact.Status.OUT_OF_SERVICE)
    jan.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        link_contact(contact=jan, relation=RelationFactory(), actor=supplier_user)

    assert refused.value.messages == ["Jan Jansen is not active and cannot be linked."]
    assert not ContactLink.objects.exists()


def test_the_history_names_the_relation_of_a_link_also_after_it_was_removed(jan, supplier_user):
    link = link_contact(contact=jan, relation=RelationFactory(name="Bakkerij Jansen"), actor=supplier_user)
    unlink_contact(link=link, actor=supplier_user)

    links = [(entry.what, entry.action) for entry in contact_history(jan) if entry.what.startswith("Link")]

    assert links == [("Link to Bakkerij Jansen", "removed"), ("Link to Bakkerij Jansen", "created")]


def test_removing_a_link_from_the_relation_tab_keeps_the_contact(client_en, jan):
    relation = RelationFactory(name="Bakkerij Jansen")
    link = ContactLinkFactory(contact=jan, relation=relation)

    response = client_en.post(f"/contacts/{jan.pk}/links/{link.pk}/remove/", {"from": "relation"})

    assert response.headers["Location"] == f"/relations/{relation.pk}/contacts/"
    assert not ContactLink.objects.exists()
    assert Contact.objects.filter(pk=jan.pk).exists()
