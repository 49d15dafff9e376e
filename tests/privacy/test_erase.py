"""Erasing a person: a confirmation with counts first, then pseudonymised data, kept tasks,
an ended portal login and a security log entry without the person's data."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from audit.models import SecurityEvent
from contacts.models import AttributeValue, Contact, ContactEmail, ContactLink
from portal.models import ContactInvitation
from privacy.models import Erasure
from tasks.models import Task, TaskEmail, TaskMessage
from tenants.hooks import data_changed
from tenants.models import SyncOutbox
from tests.privacy.conftest import portal_client

ERASED = "Verwijderde persoon"  # the site language (Dutch), as stored


def erase_url(contact) -> str:
    return f"/privacy/contacts/{contact.pk}/erase/"


def test_confirmation_page_shows_the_counts_and_changes_nothing(admin_client, world):
    response = admin_client.get(erase_url(world.eva))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has changed yet" in html
    plan = response.context["plan"]
    assert (plan.links, plan.attribute_values, plan.secondary_addresses) == (1, 1, 1)
    assert (plan.tasks, plan.messages, plan.emails, plan.invitations) == (1, 1, 1, 1)
    assert plan.has_login and plan.person_relation == world.private
    assert plan.history_rows >= 2
    assert "E. van Exporter" in html  # the private relation that stays is named
    world.eva.refresh_from_db()
    assert world.eva.email == "eva@privacy.test" and world.eva.links.count() == 1
    assert not Erasure.objects.exists()


def test_unconfirmed_erase_is_refused_with_a_clear_error_and_nothing_changes(admin_client, world):
    response = admin_client.post(erase_url(world.eva), {})

    assert response.status_code == 200
    assert "Tick the box to confirm the erasure." in response.content.decode()
    world.eva.refresh_from_db()
    assert world.eva.full_name == "Eva van Exporter"
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PRIVACY_ERASURE).exists()


def test_erase_pseudonymises_the_person_and_keeps_the_tasks(admin_client, world):
    eva = world.eva

    response = admin_client.post(erase_url(eva), {"confirm": "on"})

    assert response.status_code == 302 and response["Location"] == f"/contacts/{eva.pk}/"
    eva.refresh_from_db()
    assert (eva.first_name, eva.infix, eva.last_name, eva.job_title, str(eva.phone)) == ("", "", ERASED, "", "")
    assert eva.email.endswith("@erased.invalid") and eva.username == eva.email
    assert eva.status == Contact.Status.INACTIVE and eva.user is None
    # Every history row pseudonymised, none deleted.
    history = list(Contact.history.filter(id=eva.pk).values("first_name", "last_name", "email", "phone"))
    assert len(history) >= 3
    assert all(row["last_name"] == ERASED and "eva" not in row["email"] and not row["phone"] for row in history)
    assert not ContactLink.history.filter(contact_id=eva.pk).exclude(job_title="").exists()
    # Links, attributes, secondary addresses, invitations gone; Otto's untouched.
    assert not ContactLink.objects.filter(contact=eva).exists()
    assert not AttributeValue.objects.filter(contact=eva).exists()
    assert AttributeValue.objects.filter(contact=world.otto).exists()
    assert not ContactEmail.objects.filter(contact=eva).exists()
    assert not ContactInvitation.objects.exists()
    # The task stays, with its history, reported by "Erased person"; addresses replaced.
    task = Task.objects.get(pk=world.reported.pk)
    assert task.reporter == eva and task.reporter.full_name == ERASED
    assert "eva@privacy.test" not in task.description
    assert Task.history.filter(id=task.pk).exists()
    assert not Task.history.filter(id=task.pk, description__icontains="eva@").exists()
    message = TaskMessage.objects.get(pk=world.eva_message.pk)
    assert message.author_label == ERASED and message.author is None
    assert "eva" not in message.body.lower()
    assert "eva" not in TaskMessage.objects.get(pk=world.staff_message.pk).body
    assert TaskEmail.objects.get(pk=world.email.pk).address == eva.email
    # Otto's task keeps everything.
    assert Task.objects.get(pk=world.otto_task.pk).description == "otto@privacy.test"
    # The contact page now shows the pseudonym.
    assert f"<h1>{ERASED}</h1>" in admin_client.get(f"/contacts/{eva.pk}/").content.decode()


def test_erase_ends_the_portal_login(admin_client, world):
    portal = portal_client(world.eva)
    home = portal.get("/portal/")
    assert home.status_code == 302 and "/portal/o/" in home["Location"]  # to the organisation
    login = world.eva.user

    admin_client.post(erase_url(world.eva), {"confirm": "on"})

    response = portal.get("/portal/")
    assert response.status_code == 302 and "/portal/login/" in response["Location"]
    login.refresh_from_db()
    assert not login.is_active and not login.has_usable_password() and "eva" not in login.username
    assert not get_user_model().objects.filter(email__icontains="eva").exists()


def test_erase_tells_the_sync_inside_its_transaction(admin_client, world):
    """The outbox receiver (portal_sync) hears of the change; the sync then removes the user."""
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, Contact.objects.get(pk=world.eva.pk).status))

    data_changed.connect(receiver, dispatch_uid="test-privacy-erase")
    try:
        admin_client.post(erase_url(world.eva), {"confirm": "on"})
    finally:
        data_changed.disconnect(dispatch_uid="test-privacy-erase")

    assert heard == [(Contact, Contact.Status.INACTIVE)]
    assert SyncOutbox.objects.filter(contractant__schema_name="supplier").exists()


def test_erase_is_recorded_in_the_security_log_without_personal_data(admin_client, world):
    admin_client.post(erase_url(world.eva), {"confirm": "on"})

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PRIVACY_ERASURE)
    assert event.actor_label == "staff@brightsoft.test"
    text = f"{event.summary} {event.object_label}".lower()
    assert f"#{world.eva.pk}" in text and "1 taken" in text  # in the site language
    assert "eva" not in text and "exporter" not in text


def test_a_second_erase_is_refused(admin_client, world):
    admin_client.post(erase_url(world.eva), {"confirm": "on"})

    response = admin_client.get(erase_url(world.eva))
    assert "This person was erased on" in response.content.decode()
    response = admin_client.post(erase_url(world.eva), {"confirm": "on"})
    assert response.status_code == 200
    assert Erasure.objects.count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PRIVACY_ERASURE).count() == 1


@pytest.mark.parametrize("path", ["", "export/", "erase/"])
def test_another_contractants_contact_is_not_found(alpha_staff_client, world, path):
    response = alpha_staff_client.get(f"/privacy/contacts/{world.eva.pk}/{path}")
    assert response.status_code in {404, 405}
    assert alpha_staff_client.post(f"/privacy/contacts/{world.eva.pk}/{path}", {"confirm": "on"}).status_code == 404
