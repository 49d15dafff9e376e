"""History that a person reads (issue 18): labels and shown values, one entry per action, the
relation's activity timeline (its own, its tasks' and its contacts' changes), and an undo that
keeps the binding's original date."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from contacts.services.contacts import update_contact
from contacts.services.links import link_contact
from relations.services import relation_update
from subscriptions import relink as relink_services
from subscriptions.models import TechnicalSetup
from tasks.models import Task
from tasks.services import task_update
from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import ContactFactory, RelationFactory, TaskFactory


def staff(language: str):
    client = client_for(SUPPLIER)
    assert client.post("/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD}).status_code == 302
    client.post("/i18n/setlang/", {"language": language})
    return client


def rows(html: str) -> list[str]:
    """The rows of the history table (the page's last table) as text, newest first."""
    body = html.rsplit("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")[:-1]]


@pytest.fixture
def dutch(supplier_user):
    return staff("nl")


@pytest.fixture
def english(supplier_user):
    return staff("en")


def test_a_change_shows_labels_names_yes_no_and_dutch_dates(dutch, supplier_user):
    relation = RelationFactory(name="Bakkerij Jansen")
    colleague = get_user_model().objects.create_user(
        "els@brightsoft.test", "els@brightsoft.test", is_staff=True, first_name="Els", last_name="Bakker"
    )
    task = TaskFactory(relations=[relation], subject="Kassa stuk")
    task_update(task=task, actor=supplier_user, data={"assignee": colleague, "priority": Task.Priority.HIGH})
    relation_update(relation=relation, actor=supplier_user, data={"is_active": False, "city": ""})

    html = dutch.get(f"/relations/{relation.pk}/history/").content.decode()

    assert "Actief: <del>Ja</del> → <ins>Nee</ins>" in html  # the label, yes/no in Dutch
    assert "Behandelaar: <del>—</del> → <ins>Els Bakker</ins>" in html  # a name, not an id
    assert "Prioriteit: <del>Normaal</del> → <ins>Hoog</ins>" in html  # a choice by its label
    assert "is_active" not in html and f"<ins>{colleague.pk}</ins>" not in html


def test_a_date_reads_in_the_dutch_format():
    from staff.history import shown_value
    from subscriptions.models import Subscription

    model = Subscription.history.model
    assert shown_value(model, "start_date", datetime.date(2026, 3, 1)) == "01-03-2026"
    assert shown_value(model, "end_date", None) == "—"


def test_a_relink_of_77_tasks_is_one_entry_with_77(scenario, supplier_user, english):
    for number in range(77 - len(scenario.open_tasks)):
        TaskFactory(relations=[scenario.old], subject=f"Extra {number}")

    relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)

    html = english.get(f"/relations/{scenario.new.pk}/history/").content.decode()
    relinks = [row for row in rows(html) if "Relink: 77 tasks" in row]
    assert len(relinks) == 1
    assert "Link of task" not in html  # no row per moved task
    assert f'href="/relations/{scenario.new.pk}/tasks/"' in html  # the entry links to the tasks


def test_the_timeline_joins_the_relations_its_tasks_and_its_contacts_changes_newest_first(english, supplier_user):
    relation = RelationFactory(name="Bakkerij Jansen", city="Utrecht")
    task = TaskFactory(relations=[relation], subject="Kassa stuk")
    contact = ContactFactory(first_name="Bert", last_name="Bakker")
    link_contact(contact=contact, relation=relation, actor=supplier_user)
    relation_update(relation=relation, actor=supplier_user, data={"city": "Amersfoort"})
    task_update(task=task, actor=supplier_user, data={"subject": "Kassa weer stuk"})
    update_contact(contact=contact, actor=supplier_user, data={"phone": "0612345678"})

    lines = rows(english.get(f"/relations/{relation.pk}/history/").content.decode())

    contact_change = next(i for i, line in enumerate(lines) if "Contact Bert Bakker" in line and "changed" in line)
    task_change = next(i for i, line in enumerate(lines) if "Kassa weer stuk" in line and "changed" in line)
    relation_change = next(i for i, line in enumerate(lines) if "Amersfoort" in line)
    assert contact_change < task_change < relation_change  # newest first
    assert any("Contact link: Bert Bakker" in line for line in lines)


def test_the_timeline_is_paged_and_costs_the_same_queries_however_long(
    english, supplier_user, django_assert_max_num_queries
):
    relation = RelationFactory(name="Bakkerij Jansen")
    url = f"/relations/{relation.pk}/history/"

    def changes(count: int, *, contacts: int) -> None:
        for number in range(count):
            task = TaskFactory(relations=[relation])
            task_update(task=task, actor=supplier_user, data={"subject": f"Nieuw onderwerp {number}"})
            if number >= contacts:
                continue
            # A contact's changes too: each entry names the contact (once one query per entry).
            contact = ContactFactory(first_name="Bert", last_name=f"Bakker {number}")
            link_contact(contact=contact, relation=relation, actor=supplier_user)
            update_contact(contact=contact, actor=supplier_user, data={"phone": f"06123456{number:02d}"})

    changes(20, contacts=1)
    relation_update(relation=relation, actor=supplier_user, data={"city": "Deventer"})
    english.get(url)
    with CaptureQueriesContext(connection) as first_page:
        english.get(url)
    changes(40, contacts=40)
    relation_update(relation=relation, actor=supplier_user, data={"city": "Zwolle"})

    with django_assert_max_num_queries(len(first_page)):
        first = english.get(url).content.decode()
    second = english.get(f"{url}?page=2").content.decode()
    # 60 tasks linked and changed, 41 contacts linked and changed, two changes of the relation
    # (a task's creation is its link's)
    assert len(rows(first)) == 50 and "Page 1 of" in first
    assert any("Contact Bert Bakker" in row for row in rows(first))
    assert "Zwolle" in rows(first)[0]  # the newest change first
    assert len(rows(second)) == 50 and not set(rows(first)) & set(rows(second))


def test_an_undone_relink_keeps_the_bindings_original_since_date(scenario, supplier_user, dutch):
    original = timezone.now() - datetime.timedelta(days=400)
    TechnicalSetup.objects.filter(subscription__relation=scenario.old).update(bound_at=original)
    TechnicalSetup.history.update(bound_at=original)
    result = relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)

    relink_services.relink_undo(record=result.record, actor=supplier_user)

    setup = TechnicalSetup.objects.get(subscription__relation=scenario.old)
    assert setup.bound_at == original
    # Restored, not changed: no history row says the date moved.
    assert [row.bound_at for row in TechnicalSetup.history.filter(id=setup.pk)] == [original]
    page = dutch.get(f"/relations/{scenario.old.pk}/subscriptions/").content.decode()
    with translation.override("nl"):
        assert date_format(timezone.localtime(original), "SHORT_DATETIME_FORMAT") in page


def test_a_successor_reads_by_name_and_a_date_in_the_dutch_format(supplier_user):
    from contacts.models import Contact
    from staff.history import history_entries

    successor = ContactFactory(first_name="Els", last_name="Bakker")
    contact = ContactFactory()
    contact.successor, contact.out_of_service_on = successor, datetime.date(2027, 1, 31)
    contact._history_user = supplier_user
    contact.save()

    with translation.override("nl"):
        (entry,) = [e for e in history_entries(Contact.history.filter(id=contact.pk), str, FIELDS) if e.changes]
    assert ("Opvolger", "—", "Els Bakker") in entry.changes
    assert any(new == "31-01-2027" for _label, _old, new in entry.changes)


FIELDS = ["successor_id", "out_of_service_on"]
