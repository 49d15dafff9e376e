"""E-mail in: a supplier's customers as senders, mail built with the standard library, and
received through the one function every source of mail feeds (mailin.services)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest

from contacts.models import ContactLink
from mailin.services import receive_message
from tasks.reply_address import support_address
from tests.conftest import SUPPLIER
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory, TaskFactory

# A small but real PDF: what a payslip attachment starts and ends like.
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _files_in_memory(settings):
    """Attachments and raw messages go to memory, not into the checkout."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def bakkerij(in_supplier):
    return RelationFactory(name="Bakkerij Jansen", customer_number="B100")


@pytest.fixture
def garage(in_supplier):
    return RelationFactory(name="Garage Snel", customer_number="G200")


@pytest.fixture
def anna(bakkerij, garage):
    """A contact of the Bakkerij (approved) who also asked to join the Garage (not approved)."""
    anna = ContactFactory(first_name="Anna", last_name="Smit", email="anna@bakkerij.test")
    ContactLinkFactory(contact=anna, relation=bakkerij)
    ContactLinkFactory(contact=anna, relation=garage, status=ContactLink.PortalStatus.REQUESTED)
    return anna


@pytest.fixture
def gerrit(garage):
    """A contact of the Garage only."""
    gerrit = ContactFactory(first_name="Gerrit", last_name="Snel", email="gerrit@garage.test")
    ContactLinkFactory(contact=gerrit, relation=garage)
    return gerrit


@pytest.fixture
def task(bakkerij, anna):
    return TaskFactory(relations=[bakkerij], reporter=anna, subject="Loonstrook maart klopt niet")


def reply_to(task) -> str:
    return f"reply+{task.reply_token}@{SUPPLIER.host}"


def support(contractant=None) -> str:
    from tenants.models import current_contractant

    return support_address(contractant or current_contractant())


def mail(
    *,
    to: str,
    sender: str = "Anna Smit <anna@bakkerij.test>",
    subject: str = "Re: Loonstrook maart klopt niet",
    body: str = "De bijlage is de juiste loonstrook.",
    html: str | None = None,
    headers: dict | None = None,
    attachments: tuple = (),
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain="bakkerij.test")
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, content, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    # As it travels over SMTP: CRLF line ends.
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def receive(raw: bytes, *, to: str | list[str], mail_from: str = "anna@bakkerij.test"):
    return receive_message(raw, mail_from=mail_from, recipients=[to] if isinstance(to, str) else to)
