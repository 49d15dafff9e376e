"""Contact lists that stay fast at production size (issue 17): capped counts, searches that
still find by part of a name, e-mail address, phone number or relation, a picker of at most
20, a paginated contacts tab per relation, and the indexes that serve them."""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import selectors, views
from contacts.models import Contact
from contacts.selectors import contact_list
from contacts.services.contacts import find_duplicates
from staff.ui import capped_page
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/contacts/\d+/">([^<]+)</a>', html)


def picked(html: str) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong>", html)


@pytest.fixture
def small_caps(monkeypatch):
    """Caps of 3 instead of 10.000 (a list) and 100 (a search)."""
    monkeypatch.setattr(views, "capped_page", partial(capped_page, cap=3))
    monkeypatch.setattr(views, "SEARCH_CAP", 3)
    monkeypatch.setattr(selectors, "SEARCH_CAP", 3)


# --- Counts ---------------------------------------------------------------------------------


def test_a_list_longer_than_the_cap_says_more_than_instead_of_counting_them_all(client_en, small_caps):
    ContactFactory.create_batch(5)

    html = client_en.get("/contacts/").content.decode()

    assert "More than 3 contacts: narrow the filters to see them all." in html
    assert "5 contacts" not in html


def test_a_search_matching_more_than_its_cap_says_more_than_and_lists_the_first_by_name(client_en, small_caps):
    for letter in "EDCBA":
        ContactFactory(first_name="", last_name=f"Breed {letter}")

    html = client_en.get("/contacts/?q=breed").content.decode()

    assert "More than 3 contacts: narrow the filters to see them all." in html
    assert names(html)[:3] == ["Breed A", "Breed B", "Breed C"]


def test_a_list_within_the_cap_still_shows_its_exact_count(client_en, small_caps):
    ContactFactory.create_batch(2)

    html = client_en.get("/contacts/").content.decode()

    assert "2 contacts" in html and "More than" not in html


# --- Searches -------------------------------------------------------------------------------


@pytest.fixture
def karin(in_supplier) -> Contact:
    karin = ContactFactory(
        first_name="Karin", last_name="Hoekstra", email="k.hoekstra@boekhoud.test", phone="+31612345678"
    )
    ContactLinkFactory(contact=karin, relation=RelationFactory(name="Hoekstra Boekhouding"))
    ContactLinkFactory(contact=karin, relation=RelationFactory(name="Hoekstra Holding"))
    ContactFactory(first_name="Kees", last_name="Bos", email="kees@bos.test", phone="+31201234567")
    return karin


@pytest.mark.parametrize(
    "query",
    ["arin", "oekst", "k.hoekstra@boek", "BOEKHOUD.TEST", "06-12345678", "06 1234 5678", "+31 6 12345678", "2345678"],
    ids=[
        "first name",
        "last name",
        "e-mail",
        "e-mail domain, other case",
        "phone",
        "phone, spaced",
        "phone, +31",
        "part of phone",
    ],
)
def test_search_finds_a_contact_by_part_of_its_name_email_or_phone(client_en, karin, query):
    html = client_en.get("/contacts/", {"q": query}).content.decode()

    assert names(html) == ["Karin Hoekstra"]


def test_a_contact_matching_by_name_and_by_two_relations_is_listed_once(client_en, karin):
    html = client_en.get("/contacts/?q=hoekstra").content.decode()

    assert names(html) == ["Karin Hoekstra"]
    assert "1 contact" in html


def test_search_with_a_status_finds_a_match_behind_more_than_the_cap_of_other_matches(client_en, small_caps):
    for letter in "ABCDE":
        ContactFactory(first_name="", last_name=f"Smit {letter}")
    gone = ContactFactory(first_name="", last_name="Smit Z", status=Contact.Status.INACTIVE)

    html = client_en.get("/contacts/?q=smit&status=inactive").content.decode()

    assert names(html) == [gone.full_name]


def test_search_for_percent_or_underscore_takes_them_literally(client_en, karin):
    html = client_en.get("/contacts/?q=%25").content.decode()

    assert "No contacts match these filters." in html


def test_search_page_reads_a_constant_number_of_queries(client_en):
    def queries_for(n: int) -> int:
        for _ in range(n):
            ContactLinkFactory.create_batch(2, contact=ContactFactory(last_name="Teller"))
        with CaptureQueriesContext(connection) as queries:
            assert client_en.get("/contacts/?q=teller").status_code == 200
        return len(queries)

    assert queries_for(5) == queries_for(45)


# --- Picker ---------------------------------------------------------------------------------


def test_picker_offers_at_most_20_active_contacts_by_name(client_en):
    for n in range(25):
        ContactFactory(first_name="Piet", last_name=f"Kiezer {n:02d}")
    ContactFactory(first_name="Piet", last_name="Kiezer 00 weg", status=Contact.Status.INACTIVE)

    html = client_en.get("/contacts/picker/?q=kiezer").content.decode()

    assert picked(html) == [f"Piet Kiezer {n:02d}" for n in range(20)]


