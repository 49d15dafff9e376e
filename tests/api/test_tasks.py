"""Tasks through the API: create, filter, change status, the conversation (public replies and
internal notes) and attachments."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tasks.models import Task, TaskMessage
from tests.factories import RelationFactory, TaskFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_open_a_task_for_a_relation(api, in_supplier, supplier_user):
    relation = RelationFactory()
    response = api.post(
        "/api/tasks/",
        {
            "subject": "Loonstrook klopt niet",
            "priority": 3,
            "relation_ids": [relation.pk],
            "assignee": supplier_user.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["relations"] == [relation.pk] and body["status"] == "new" and body["assignee"] == supplier_user.pk
    connection.set_tenant(in_supplier)
    assert Task.objects.get(pk=body["id"]).history.get().history_user == supplier_user


def test_a_task_without_subject_or_with_an_unknown_relation_is_400(api, in_supplier):
    response = api.post("/api/tasks/", {"subject": "", "relation_ids": [99999999]}, format="json")
    assert response.status_code == 400
    assert {"subject", "relation_ids"} <= set(response.json())
    connection.set_tenant(in_supplier)
    assert not Task.objects.exists()


def test_list_filters_like_the_task_list_newest_first(api, in_supplier):
    relation = RelationFactory()
    first = TaskFactory(relations=[relation], subject="Eerste")
    second = TaskFactory(relations=[relation], subject="Tweede", status=Task.Status.CLOSED)
    TaskFactory(subject="Elders")
    ids = lambda url: [row["id"] for row in api.get(url).json()["results"]]  # noqa: E731
    assert ids(f"/api/tasks/?relation={relation.pk}") == [second.pk, first.pk]
    assert ids(f"/api/tasks/?relation={relation.pk}&open=true") == [first.pk]
    assert ids("/api/tasks/?status=closed") == [second.pk]
    assert ids("/api/tasks/?q=tweede") == [second.pk]
    assert api.get("/api/tasks/?relation=99999999").status_code == 400


def test_list_reads_a_bounded_number_of_queries(api, in_supplier, django_assert_max_num_queries):
    relations = [RelationFactory(), RelationFactory()]
    for _ in range(25):
        TaskFactory(relations=relations)
    with django_assert_max_num_queries(10):  # host, token, page, links: not per row
        response = api.get("/api/tasks/")
    assert len(response.json()["results"]) == 25


def test_change_fields_and_status(api, in_supplier):
    task = TaskFactory(subject="Oud")
    response = api.patch(f"/api/tasks/{task.pk}/", {"subject": "Nieuw", "status": "closed"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Nieuw" and response.json()["status"] == "closed"
    assert response.json()["closed_at"] is not None
    assert api.patch(f"/api/tasks/{task.pk}/", {"status": "lost"}, format="json").status_code == 400


def test_public_replies_and_internal_notes(api, in_supplier):
    task = TaskFactory()
    url = f"/api/tasks/{task.pk}/messages/"
    response = api.post(url, {"kind": "reply", "body": "We kijken ernaar.", "set_status": "waiting"}, format="json")
    assert response.status_code == 201, response.json()
    assert api.post(url, {"kind": "note", "body": "Intern: bel de klant."}, format="json").status_code == 201
    assert api.post(url, {"kind": "note", "body": "  "}, format="json").status_code == 400
    assert api.post(url, {"kind": "shout", "body": "x"}, format="json").status_code == 400

    messages = api.get(url).json()["results"]
    assert [(row["kind"], row["body"]) for row in messages] == [
        ("reply", "We kijken ernaar."),
        ("note", "Intern: bel de klant."),
    ]
    assert [row["kind"] for row in api.get(f"{url}?kind=note").json()["results"]] == ["note"]
    connection.set_tenant(in_supplier)
    task.refresh_from_db()
    assert task.status == Task.Status.WAITING


def test_attachments_upload_list_and_download(api, in_supplier):
    task = TaskFactory()
    upload = SimpleUploadedFile("loonstrook.pdf", PDF, content_type="application/pdf")
    response = api.post(
        f"/api/tasks/{task.pk}/messages/", {"kind": "note", "body": "Bijlage", "files": [upload]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    files = api.get(f"/api/tasks/{task.pk}/attachments/").json()
    assert [(row["name"], row["is_internal"]) for row in files] == [("loonstrook.pdf", True)]
    download = api.get(files[0]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF

    refused = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/octet-stream")
    response = api.post(
        f"/api/tasks/{task.pk}/messages/", {"kind": "note", "body": "x", "files": [refused]}, format="multipart"
    )
    assert response.status_code == 400
    connection.set_tenant(in_supplier)
    assert TaskMessage.objects.filter(task=task).count() == 1
