"""Privacy personas in the supplier's schema: Eva, whose data is asked for, and Otto, a
colleague whose data must never come along; a staff administrator and a plain staff member."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from contacts.models import AttributeValue, Contact, ContactEmail
from contacts.services.attributes import attribute_define
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from portal.models import ContactInvitation
from portal.services import grant_portal_login
from relations.models import Relation
from tasks.models import Task, TaskEmail, TaskMessage
from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for, logged_in_staff
from tests.factories import RelationFactory, TaskFactory
from tests.portal_sync.conftest import mock_client_online, mock_process  # noqa: F401 - fixtures

PORTAL_PASSWORD = "Portaal-wachtwoord-2026!"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@dataclass
class World:
    eva: Contact
    otto: Contact
    company: Relation
    private: Relation
    reported: Task
    otto_task: Task
    eva_message: TaskMessage
    staff_message: TaskMessage
    email: TaskEmail


@pytest.fixture
def world(supplier_user) -> World:
    company = RelationFactory(name="Exportbedrijf B.V.", sync_client_online=True)
    eva = create_contact(
        actor=supplier_user,
        first_name="Eva",
        infix="van",
        last_name="Exporter",
        email="eva@privacy.test",
        phone="0612345678",
        job_title="Boekhouder",
    )
    otto = create_contact(actor=supplier_user, first_name="Otto", last_name="Overig", email="otto@privacy.test")
    private = RelationFactory(name="E. van Exporter", kind="person", person=eva, sync_client_online=True)
    link_contact(contact=eva, relation=company, actor=supplier_user, is_admin=True, sync_client_online=True)
    link_contact(contact=otto, relation=company, actor=supplier_user, sync_client_online=True)
    ContactEmail.objects.create(contact=eva, email="eva.prive@privacy.test")
    definition = attribute_define(actor=supplier_user, name="Afdeling", type="text")
    AttributeValue.objects.create(contact=eva, definition=definition, value="Salarisadministratie")
    AttributeValue.objects.create(contact=otto, definition=definition, value="Inkoop")
    grant_portal_login(contact=eva, password=PORTAL_PASSWORD)
    eva.refresh_from_db()
    reported = TaskFactory(
        relations=[company],
        reporter=eva,
        subject="Loonstrook klopt niet",
        description="Graag antwoord aan eva@privacy.test",
    )
    otto_task = TaskFactory(relations=[company], reporter=otto, subject="Ottos vraag", description="otto@privacy.test")
    eva_message = TaskMessage.objects.create(
        task=reported,
        channel=TaskMessage.Channel.PORTAL,
        author=eva.user,
        author_contact=eva,
        author_label="Eva van Exporter",
        body="Mijn adres is eva@privacy.test, of EVA.PRIVE@privacy.test",
    )
    staff_message = TaskMessage.objects.create(
        task=reported, author=supplier_user, body="Antwoord gestuurd naar eva@privacy.test"
    )
    TaskMessage.objects.create(task=otto_task, author_contact=otto, channel="portal", body="Groet, Otto")
    email = TaskEmail.objects.create(
        task=reported,
        direction="out",
        message=staff_message,
        contact=eva,
        address="eva@privacy.test",
        subject="Re: Loonstrook",
        header_message_id="<1@supplier.test>",
    )
    ContactInvitation.objects.create(
        relation=RelationFactory(name="Uitnodigend B.V."),
        email="eva@privacy.test",
        last_name="Exporter",
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    return World(eva, otto, company, private, reported, otto_task, eva_message, staff_message, email)


@pytest.fixture
def admin_client(in_supplier):
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


@pytest.fixture
def plain_staff_client(in_supplier):
    get_user_model().objects.create_user(username="medewerker@brightsoft.test", password=STAFF_PASSWORD, is_staff=True)
    client = client_for(SUPPLIER)
    response = client.post("/login/", {"username": "medewerker@brightsoft.test", "password": STAFF_PASSWORD})
    assert response.status_code == 302
    return client


def portal_client(contact: Contact):
    client = client_for(SUPPLIER)
    response = client.post("/portal/login/", {"username": contact.email, "password": PORTAL_PASSWORD})
    assert response.status_code == 302, "portal login failed"
    return client
