"""The AVG export: one ZIP with a JSON file per kind of data about the person, and nothing of anyone else."""

from __future__ import annotations

import io
import json
import zipfile

from audit.models import SecurityEvent
from portal_sync.desired import external_id
from portal_sync.models import RemoteMembership, RemoteUser


def download(client, contact) -> zipfile.ZipFile:
    response = client.post(f"/privacy/contacts/{contact.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"personal-data-{contact.code}.zip" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return json.loads(archive.read(f"{name}.json"))


def test_person_page_counts_each_kind_and_offers_export_and_erase(admin_client, world):
    response = admin_client.get(f"/privacy/contacts/{world.eva.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Personal data of Eva van Exporter" in html
    assert "Download export (ZIP)" in html and f"/privacy/contacts/{world.eva.pk}/erase/" in html
    assert "messages_written.json" in html


def test_contact_page_links_to_the_privacy_page_for_administrators(admin_client, world):
    html = admin_client.get(f"/contacts/{world.eva.pk}/").content.decode()

    assert f"/privacy/contacts/{world.eva.pk}/" in html


def test_export_holds_every_kind_of_the_persons_data(admin_client, world):
    user_id = external_id(world.eva)
    RemoteUser.objects.create(external_id=user_id, data={"email": "eva@privacy.test", "name": "Eva van Exporter"})
    RemoteMembership.objects.create(user_id=user_id, client_id=external_id(world.company))

    archive = download(admin_client, world.eva)

    assert rows(archive, "contact")[0]["email"] == "eva@privacy.test"
    assert rows(archive, "contact")[0]["infix"] == "van"
    assert [row["email"] for row in rows(archive, "email_addresses")] == ["eva.prive@privacy.test"]
    assert [row["name"] for row in rows(archive, "person_relation")] == ["E. van Exporter"]
    assert [row["relation__name"] for row in rows(archive, "links")] == ["Exportbedrijf B.V."]
    assert [row["value"] for row in rows(archive, "attributes")] == ["Salarisadministratie"]
    assert [row["subject"] for row in rows(archive, "tasks_reported")] == ["Loonstrook klopt niet"]
    assert [row["body"] for row in rows(archive, "messages_written")] == [world.eva_message.body]
    assert [row["address"] for row in rows(archive, "task_emails")] == ["eva@privacy.test"]
    assert rows(archive, "history_contact")[0]["history_type"] == "+"
    assert {row["relation_id"] for row in rows(archive, "history_links")} == {world.company.pk}
    assert [row["email"] for row in rows(archive, "portal_invitations")] == ["eva@privacy.test"]
    assert rows(archive, "portal_login")[0]["username"] == "eva@privacy.test"
    assert "password" not in rows(archive, "portal_login")[0]
    assert rows(archive, "client_online_user")[0]["external_id"] == user_id
    assert [row["client_id"] for row in rows(archive, "client_online_memberships")] == [external_id(world.company)]
    readme = archive.read("README.txt").decode()
    assert "messages_written.json" in readme and "Brightsoft Support" in readme


def test_export_holds_nothing_of_another_contact(admin_client, world):
    archive = download(admin_client, world.eva)

    everything = " ".join(archive.read(name).decode() for name in archive.namelist())
    assert "otto" not in everything.lower()
    assert "Inkoop" not in everything
    assert "reply_token" not in everything


def test_export_is_recorded_in_the_security_log_without_personal_data(admin_client, world):
    download(admin_client, world.eva)

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PRIVACY_EXPORT)
    assert event.actor_label == "staff@brightsoft.test"
    assert f"#{world.eva.pk}" in event.summary
    assert "eva" not in f"{event.summary} {event.object_label}".lower()


def test_export_is_a_post_only(admin_client, world):
    assert admin_client.get(f"/privacy/contacts/{world.eva.pk}/export/").status_code == 405
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PRIVACY_EXPORT).exists()


def test_person_and_erase_pages_take_the_same_queries_however_much_data(admin_client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.models import TaskMessage
    from tests.factories import TaskFactory

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    pages = [f"/privacy/contacts/{world.eva.pk}/", f"/privacy/contacts/{world.eva.pk}/erase/"]
    before = [queries(url) for url in pages]
    for _ in range(20):
        task = TaskFactory(relations=[world.company], reporter=world.eva)
        TaskMessage.objects.create(task=task, author_contact=world.eva, channel="portal", body="Nog een vraag")

    assert [queries(url) for url in pages] == before
    assert max(before) <= 60  # one count per kind, plus the staff shell
