"""Exports of the relation, contact and task lists (issue 19, deliverable 3): the page's
filters and sort honoured, formula injection neutralised, headings in the active language."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tasks.models import Task
from tests.conftest import ALPHA, logged_in_staff
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory, TaskFactory


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_relation_export_follows_the_lists_filters_and_neutralises_formulas(staff_en):
    RelationFactory(name='=HYPERLINK("http://kwaad.test","klik")', customer_number="F1", city="Utrecht")
    RelationFactory(name="Zoekbaar Utrecht B.V.", customer_number="F2", is_active=False)
    RelationFactory(name="Anders B.V.", customer_number="F3", city="Zwolle")

    rows = csv_rows(staff_en.get("/transfer/export/relations/?format=csv&q=Utrecht&active=yes"))

    assert rows[0][:3] == ["Customer number", "Name", "Kvk number"]
    assert [row[0] for row in rows[1:]] == ["F1"]  # active only, Zwolle not matched
    assert rows[1][1] == '\'=HYPERLINK("http://kwaad.test","klik")'

    rows = xlsx_rows(staff_en.get("/transfer/export/relations/?format=xlsx&q=Utrecht"))
    assert [row[0] for row in rows[1:]] == ["F1", "F2"]
    assert rows[1][1].startswith("'=HYPERLINK")


def test_contact_export_lists_the_relations_and_guards_every_formula_start(staff_en):
    relation = RelationFactory(customer_number="E1")
    for n, name in enumerate(["+31 kwaad", "-2+3", "@SUM(A1)", "\tTab", "Gewoon"]):
        contact = ContactFactory(last_name=name, first_name="Export", email=f"e{n}@export.test")
        ContactLinkFactory(contact=contact, relation=relation)
    ContactFactory(last_name="Weg", status="inactive", email="weg@export.test")

    rows = csv_rows(staff_en.get("/transfer/export/contacts/?format=csv&status=active"))

    by_email = {row[0]: row for row in rows[1:]}
    assert "weg@export.test" not in by_email
    assert [by_email[f"e{n}@export.test"][2] for n in range(5)] == [
        "'+31 kwaad",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTab",
        "Gewoon",
    ]
    assert by_email["e0@export.test"][5] == "E1"


def test_task_export_follows_queue_filters_and_sort(staff_en):
    relation = RelationFactory(name="Taken B.V.")
    first = TaskFactory(subject="Eerste", relations=[relation])
    second = TaskFactory(subject="Tweede", relations=[relation])
    TaskFactory(subject="Gesloten", status=Task.Status.CLOSED, relations=[relation])
    TaskFactory(subject="Ander")

    rows = csv_rows(staff_en.get(f"/transfer/export/tasks/?format=csv&queue=open&relation={relation.pk}"))
    assert rows[0][:3] == ["Number", "Subject", "Status"]
    assert [row[1] for row in rows[1:]] == ["Tweede", "Eerste"]  # newest first, as the list
    rows = csv_rows(staff_en.get(f"/transfer/export/tasks/?format=csv&queue=open&relation={relation.pk}&sort=created"))
    assert [int(row[0]) for row in rows[1:]] == [first.pk, second.pk]
    assert "Taken B.V." in rows[1][6]


def test_an_xlsx_export_longer_than_the_cap_is_refused_with_a_pointer_to_csv(staff_en, settings):
    settings.TRANSFER_XLSX_MAX_ROWS = 2
    for _ in range(3):
        RelationFactory()
    response = staff_en.get("/transfer/export/relations/?format=xlsx", follow=True)
    assert response.redirect_chain[-1][0].startswith("/relations/")
    assert "more than 2 rows, more than an XLSX export holds" in response.content.decode()


def test_headings_follow_the_active_language(staff_en):
    staff_en.post("/i18n/setlang/", {"language": "nl"})
    rows = csv_rows(staff_en.get("/transfer/export/contacts/?format=csv"))
    assert rows[0] == ["E-mailadres", "Voornaam", "Achternaam", "Functie", "Telefoon", "Klantnummers"]


def test_an_export_holds_only_the_own_contractants_rows(staff_en):
    RelationFactory(name="Alleen bij de leverancier", customer_number="S1")
    alpha = logged_in_staff(ALPHA)
    rows = csv_rows(alpha.get("/transfer/export/relations/?format=csv"))
    assert "S1" not in [row[0] for row in rows[1:]]


def test_the_list_pages_offer_the_exports_with_their_filters(staff_en):
    page = staff_en.get("/relations/?q=abc&kind=company").content.decode()
    assert "/transfer/export/relations/?format=csv&amp;q=abc&amp;kind=company" in page
    assert "/transfer/import/" in page
    page = staff_en.get("/tasks/?queue=mine").content.decode()
    assert "/transfer/export/tasks/?format=xlsx&amp;queue=mine" in page