def test_picker_for_a_tasks_optional_reporter_answers_radios_of_that_field_not_required(client_en):
    ContactFactory(first_name="Rita", last_name="Melder")

    html = client_en.get("/contacts/picker/?field=reporter&optional=1&q=melder").content.decode()

    assert 'name="reporter"' in html and "required" not in html
    assert "required" in client_en.get("/contacts/picker/?field=contact&q=melder").content.decode()


def test_picker_queries_do_not_grow_with_the_matches(client_en):
    def queries_for(n: int) -> int:
        ContactFactory.create_batch(n, last_name="Veelvoud")
        with CaptureQueriesContext(connection) as queries:
            client_en.get("/contacts/picker/?q=veelvoud")
        return len(queries)

    few, many = queries_for(5), queries_for(45)
    # A page filled by the names that start with the query is one read; a short one reads the
    # other matches too (one more query, and its schema switch).
    assert many <= few <= many + 2


def test_picker_shows_the_last_names_starting_with_the_query_first(client_en):
    ContactFactory(first_name="Jan", last_name="Achterberg")
    ContactFactory(first_name="Berg", last_name="Aalders")
    ContactFactory(first_name="Anna", infix="van den", last_name="Berg")
    ContactFactory(first_name="Kees", last_name="Bergsma")

    html = client_en.get("/contacts/picker/?q=berg").content.decode()

    assert picked(html) == ["Anna van den Berg", "Kees Bergsma", "Berg Aalders", "Jan Achterberg"]


# --- A relation's contacts tab --------------------------------------------------------------


@pytest.fixture
def big_relation(in_supplier):
    relation = RelationFactory(name="Grote Klant")
    for n in range(30):
        ContactLinkFactory(relation=relation, contact=ContactFactory(first_name="", last_name=f"Medewerker {n:02d}"))
    return relation


def test_relation_contacts_tab_shows_25_and_the_rest_on_page_2(client_en, big_relation):
    first = names(client_en.get(f"/relations/{big_relation.pk}/contacts/").content.decode())
    second_html = client_en.get(f"/relations/{big_relation.pk}/contacts/?page=2").content.decode()

    assert first == [f"Medewerker {n:02d}" for n in range(25)]
    assert names(second_html) == [f"Medewerker {n:02d}" for n in range(25, 30)]
    assert "Page 2 of 2" in second_html


@pytest.mark.parametrize(("number", "expected_first"), [("abc", 0), ("-1", 0), ("99", 25)])
def test_relation_contacts_tab_bad_page_number_shows_the_first_or_the_last(
    client_en, big_relation, number, expected_first
):
    response = client_en.get(f"/relations/{big_relation.pk}/contacts/?page={number}")

    assert response.status_code == 200
    assert names(response.content.decode())[0] == f"Medewerker {expected_first:02d}"


def test_relation_contacts_tab_reads_a_constant_number_of_queries(client_en):
    relation = RelationFactory()

    def queries_for(n: int) -> int:
        for _ in range(n):
            ContactLinkFactory(relation=relation)
        with CaptureQueriesContext(connection) as queries:
            assert client_en.get(f"/relations/{relation.pk}/contacts/").status_code == 200
        return len(queries)

    assert queries_for(5) == queries_for(45)


# --- Indexes --------------------------------------------------------------------------------


def plan(queryset) -> str:
    """The plan PostgreSQL would choose if scanning the whole table were not an option: names
    the index that serves the query, or shows a Seq Scan when none can."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            return queryset.explain()
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def test_the_list_order_is_read_from_its_index(in_supplier):
    assert "contact_list_order" in plan(contact_list()[:25])


def test_the_duplicate_check_reads_the_unique_username_index(in_supplier):
    from contacts.services.contacts import _same_email

    assert "contact_username_unique" in plan(Contact.objects.filter(_same_email("Jan@Example.test")))
    assert find_duplicates(email="x@example.test") == []


@pytest.mark.parametrize("column", ["first_name", "last_name", "email", "phone"])
def test_every_searched_column_has_a_trigram_index(in_supplier, column):
    from staff.lookups import contains

    assert f"search_contact_{column}_trgm" in plan(Contact.objects.filter(contains(column, "jansen")).order_by())


def test_picker_with_a_prefix_typed_keeps_to_that_prefix_and_needs_two_letters(client_en):
    ContactFactory(first_name="Jan", infix="de", last_name="Vries")
    ContactFactory(first_name="Kees", infix="van der", last_name="Vries")
    ContactFactory(first_name="Daan", last_name="Dekker")
    ContactFactory(first_name="Piet", infix="van", last_name="Dam")

    assert picked(client_en.get("/contacts/picker/?q=de+vries").content.decode()) == ["Jan de Vries"]
    # "van d": one letter after the prefix is no name start, so not every D first.
    assert picked(client_en.get("/contacts/picker/?q=van+d").content.decode()) == ["Piet van Dam"]
