"""Import of relations and contacts from CSV and XLSX (issue 19, deliverable 3): a preview row
by row, nothing written before confirming, the commit through the same rules as the pages."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.models import Contact, ContactLink
from relations.models import Relation
from tests.conftest import ALPHA, logged_in_staff
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory
from tests.transfer.conftest import csv_file, xlsx_file
from transfer.models import ImportJob, ImportRow

RELATION_HEADINGS = ["Customer number", "Name", "KvK number", "Street", "House number", "Postcode", "City"]
CONTACT_HEADINGS = ["E-mail address", "First name", "Last name", "Phone", "Customer numbers", "Favourite colour"]


def upload(client, name: str, content: bytes):
    return client.post("/transfer/import/", {"file": SimpleUploadedFile(name, content)})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def job_of(response) -> ImportJob:
    assert response.status_code == 302, text_of(response)
    code = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return ImportJob.objects.get(code=code)


def test_5000_relations_with_10000_contacts_from_xlsx_preview_then_commit(staff_en, django_capture_on_commit_callbacks):
    existing = ContactFactory(first_name="Bestaand", last_name="Contact", email="bestaand@import.test")
    relations = [RELATION_HEADINGS] + [
        [f"K{n:05d}", f"Klant {n} B.V.", f"{20000000 + n}", "Dorpsstraat", str(n), "1234 AB", "Utrecht"]
        for n in range(5000)
    ]
    relations += [
        ["BAD1", "Verkeerde postcode B.V.", "", "", "", "12345", "Utrecht"],
        ["BAD2", "", "", "", "", "", ""],  # no name
        ["K00001", "Dubbel klantnummer B.V.", "", "", "", "", ""],
    ]
    contacts = [CONTACT_HEADINGS]
    for n in range(5000):
        for m in range(2):
            contacts.append([f"p{n}-{m}@import.test", f"Piet{m}", f"Klant{n}", "", f"K{n:05d}", "blauw"])
    contacts += [
        ["P0-0@Import.test", "Dubbel", "Adres", "", "K00000", ""],  # the same address again, other case
        ["BESTAAND@import.test", "", "", "", "K00002", ""],  # in the database: updated and linked
        ["niemand@import.test", "Geen", "Relatie", "", "ONBEKEND", ""],
    ]
    content = xlsx_file({"Relations": relations, "Contacts": contacts})
    before = (Relation.objects.count(), Contact.objects.count(), ContactLink.objects.count())
    started = time.monotonic()

    job = job_of(upload(staff_en, "crm.xlsx", content))

    # Previewed, nothing written.
    assert (Relation.objects.count(), Contact.objects.count(), ContactLink.objects.count()) == before
    assert job.planned == {"create": 15000, "update": 1, "refuse": 5}
    page = text_of(staff_en.get(f"/transfer/imports/{job.code}/?show=refused"))
    assert "Enter a Dutch postcode like 1234 AB." in page
    assert "Name: This field cannot be blank." in page
    assert "Customer number K00001 is also on line 3 of the file." in page
    assert "The e-mail address P0-0@Import.test is also on line 2 of the file." in page
    assert "No relation has customer number ONBEKEND" in page
    assert "Unknown columns, ignored: Favourite colour" in page
    assert "To create: 15000 · to update: 1 · unchanged: 0 · refused: 5" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_en.post(f"/transfer/imports/{job.code}/confirm/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.done == job.total
    assert job.result == {"created": 15000, "updated": 1, "refused": 5}
    assert Relation.objects.count() == before[0] + 5000
    assert Contact.objects.count() == before[1] + 10000
    assert ContactLink.objects.count() == before[2] + 10001
    imported = Contact.objects.get(username="p4999-1@import.test")
    assert imported.links.get().relation.name == "Klant 4999 B.V."
    assert imported.history.get().history_user.email == "staff@brightsoft.test"
    assert Relation.objects.get(customer_number="K04999").history.count() == 1
    assert existing.links.get().relation.customer_number == "K00002"
    assert not Relation.objects.filter(customer_number__in=["BAD1", "BAD2"]).exists()
    assert time.monotonic() - started < 60

    log = text_of(staff_en.get("/transfer/imports/"))
    assert "crm.xlsx" in log and "Done" in log


def test_csv_import_with_dutch_headings_updates_and_links(staff_en):
    relation = RelationFactory(customer_number="C1", name="Oude naam B.V.", postcode="3511 CE")
    rows = [
        ["Klantnummer", "Naam", "Postcode", "Plaats"],
        ["c1", "Nieuwe naam B.V.", "1234ab", ""],
        ["C2", "Twee", "", "Zeist"],
    ]
    job = job_of(upload(staff_en, "relaties.csv", csv_file(rows, delimiter=";")))
    assert job.planned == {"update": 1, "create": 1}
    assert Relation.objects.get(pk=relation.pk).name == "Oude naam B.V."  # not before confirming

    staff_en.post(f"/transfer/imports/{job.code}/confirm/")

    relation.refresh_from_db()
    assert (relation.name, relation.postcode, relation.city) == ("Nieuwe naam B.V.", "1234 AB", "Utrecht")
    assert Relation.objects.get(customer_number="C2").city == "Zeist"
    again = job_of(upload(staff_en, "relaties.csv", csv_file(rows, delimiter=";")))
    assert again.planned == {"unchanged": 2}
    contacts = [["email", "last_name", "customer_numbers"], ["an@csv.test", "Jansen", "C1; C2"]]
    job = job_of(upload(staff_en, "contacts.csv", csv_file(contacts)))
    staff_en.post(f"/transfer/imports/{job.code}/confirm/")
    contact = Contact.objects.get(username="an@csv.test")
    assert sorted(contact.links.values_list("relation__customer_number", flat=True)) == ["C1", "C2"]
    assert ImportJob.objects.get(pk=job.pk).result == {"created": 1}


def test_an_existing_contact_is_updated_not_duplicated_and_a_staff_login_is_refused(staff_en):
    relation = RelationFactory(customer_number="L1")
    contact = ContactFactory(email="al@bekend.test", last_name="Oud")
    ContactLinkFactory(contact=contact, relation=relation)
    rows = [
        ["E-mail address", "Last name", "Customer numbers"],
        [" AL@bekend.test ", "Nieuw", "L1"],
        ["staff@brightsoft.test", "Medewerker", ""],
    ]
    job = job_of(upload(staff_en, "c.csv", csv_file(rows)))
    refused = ImportRow.objects.get(job=job, line=3)
    assert refused.action == "refuse" and "login name of another account" in refused.message
    staff_en.post(f"/transfer/imports/{job.code}/confirm/")
    contact.refresh_from_db()
    assert contact.last_name == "Nieuw" and contact.links.count() == 1
    assert Contact.objects.filter(username="al@bekend.test").count() == 1


def test_a_discarded_import_writes_nothing_and_cannot_be_confirmed(staff_en):
    job = job_of(upload(staff_en, "r.csv", csv_file([["customer number", "name"], ["D1", "Weg B.V."]])))
    staff_en.post(f"/transfer/imports/{job.code}/discard/")
    response = staff_en.post(f"/transfer/imports/{job.code}/confirm/", follow=True)
    assert "This import was confirmed or discarded already." in text_of(response)
    assert not Relation.objects.filter(customer_number="D1").exists()


def test_a_job_resumes_with_its_pending_rows_only(staff_en, monkeypatch):
    from transfer import services

    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    rows = [["customer number", "name"]] + [[f"R{n}", f"Relatie {n}"] for n in range(5)]
    job = job_of(upload(staff_en, "r.csv", csv_file(rows)))
    calls = {"n": 0}
    real = services._create_relations

    def crash_on_second_chunk(rows, job):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost")
        real(rows, job)

    monkeypatch.setattr(services, "_create_relations", crash_on_second_chunk)
    job = services.import_confirm(job=job, actor=None)
    assert job.state == ImportJob.State.FAILED and job.done == 2
    assert Relation.objects.filter(customer_number__startswith="R").count() == 2

    job = services.run_import(job)
    assert job.state == ImportJob.State.DONE and job.done == 5
    assert Relation.objects.filter(customer_number__startswith="R").count() == 5


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.4 ...", "Upload a CSV or XLSX file"),
        ("fake.xlsx", b"customer number,name\nX,Y\n", "Upload a CSV or XLSX file"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "This XLSX file cannot be read."),
        ("empty.csv", b"", "The submitted file is empty."),
        ("headings.csv", b"customer number,name\n", "The file has no rows to import."),
        ("missing.csv", b"customer number,city\nX,Utrecht\n", "Required columns are missing: name."),
        ("other.csv", b"colour,size\nred,XL\n", "has no columns of relations or contacts"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(staff_en, name, content, message):
    before = ImportJob.objects.count()
    response = upload(staff_en, name, content)
    assert response.status_code == 400
    assert message in text_of(response)
    assert ImportJob.objects.count() == before


def test_a_huge_file_is_refused(staff_en, settings):
    settings.TRANSFER_MAX_UPLOAD_BYTES = 1000
    response = upload(staff_en, "big.csv", b"customer number,name\n" + b"X1,Y\n" * 300)
    assert "The file is too large: at most 0.001 MB." in text_of(response)
    settings.TRANSFER_MAX_UPLOAD_BYTES = 10_000_000
    settings.TRANSFER_MAX_ROWS = 10
    response = upload(staff_en, "long.csv", b"customer number,name\n" + b"".join(b"X%d,Y\n" % n for n in range(11)))
    assert "The file has 11 rows; an import takes at most 10. Split the file." in text_of(response)


def test_another_contractants_import_is_not_found(staff_en):
    job = job_of(upload(staff_en, "r.csv", csv_file([["customer number", "name"], ["G1", "Geheim B.V."]])))
    alpha = logged_in_staff(ALPHA)
    assert alpha.get(f"/transfer/imports/{job.code}/").status_code == 404
    assert alpha.post(f"/transfer/imports/{job.code}/confirm/").status_code == 404
    assert "r.csv" not in text_of(alpha.get("/transfer/imports/"))


def test_the_import_log_reads_a_fixed_number_of_queries(staff_en, django_assert_max_num_queries):
    for n in range(3):
        job_of(upload(staff_en, f"r{n}.csv", csv_file([["customer number", "name"], [f"Q{n}", "Q B.V."]])))
    with django_assert_max_num_queries(12):
        response = staff_en.get("/transfer/imports/")
    assert response.status_code == 200 and "r2.csv" in text_of(response)


def test_the_template_files_have_the_headings_of_the_active_language(staff_en):
    response = staff_en.get("/transfer/template-relations.csv")
    assert response.content.decode("utf-8-sig").startswith("Customer number,Name,Kvk number")
    staff_en.post("/i18n/setlang/", {"language": "nl"})
    response = staff_en.get("/transfer/template-contacts.csv")
    assert response.content.decode("utf-8-sig").startswith("E-mailadres,Voornaam,Achternaam")
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(staff_en.get("/transfer/template.xlsx").content))
    assert book.sheetnames == ["Relaties", "Contactpersonen"]
    assert book["Relaties"]["A1"].value == "Klantnummer"


def test_a_large_import_runs_on_the_worker_with_a_progress_page(staff_en, settings, django_capture_on_commit_callbacks):
    settings.TRANSFER_RUN_NOW_ROWS = 2
    rows = [["customer number", "name"]] + [[f"W{n}", f"Werker {n}"] for n in range(3)]
    job = job_of(upload(staff_en, "groot.csv", csv_file(rows)))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_en.post(f"/transfer/imports/{job.code}/confirm/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED and len(callbacks) == 1
    page = staff_en.get(f"/transfer/imports/{job.code}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "0 of 3 rows done" in page
    assert not Relation.objects.filter(customer_number__startswith="W").exists()

    callbacks[0]()  # the worker (eager in tests) picks the job up
    fragment = staff_en.get(f"/transfer/imports/{job.code}/", headers={"HX-Request": "true"}).content.decode()
    assert "3 of 3 rows done" in fragment and "hx-trigger" not in fragment
    assert Relation.objects.filter(customer_number__startswith="W").count() == 3


def test_the_preview_page_reads_a_fixed_number_of_queries(staff_en, django_assert_max_num_queries):
    rows = [["customer number", "name", "postcode"]] + [
        [f"V{n}", f"V {n}", "12345" if n % 2 else ""] for n in range(150)
    ]
    job = job_of(upload(staff_en, "v.csv", csv_file(rows)))
    with django_assert_max_num_queries(12):
        response = staff_en.get(f"/transfer/imports/{job.code}/?show=refused")
    assert response.status_code == 200 and text_of(response).count("Enter a Dutch postcode") == 75
