"""Staff contact pages: list with search and filters, query counts, and 404 for ids that are not ours."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory, TaskFactory


def contacts_with_two_relations(count: int) -> None:
    for _ in range(count):
        contact = ContactFactory()
        ContactLinkFactory.create_batch(2, contact=contact)


def row(contact: Contact) -> str:
    return f'<a href="/contacts/{contact.pk}/">{contact.full_name}</a>'


@pytest.fixture
def three_contacts(in_supplier) -> tuple[Contact, Contact, Contact]:
    jan = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test")
    ContactLinkFactory(contact=jan, relation=RelationFactory(name="Broodfabriek Noord"))
    els = ContactFactory(first_name="Els", last_name="de Boer", email="els@boer.test", status="out_of_service")
    ContactLinkFactory(contact=els, relation=RelationFactory(name="Visser Accountants"))
    mailbox = ContactFactory(first_name="", last_name="Salarisadministratie", email="salaris@loon.test", kind="shared")
    return jan, els, mailbox


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=jansen", "jan"),
        ("q=ELS@boer", "els"),
        ("q=broodfabriek", "jan"),
        ("q=visser+acc", "els"),
        ("status=out_of_service", "els"),
        ("kind=shared", "mailbox"),
    ],
    ids=["by name", "by e-mail", "by relation name", "by relation name, two words", "by status", "by kind"],
)
def test_list_searches_and_filters(client_en, three_contacts, query, expected):
    jan, els, mailbox = three_contacts
    contacts = {"jan": jan, "els": els, "mailbox": mailbox}

    page = client_en.get(f"/contacts/?{query}").content.decode()

    assert {name for name, contact in contacts.items() if row(contact) in page} == {expected}


def test_list_shows_each_contacts_relations_and_status(client_en, three_contacts):
    page = client_en.get("/contacts/").content.decode()

    assert "Broodfabriek Noord" in page and "Visser Accountants" in page
    assert "Out of service" in page and "shared mailbox" in page
    assert "3 contacts" in page


def test_list_says_when_nothing_matches(client_en, three_contacts):
    page = client_en.get("/contacts/?q=bestaatniet").content.decode()

    assert "No contacts match these filters." in page


def test_list_htmx_request_gets_only_the_results_fragment(client_en, three_contacts):
    jan, _, _ = three_contacts

    fragment = client_en.get("/contacts/?q=jan", HTTP_HX_REQUEST="true").content.decode()

    assert fragment.lstrip().startswith('<div id="results">')
    assert row(jan) in fragment


def test_list_query_count_does_not_grow_with_rows(client_en):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_en.get("/contacts/").status_code == 200
        return len(queries)

    contacts_with_two_relations(5)
    with_5 = queries_for_list()
    contacts_with_two_relations(45)
    with_50 = queries_for_list()

    assert with_5 == with_50 <= 12


def test_search_query_count_does_not_grow_with_rows(client_en):
    def queries_for_search() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_en.get("/contacts/?q=voorbeeld&status=active").status_code == 200
        return len(queries)

    contacts_with_two_relations(5)
    with_5 = queries_for_search()
    contacts_with_two_relations(45)
    with_50 = queries_for_search()

    assert with_5 == with_50 <= 12


def test_contact_page_shows_links_tasks_and_history(client_en, three_contacts):
    jan, _, _ = three_contacts

    page = client_en.get(f"/contacts/{jan.pk}/").content.decode()

    assert "Broodfabriek Noord" in page
    assert "<code>jan@bakkerij.test</code>" in page
    assert "No tasks reported by this contact." in page


def test_contact_page_shows_the_tasks_the_contact_reported_and_its_client_online_state(client_en, three_contacts):
    jan, els, _ = three_contacts
    reported = TaskFactory(reporter=jan, subject="Loonstrook klopt niet")
    TaskFactory(reporter=els, subject="Vraag van Els")

    page = client_en.get(f"/contacts/{jan.pk}/").content.decode()

    assert "<h2>Tasks reported</h2>" in page
    assert f'<a href="/tasks/{reported.pk}/">#{reported.pk} Loonstrook klopt niet</a>' in page
    assert "Vraag van Els" not in page and "No tasks reported by this contact." not in page
    assert "<h2>Client Online</h2>" in page and "<dt>User (cliënt-gebruiker)</dt>" in page


@pytest.mark.parametrize("suffix", ["", "edit/", "merge/", "out-of-service/"])
def test_an_unknown_contact_id_answers_404(client_en, suffix):
    unknown = (Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000

    assert client_en.get(f"/contacts/{unknown}/{suffix}").status_code == 404


def test_merging_with_an_unknown_contact_answers_404(client_en):
    jan = ContactFactory()

    assert client_en.post(f"/contacts/{jan.pk}/merge/", {"other": jan.pk + 1000}).status_code == 404
    assert Contact.objects.filter(pk=jan.pk).exists()


def test_another_contractants_contact_ids_answer_404(in_supplier, alpha):
    supplier_contact = ContactFactory(first_name="Alleen", last_name="Bij de leverancier")
    connection.set_tenant(alpha)
    assert not Contact.objects.filter(pk=supplier_contact.pk).exists()
    alpha_relation = RelationFactory(name="Relatie van Alpha")
    client = client_for(ALPHA)
    client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})

    for suffix in ["", "edit/", "merge/", "out-of-service/"]:
        assert client.get(f"/contacts/{supplier_contact.pk}/{suffix}").status_code == 404, suffix
    for suffix in ["attributes/", "merge/", "out-of-service/cancel/"]:
        assert client.post(f"/contacts/{supplier_contact.pk}/{suffix}", {}).status_code == 404, suffix
    assert client.post(f"/relations/link-contact/{supplier_contact.pk}/", {}).status_code == 404
    response = client.post(f"/relations/{alpha_relation.pk}/contacts/add/", {"contact": supplier_contact.pk})
    assert response.status_code == 404
    connection.set_tenant(alpha)
    assert not alpha_relation.contact_links.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(in_supplier):
    response = client_for(SUPPLIER).get("/contacts/")

    assert response.status_code == 302 and response.headers["Location"].startswith("/login/")
