"""Staff task pages: list with filters, detail with status, comments and live task links."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.models import Task, TaskLink, TaskMessage
from tests.factories import RelationFactory, TaskFactory

# The most statements a visit of the task list may take, however many tasks a page shows: the
# user, the chosen relation, the total, the SLA policy the SLA column reads, the page's tasks
# with their assignee and team, the page's links with their relation, the assignee and team
# filters' options, the saved views, the bell's unread count, and the bulk form's staff and team
# options; django-tenants sends a SET search_path before some of them.
QUERIES_OF_THE_TASK_LIST = 22
# The live filter answers the results only: no top bar (bell), no queue tabs, no filter form.
QUERIES_OF_THE_RESULTS = 16


@pytest.fixture
def client_en(supplier_staff_client, in_supplier):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    return supplier_staff_client


def test_task_list_filters_by_relation_status_and_text(client_en):
    bakker, bouwer = RelationFactory(name="Bakker"), RelationFactory(name="Bouwer")
    TaskFactory(relations=[bakker], subject="Loonstrook klopt niet")
    TaskFactory(relations=[bakker], subject="Oude vraag", status=Task.Status.CLOSED)
    TaskFactory(relations=[bouwer], subject="Export faalt")

    by_relation = client_en.get(f"/tasks/?relation={bakker.pk}&open=on").content.decode()
    by_text = client_en.get("/tasks/?q=export").content.decode()
    by_status = client_en.get("/tasks/?status=closed").content.decode()

    assert "Loonstrook klopt niet" in by_relation and "Oude vraag" not in by_relation
    assert "Export faalt" not in by_relation
    assert "Export faalt" in by_text and "Loonstrook" not in by_text
    assert "Oude vraag" in by_status and "Export faalt" not in by_status


def test_task_list_counts_only_the_tasks_its_filters_match(client_en, monkeypatch):
    monkeypatch.setattr("tasks.views.TASK_LIST_PAGE_SIZE", 25)
    bakker = RelationFactory(name="Bakker")
    for number in range(27):
        TaskFactory(relations=[bakker], subject=f"Kassa storing {number}")
    TaskFactory(relations=[bakker], subject="Kassa storing, opgelost", status=Task.Status.CLOSED)
    TaskFactory(subject="Iets anders")

    searched = client_en.get("/tasks/?queue=all&q=kassa+storing").content.decode()
    open_only = client_en.get("/tasks/?q=kassa+storing&open=on&page=2").content.decode()

    assert "28 tasks" in searched and "Page 1 of 2" in searched
    assert "27 tasks" in open_only and "Page 2 of 2" in open_only
    assert open_only.count(">Kassa storing ") == 2 and "opgelost" not in open_only
    # The pagination links keep the filters, escaped, and a first or last page has one link.
    assert '<a class="button button-small" href="?queue=all&amp;q=kassa+storing&amp;page=2">Next ›</a>' in searched
    assert "Previous" not in searched
    assert '<a class="button button-small" href="?q=kassa+storing&amp;open=on&amp;page=1">‹ Previous</a>' in open_only
    assert "Next ›" not in open_only


def test_task_list_filters_keep_what_was_chosen(client_en):
    colleague = get_user_model().objects.create_user(
        username="collega", email="<b>collega</b>@brightsoft.nl", password="x", is_staff=True
    )

    page = client_en.get(f"/tasks/?status=waiting&assignee={colleague.pk}&q=%3Cscript%3E").content.decode()
    untouched = client_en.get("/tasks/").content.decode()

    assert '<option value="waiting" selected>Waiting</option>' in page
    assert f'<option value="{colleague.pk}" selected>&lt;b&gt;collega&lt;/b&gt;@brightsoft.nl</option>' in page
    assert 'value="&lt;script&gt;"' in page and "<script>" not in page
    assert " selected>" not in untouched.split('id="id_status"', 1)[1].split("</select>", 1)[0]


def test_task_list_shows_an_empty_state(client_en):
    page = client_en.get("/tasks/?q=bestaatniet").content.decode()

    assert "No tasks match these filters." in page


def test_task_list_query_count_does_not_grow_with_rows(client_en):
    relation = RelationFactory()
    staff = get_user_model().objects.first()

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client_en.get(f"/tasks/?relation={relation.pk}")
        assert response.status_code == 200
        return len(queries)

    for _ in range(5):
        TaskFactory(relations=[relation, RelationFactory()], assignee=staff)
    with_5 = queries_for_list()
    for _ in range(45):
        TaskFactory(relations=[relation, RelationFactory()], assignee=staff)
    with_50 = queries_for_list()

    assert with_5 == with_50 <= QUERIES_OF_THE_TASK_LIST


def test_task_list_reads_rows_count_and_filters_in_few_statements(
    client_en, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("tasks.views.TASK_LIST_PAGE_SIZE", 25)
    relation = RelationFactory()
    for _ in range(30):
        TaskFactory(relations=[relation, RelationFactory()])
    client_en.get("/tasks/")  # the session now sits in the cache

    with django_assert_max_num_queries(QUERIES_OF_THE_TASK_LIST):
        response = client_en.get(f"/tasks/?relation={relation.pk}")

    assert response.status_code == 200
    assert response.content.decode().count('name="task_ids"') == 25


def test_task_list_live_filter_reads_no_more_than_the_page(client_en, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr("tasks.views.TASK_LIST_PAGE_SIZE", 25)
    for _ in range(30):
        TaskFactory(relations=[RelationFactory()])
    client_en.get("/tasks/")

    with django_assert_max_num_queries(QUERIES_OF_THE_RESULTS):
        response = client_en.get("/tasks/?status=open", HTTP_HX_REQUEST="true")

    fragment = response.content.decode()
    assert (
        "<html" not in fragment and len(re.findall(r'<td class="cell-subject"><a href="/tasks/\d+/"', fragment)) == 25
    )
    assert 'id="results"' in fragment and "Page 1 of 2" in fragment


def test_task_list_rows_show_their_relations_by_name_and_the_assignee(client_en):
    staff = get_user_model().objects.create_user("planner", email="planner@example.nl", is_staff=True)
    TaskFactory(relations=[RelationFactory(name="Zwart & Zn"), RelationFactory(name="Aalders <B.V.>")], assignee=staff)
    TaskFactory(relations=[], subject="Zonder relatie")

    page = client_en.get("/tasks/").content.decode()

    assert page.index("Aalders &lt;B.V.&gt;") < page.index("Zwart &amp; Zn")
    assert '<td class="cell-assignee" title="planner@example.nl">planner@example.nl</td>' in page
    assert f'<option value="{staff.pk}">planner@example.nl</option>' in page  # the assignee filter
    # No relation, nobody assigned.
    assert re.search(r'<td class="cell-relations" title=""></td>\s*<td class="cell-assignee" title="">—</td>', page)


def test_task_table_shows_status_and_priority_labels_links_and_a_dutch_date(supplier_staff_client, in_supplier):
    bakker = RelationFactory(name="Bakker & Zn")
    task = TaskFactory(relations=[bakker], subject="Kassa <hapert>", status=Task.Status.WAITING, priority=4)
    Task.objects.filter(pk=task.pk).update(created_at="2026-03-01T23:30:00Z")  # 2 March in Amsterdam

    page = supplier_staff_client.get("/tasks/").content.decode()
    tab = supplier_staff_client.get(f"/relations/{bakker.pk}/tasks/").content.decode()

    subject = "Kassa &lt;hapert&gt;"
    assert f'<td class="cell-subject"><a href="/tasks/{task.pk}/" title="{subject}">{subject}</a></td>' in page
    assert '<span class="badge status-waiting">Wachtend</span>' in page
    assert '<td><span class="priority priority-4">Urgent</span></td>' in page
    assert f'<a href="/relations/{bakker.pk}/">Bakker &amp; Zn</a>' in page
    assert re.search(r'<time datetime="2026-03-02T00:30:00\+01:00">02-03-2026</time>', page)
    # The Tasks tab draws the same table, with a checkbox per task for the move form.
    assert f'aria-label="Taak {task.pk} selecteren"' in tab
    assert '<span class="badge status-waiting">Wachtend</span>' in tab


def test_task_search_takes_percent_and_underscore_literally_and_finds_by_number(client_en):
    TaskFactory(subject="Korting 50% op licentie")
    TaskFactory(subject="Korting 50 euro")
    TaskFactory(subject="veld_naam ontbreekt")
    TaskFactory(subject="veldXnaam ontbreekt")
    numbered = TaskFactory(subject="Iets anders")

    by_percent = client_en.get("/tasks/", {"q": "50%"}).content.decode()
    by_underscore = client_en.get("/tasks/", {"q": "veld_naam"}).content.decode()
    by_number = client_en.get("/tasks/", {"q": f"#{numbered.pk}"}).content.decode()
    past_bigint = client_en.get("/tasks/", {"q": "9" * 30})

    assert "Korting 50% op licentie" in by_percent and "Korting 50 euro" not in by_percent
    assert "veld_naam ontbreekt" in by_underscore and "veldXnaam" not in by_underscore
    assert "Iets anders" in by_number and "1 task<" in by_number
    assert past_bigint.status_code == 200 and "No tasks match these filters." in past_bigint.content.decode()


def test_relation_filter_shows_only_the_chosen_relation(client_en):
    chosen = RelationFactory(name="Bakkerij Kiezer")
    RelationFactory(name="Garage Nooitgezien")
    TaskFactory(relations=[chosen], subject="Kassa hapert")

    page = client_en.get(f"/tasks/?relation={chosen.pk}").content.decode()

    assert f'<input type="radio" name="relation" value="{chosen.pk}" checked>' in page
    assert "Bakkerij Kiezer" in page and "Kassa hapert" in page
    assert "Garage Nooitgezien" not in page  # no list of every relation of the contractant


def test_relation_filter_search_works_without_javascript(client_en):
    wanted = RelationFactory(name="Bakkerij Zoeker")
    TaskFactory(relations=[wanted], subject="Oven storing")

    page = client_en.get("/tasks/?relation_search=zoeker").content.decode()

    assert f'name="relation" value="{wanted.pk}"' in page
    assert "Bakkerij Zoeker" in page


def test_relation_filter_live_search_uses_the_relation_picker(client_en):
    wanted = RelationFactory(name="Bakkerij Live")

    page = client_en.get(
        "/relations/picker/?relation_search=live&field=relation&optional=1", HTTP_HX_REQUEST="true"
    ).content.decode()
    relink_page = client_en.get("/relations/picker/?q=live&field=to").content.decode()

    assert f'name="relation" value="{wanted.pk}">' in page  # optional: the filter form stays submittable
    assert f'name="to" value="{wanted.pk}" required>' in relink_page


def test_status_change_and_comment_from_the_detail_page(client_en):
    task = TaskFactory(relations=[RelationFactory()], status=Task.Status.NEW)

    client_en.post(f"/tasks/{task.pk}/status/", {"status": "closed"})
    client_en.post(f"/tasks/{task.pk}/messages/", {"kind": "note", "body": "Opgelost na telefonisch overleg."})

    task.refresh_from_db()
    assert task.status == "closed" and task.closed_at is not None
    page = client_en.get(f"/tasks/{task.pk}/").content.decode()
    assert "Opgelost na telefonisch overleg." in page
    assert task.history.filter(status="closed").get().history_user.username == "staff@brightsoft.test"


def test_empty_comment_and_unknown_status_are_refused(client_en):
    task = TaskFactory(relations=[RelationFactory()])

    bad_status = client_en.post(f"/tasks/{task.pk}/status/", {"status": "deleted"}, follow=True).content.decode()
    empty = client_en.post(
        f"/tasks/{task.pk}/messages/", {"kind": "reply", "body": "   "}, follow=True
    ).content.decode()

    assert "Choose a valid status." in bad_status
    assert "Write a message first." in empty
    assert not TaskMessage.objects.exists()
    task.refresh_from_db()
    assert task.status == "open"


def test_task_links_are_added_and_removed_live_without_a_page_reload(client_en):
    old, new = RelationFactory(name="Oude relatie"), RelationFactory(name="Nieuwe relatie")
    task = TaskFactory(relations=[old])

    search = client_en.get(f"/tasks/{task.pk}/links/search/?q=nieuwe", HTTP_HX_REQUEST="true").content.decode()
    assert "Nieuwe relatie" in search and "Oude relatie" not in search

    added = client_en.post(f"/tasks/{task.pk}/links/", {"relation": new.pk}, HTTP_HX_REQUEST="true")
    fragment = added.content.decode()
    assert "<html" not in fragment and 'id="task-links"' in fragment
    assert "Nieuwe relatie" in fragment

    old_link = TaskLink.objects.get(task=task, relation=old)
    removed = client_en.post(f"/tasks/{task.pk}/links/{old_link.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "Oude relatie" not in removed.content.decode()
    assert set(TaskLink.objects.filter(task=task).values_list("relation_id", flat=True)) == {new.pk}


def test_task_links_can_be_added_without_javascript(client_en):
    old, new = RelationFactory(name="Oude relatie"), RelationFactory(name="Nieuwe relatie")
    task = TaskFactory(relations=[old])

    # The search is submitted with the Link button; the results come back on the task page.
    searched = client_en.post(f"/tasks/{task.pk}/links/", {"q": "relatie"})
    assert searched.status_code == 302
    assert searched["Location"] == f"/tasks/{task.pk}/?link_q=relatie#task-links"
    page = client_en.get(f"/tasks/{task.pk}/?link_q=relatie").content.decode()
    assert f'name="relation" value="{new.pk}" required>' in page
    assert f'name="relation" value="{old.pk}"' not in page  # already linked
    assert TaskLink.objects.filter(task=task).count() == 1  # searching links nothing

    client_en.post(f"/tasks/{task.pk}/links/", {"relation": new.pk, "q": "relatie"})

    assert set(TaskLink.objects.filter(task=task).values_list("relation_id", flat=True)) == {old.pk, new.pk}


def test_adding_the_same_link_twice_says_so(client_en):
    relation = RelationFactory(name="Bakker")
    task = TaskFactory(relations=[relation])

    response = client_en.post(f"/tasks/{task.pk}/links/", {"relation": relation.pk}, HTTP_HX_REQUEST="true")

    assert "already linked to Bakker" in response.content.decode()
    assert TaskLink.objects.filter(task=task).count() == 1


def test_create_task_linked_to_a_relation(client_en):
    relation = RelationFactory(name="Bakker")

    response = client_en.post(
        "/tasks/new/", {"subject": "Printer doet het niet", "description": "", "priority": 2, "relation": relation.pk}
    )

    task = Task.objects.get(subject="Printer doet het niet")
    assert response.headers["Location"] == f"/tasks/{task.pk}/"
    assert list(task.links.values_list("relation_id", flat=True)) == [relation.pk]


def test_unknown_task_answers_404(client_en):
    assert client_en.get("/tasks/999999/").status_code == 404
    assert client_en.post("/tasks/999999/status/", {"status": "open"}).status_code == 404


def test_task_list_pages_count_and_odd_page_numbers(client_en, monkeypatch):
    monkeypatch.setattr("tasks.views.TASK_LIST_PAGE_SIZE", 25)
    relation = RelationFactory()
    for _ in range(30):
        TaskFactory(relations=[relation])

    def rows_and_text(page):
        html = client_en.get(f"/tasks/?relation={relation.pk}&page={page}").content.decode()
        return html.count('name="task_ids"'), html

    rows, html = rows_and_text(2)
    assert rows == 5 and "30 tasks" in html and "Page 2 of 2" in html
    # A stale or odd page number shows a real page, never an error.
    assert rows_and_text(99)[0] == 5
    assert rows_and_text("99999999999999999999999")[0] == 5
    assert rows_and_text("abc")[0] == 25
    assert rows_and_text("-3")[0] == 25


def test_the_list_shows_open_tasks_by_default_and_each_queue_its_own(client_en, supplier_user):
    from django.contrib.auth import get_user_model

    colleague = get_user_model().objects.create_user(
        "collega@brightsoft.test", "collega@brightsoft.test", first_name="Cor", last_name="Collega", is_staff=True
    )
    TaskFactory(subject="Van mij", assignee=supplier_user)
    TaskFactory(subject="Van Cor", assignee=colleague)
    TaskFactory(subject="Van niemand")
    TaskFactory(subject="Wacht op klant", status=Task.Status.WAITING, assignee=colleague)
    TaskFactory(subject="Gesloten zaak", status=Task.Status.CLOSED)

    def subjects(path: str) -> set[str]:
        html = client_en.get(path).content.decode()
        return {s for s in ["Van mij", "Van Cor", "Van niemand", "Wacht op klant", "Gesloten zaak"] if s in html}

    assert subjects("/tasks/") == {"Van mij", "Van Cor", "Van niemand", "Wacht op klant"}
    assert subjects("/tasks/?queue=mine") == {"Van mij"}
    assert subjects("/tasks/?queue=unassigned") == {"Van niemand"}
    assert subjects("/tasks/?queue=waiting") == {"Wacht op klant"}
    assert subjects("/tasks/?queue=all") == {"Van mij", "Van Cor", "Van niemand", "Wacht op klant", "Gesloten zaak"}
    assert subjects("/tasks/?queue=bogus") == subjects("/tasks/")
    # The assignee by name, not by e-mail address.
    assert "Cor Collega" in client_en.get("/tasks/?queue=all").content.decode()


def test_the_list_shows_each_tasks_sla_state_in_colour(client_en, supplier_user):
    from tasks.services import task_create

    task_create(actor=supplier_user, subject="Met een klok", priority=Task.Priority.URGENT)

    html = client_en.get("/tasks/").content.decode()

    row = html[html.index("Met een klok") :].split("</tr>")[0]
    assert 'class="badge badge-' in row and ("Respond before" in row or "overdue" in row)


def test_the_reporter_and_relation_are_picked_by_search_not_from_a_list_of_everyone(client_en):
    from tests.factories import ContactFactory

    ada = ContactFactory(first_name="Ada", last_name="Admin", email="ada@w.test")
    ContactFactory.create_batch(5)
    bakker = RelationFactory(name="Bakker", customer_number="K77")
    task = TaskFactory(subject="Storing", reporter=ada)

    detail = client_en.get(f"/tasks/{task.pk}/").content.decode()
    new = client_en.get("/tasks/new/").content.decode()

    # The chosen reporter is a checked radio with a live search beside it; no option per contact.
    assert (
        f'<input type="radio" name="reporter" value="{ada.pk}" checked> <strong>Ada Admin &lt;ada@w.test&gt;</strong>'
        in detail
    )
    assert "<option" not in detail.split('id="id_reporter"')[1].split("</div>")[0]
    assert 'hx-get="/contacts/picker/?field=reporter&amp;optional=1"' in detail
    assert 'hx-get="/relations/picker/?field=relation&amp;optional=1"' in new and "Bakker" not in new

    found = client_en.get("/contacts/picker/", {"field": "reporter", "q": "ada"}).content.decode()
    assert f'name="reporter" value="{ada.pk}"' in found
    created = client_en.post(
        "/tasks/new/", {"subject": "Nieuw", "priority": 2, "relation": bakker.pk, "reporter": ada.pk}
    )
    assert created.status_code == 302
    made = Task.objects.get(subject="Nieuw")
    assert made.reporter == ada and list(made.links.values_list("relation_id", flat=True)) == [bakker.pk]


def test_a_list_past_the_cap_says_more_than_and_stops_counting(client_en, monkeypatch):
    monkeypatch.setattr("staff.ui.COUNT_CAP", 3)
    monkeypatch.setattr("tasks.views.TASK_LIST_PAGE_SIZE", 2)
    TaskFactory.create_batch(5)

    page = client_en.get("/tasks/").content.decode()

    assert "More than 3 tasks: narrow the filters to see them all." in page
    assert "Page 1 of more than 2" in page


def test_a_text_search_stops_counting_sooner_than_the_list(client_en, monkeypatch):
    monkeypatch.setattr("staff.ui.COUNT_CAP", 10)
    monkeypatch.setattr("tasks.selectors.SEARCH_COUNT_CAP", 3)
    TaskFactory.create_batch(5, subject="Bankkoppeling werkt niet")
    TaskFactory.create_batch(2, subject="Printer")

    assert "More than 3 tasks: narrow the filters" in client_en.get("/tasks/?q=bank").content.decode()
    assert "7 tasks" in client_en.get("/tasks/").content.decode()
