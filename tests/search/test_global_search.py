"""The top bar's global search (issue 16): tasks, relations and contacts in one box, for staff only."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import timezone

from search.selectors import GROUP_LIMIT, RECENT_WINDOW, global_search
from tasks.models import Task, TaskMessage
from tests.conftest import SUPPLIER, client_for
from tests.factories import ContactFactory, RelationFactory, TaskFactory

pytestmark = pytest.mark.django_db


def search(client, query: str):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_the_top_bar_has_a_search_form_that_works_without_javascript(supplier_staff_client):
    page = supplier_staff_client.get("/").content.decode()
    assert 'action="/search/"' in page
    assert 'id="global-search"' in page and "data-search-shortcut" in page


def test_finds_a_task_by_number(supplier_staff_client, in_supplier):
    task = TaskFactory(subject="Printer doet het niet")
    for query in (str(task.pk), f"#{task.pk}"):
        assert f'href="/tasks/{task.pk}/"' in search(supplier_staff_client, query)


def test_finds_a_task_by_a_word_of_its_subject_with_dutch_stemming(supplier_staff_client, in_supplier):
    task = TaskFactory(subject="Loonstrook van maart ontbreekt")
    other = TaskFactory(subject="Printer doet het niet")
    page = search(supplier_staff_client, "loonstroken")
    assert f'href="/tasks/{task.pk}/"' in page
    assert f'href="/tasks/{other.pk}/"' not in page


def test_finds_a_task_by_the_text_of_its_conversation_notes_included(supplier_staff_client, in_supplier):
    replied, noted = TaskFactory(subject="Vraag"), TaskFactory(subject="Andere vraag")
    TaskMessage.objects.create(task=replied, body="De werkgeversverklaring staat klaar.")
    TaskMessage.objects.create(task=noted, kind=TaskMessage.Kind.NOTE, body="Intern: belastingdienst gebeld.")
    assert f'href="/tasks/{replied.pk}/"' in search(supplier_staff_client, "werkgeversverklaring")
    assert f'href="/tasks/{noted.pk}/"' in search(supplier_staff_client, "belastingdienst")


def test_finds_a_relation_by_customer_number_kvk_and_a_misspelt_name(supplier_staff_client, in_supplier):
    relation = RelationFactory(name="Bakkerij De Gouden Korenaar", customer_number="K1001", coc_number="87654321")
    RelationFactory(name="Garage Jansen")
    link = f'href="/relations/{relation.pk}/"'
    assert link in search(supplier_staff_client, "K1001")
    assert link in search(supplier_staff_client, "87654321")
    page = search(supplier_staff_client, "gouden korenar")
    assert link in page and "Garage Jansen" not in page


def test_a_customers_kvk_or_customer_number_finds_its_tasks(supplier_staff_client, in_supplier):
    bakkerij = RelationFactory(name="Bakkerij Jansen", customer_number="K1001", coc_number="87654321")
    near = RelationFactory(name="Bakkerij Jansen-de Vries", customer_number="K10011", coc_number="87654320")
    theirs, other = TaskFactory(subject="Kassa", relations=[bakkerij]), TaskFactory(subject="Printer", relations=[near])

    for query in ("87654321", "k1001"):
        page = search(supplier_staff_client, query)
        assert f'href="/tasks/{theirs.pk}/"' in page, query
        assert f'href="/tasks/{other.pk}/"' not in page, query  # typed whole: no partial match


def test_finds_a_relation_by_city(supplier_staff_client, in_supplier):
    relation = RelationFactory(name="Visserij Noord", city="Harlingen")
    assert f'href="/relations/{relation.pk}/"' in search(supplier_staff_client, "Harlingen")


def test_finds_a_contact_by_email_and_phone(supplier_staff_client, in_supplier):
    contact = ContactFactory(
        first_name="Petra", last_name="de Vries", email="petra@bakkerij.test", phone="+31612345678"
    )
    link = f'href="/contacts/{contact.pk}/"'
    assert link in search(supplier_staff_client, "petra@bakkerij.test")
    assert link in search(supplier_staff_client, "06 1234 5678")
    assert link in search(supplier_staff_client, "12345678")


def test_another_contractants_data_never_appears(alpha_staff_client, in_supplier):
    task = TaskFactory(subject="Loonstrook geheim")
    relation = RelationFactory(name="Geheim B.V.", customer_number="K7777", coc_number="11112222")
    ContactFactory(last_name="Geheimhouder", email="geheim@supplier.test")
    for query in ("loonstrook", "K7777", "11112222", "Geheim", "geheim@supplier.test", str(task.pk)):
        page = search(alpha_staff_client, query)
        assert 'class="search-group"' not in page  # "Nothing found"
        assert "Geheim B.V." not in page and "Geheimhouder" not in page and "Loonstrook geheim" not in page
        assert f'href="/relations/{relation.pk}/"' not in page and f'href="/tasks/{task.pk}/"' not in page


@pytest.mark.parametrize("query", ["", " ", "%", "_", "\\", "\x00", "'", "!!&|:*", "a" * 5000, "<script>", "#", "-1"])
def test_empty_and_hostile_queries_give_no_error(supplier_staff_client, in_supplier, query):
    RelationFactory(name="100% Zeker B.V.")
    page = search(supplier_staff_client, query)
    assert "<script>" not in page.split("<main", 1)[-1].replace('"&lt;script&gt;"', "")


def test_a_percent_sign_is_taken_literally(supplier_staff_client, in_supplier):
    RelationFactory(name="100% Zeker B.V.")
    RelationFactory(name="Honderd Procent B.V.")
    page = search(supplier_staff_client, "100%")
    assert "100% Zeker" in page and "Honderd Procent" not in page


def test_each_group_is_capped_with_a_link_to_the_filtered_list(supplier_staff_client, in_supplier):
    for _ in range(12):
        RelationFactory(city="Zwolle")
    page = search(supplier_staff_client, "Zwolle")
    assert len(re.findall(r'href="/relations/\d+/"', page)) == 10
    assert 'href="/relations/?q=Zwolle"' in page


def test_more_tasks_of_a_customer_named_by_number_lead_to_its_task_list(supplier_staff_client, in_supplier):
    bakkerij = RelationFactory(name="Bakkerij Jansen", customer_number="K1001", coc_number="87654321")
    for _ in range(11):
        TaskFactory(relations=[bakkerij])

    page = search(supplier_staff_client, "87654321")

    assert f'href="/tasks/?queue=all&amp;relation={bakkerij.pk}"' in page


def test_the_query_count_is_bounded(supplier_staff_client, in_supplier, django_assert_max_num_queries):
    for n in range(5):
        relation = RelationFactory(name=f"Loon {n} B.V.")
        task = TaskFactory(subject=f"Loonstrook {n}", relations=[relation])
        TaskMessage.objects.create(task=task, body="Loonstrook verstuurd.")
        ContactFactory(last_name=f"Loonstra{n}")
    # Session, user, one per group, and the schema switches around them; tasks twice when the
    # recent window holds fewer matches than a group shows (search.selectors.RECENT_WINDOW), and
    # relations and contacts twice when the names starting with the query do not fill a group.
    with django_assert_max_num_queries(16):
        search(supplier_staff_client, "loonstrook")


def test_staff_only(in_supplier):
    response = client_for(SUPPLIER).get("/search/", {"q": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_schema_to_public()


def test_the_search_indexes_exist_in_every_contractant_schema(in_supplier):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND indexname LIKE 'search_%%'", ["supplier"]
        )
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("public",)
    assert {"search_relation_name_trgm", "search_task_subject_fts", "search_taskmessage_body_fts"} <= names
    assert len(names) == 10


def _created_days_ago(task, days: int) -> None:
    Task.objects.filter(pk=task.pk).update(created_at=timezone.now() - timezone.timedelta(days=days))


def test_a_match_older_than_the_recent_window_is_still_found(in_supplier):
    old = TaskFactory(subject="Jaaropgave 2023 ontbreekt")
    _created_days_ago(old, RECENT_WINDOW.days + 300)
    recent = TaskFactory(subject="Jaaropgave nog niet ontvangen")

    found = global_search(query="jaaropgave").tasks

    assert [task.pk for task in found.items] == [recent.pk, old.pk]
    assert not found.more


def test_a_common_word_lists_the_newest_matches_first_with_more(in_supplier):
    # More recent matches than a group shows, and older ones that must not push in between.
    recent = [TaskFactory(subject=f"Bankkoppeling {n}") for n in range(GROUP_LIMIT + 2)]
    for n, task in enumerate(recent):
        _created_days_ago(task, n)
    older = TaskFactory(subject="Bankkoppeling oud")
    _created_days_ago(older, RECENT_WINDOW.days + 10)
    message_only = TaskFactory(subject="Vraag over export")
    TaskMessage.objects.create(task=message_only, body="De bankkoppeling werkt weer.")
    _created_days_ago(message_only, RECENT_WINDOW.days + 20)

    found = global_search(query="bankkoppeling").tasks

    assert [task.pk for task in found.items] == [task.pk for task in recent[:GROUP_LIMIT]]
    assert found.more


def test_a_customer_number_lists_that_customers_newest_tasks(in_supplier):
    customer = RelationFactory(name="Bakkerij Jansen", customer_number="K7001", coc_number="11223344")
    tasks = [TaskFactory(subject=f"Vraag {n}", relations=[customer]) for n in range(GROUP_LIMIT + 3)]

    for query in ("K7001", "11223344"):
        found = global_search(query=query).tasks
        assert [task.pk for task in found.items] == [task.pk for task in reversed(tasks)][:GROUP_LIMIT]
        assert found.more


def test_a_last_name_typed_with_its_prefix_finds_the_contact(supplier_staff_client, in_supplier):
    contact = ContactFactory(first_name="Jan", infix="de", last_name="Vries")
    assert f'href="/contacts/{contact.pk}/"' in search(supplier_staff_client, "de Vries")


def test_names_starting_with_the_query_come_first_and_a_full_group_says_more(in_supplier):
    RelationFactory(name="Bakkerij Vrolijk")
    for n in range(GROUP_LIMIT + 1):
        RelationFactory(name=f"Vrolijk {n:02d} B.V.")
    ContactFactory(first_name="Vrolijk", last_name="Aalders")
    ContactFactory(first_name="Anna", last_name="Vrolijkheid")

    results = global_search(query="vrolijk")

    assert [relation.name for relation in results.relations.items] == [
        f"Vrolijk {n:02d} B.V." for n in range(GROUP_LIMIT)
    ]
    assert results.relations.more
    assert [contact.full_name for contact in results.contacts.items] == ["Anna Vrolijkheid", "Vrolijk Aalders"]
    assert not results.contacts.more
