"""A new e-mail address for a contact, as asked in the portal, is confirmed by that address.

The details form never says whether an address is taken: an answer there would be a yes/no
oracle on who is known here, one post per guess (issue 14 review). A different address is
therefore not saved from the form. The worker mails a link to the new address, and the change
is made when its owner opens it, logged in or not: the signed token proves control of the
address, as an invitation's does. Only then is the address checked, and a taken one is told so
(invitations.AddressUnusable) on the page of whoever holds that mailbox. The member who asked is
told the same either way: a link went to the new address.

The token names the member who asked (their membership), the contact, the contact's address
when it was asked and the new one. It stops working when the contact's address changed in the
meantime (so it works once), when the one who asked may no longer edit that contact
(portal.access.get_email_change_for_token), and after EMAIL_CHANGE_DAYS.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.core import signing
from django.db import connection, transaction

from contacts.models import Contact, ContactLink
from contacts.services.contacts import DuplicateContactError, update_contact
from portal.invitations import AddressUnusable
from portal.tasks import send_email_change_task
from portal.throttles import email_change_allowed
from staff.mail import send_templated_mail
from tenants.models import current_contractant
from tenants.urls_for import contractant_url

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

EMAIL_CHANGE_DAYS = 3
_SALT = "portal.email_change"


@dataclass(frozen=True)
class EmailChange:
    """What a valid token asks: `membership` (of the member who asked) changes `contact`'s
    address to `email`."""

    membership: ContactLink
    contact: Contact
    email: str


def email_change_token(*, membership: ContactLink, contact: Contact, email: str) -> str:
    payload = {"m": membership.pk, "c": contact.pk, "u": contact.username, "e": email}
    return signing.dumps(payload, salt=_SALT)


def email_change_payload(token: str) -> dict | None:
    """The token's content when its signature holds and it is not too old; None otherwise."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=datetime.timedelta(days=EMAIL_CHANGE_DAYS))
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict) or set(payload) != {"m", "c", "u", "e"}:
        return None
    return payload


def request_email_change(*, membership: ContactLink, contact: Contact, email: str, actor) -> None:
    """Mail the link that makes `email` the contact's address (after commit, by the worker).
    The caller has checked that the member may edit the contact (portal.services). Past the
    mail limits (portal.throttles.email_change_allowed) nothing is sent; the page answers the
    same. `actor` is the one who asked; the change is recorded as theirs when confirmed."""
    if not email_change_allowed(requester=membership.contact, email=email):
        return
    token = email_change_token(membership=membership, contact=contact, email=email.strip())
    schema_name = cast("TenantDatabaseWrapper", connection).schema_name
    transaction.on_commit(lambda: send_email_change_task.delay(schema_name, token), robust=True)


def send_email_change(*, token: str) -> bool:
    """The worker's half: the confirmation e-mail to the new address, its link on the
    contractant's own domain. True when sent."""
    payload = email_change_payload(token)
    if payload is None:
        return False
    membership = ContactLink.objects.select_related("contact", "relation").filter(pk=payload["m"]).first()
    contact = Contact.objects.filter(pk=payload["c"], username=payload["u"]).first()
    if membership is None or contact is None:
        return False
    link = contractant_url(current_contractant(), "portal:email_change", token=token)
    context = {
        "requester": membership.contact,
        "contact": contact,
        "organisation": membership.relation,
        "email": payload["e"],
        "link": link,
        "days": EMAIL_CHANGE_DAYS,
    }
    send_templated_mail("portal/email/email_change", context, payload["e"])
    return True


def confirm_email_change(*, change: EmailChange, actor) -> Contact:
    """The owner of the new address confirms: it becomes the contact's address (and login name).
    An address someone else has, or a login's name, raises AddressUnusable; nothing changes."""
    try:
        return update_contact(contact=change.contact, actor=actor, data={"email": change.email})
    except DuplicateContactError:
        raise AddressUnusable() from None
