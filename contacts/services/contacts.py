"""Creating and changing contacts, and the duplicate check on their e-mail address.

`create_contact` is the only way in for new contacts (staff pages, portal, person-relations,
demo data and tests alike), and `contact_with_email` is the only way to ask whether an e-mail
address is taken, so "the same e-mail" means the same everywhere and cannot be bypassed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.updates import changed_fields, model_update
from contacts.models import Contact
from contacts.services.links import link_contact
from staff.ui import search_text
from tenants.hooks import data_changed

if TYPE_CHECKING:
    from relations.models import Relation

CONTACT_FIELDS = ["first_name", "last_name", "job_title", "email", "phone", "kind"]


class DuplicateContactError(ValidationError):
    """Refused: a contact with this e-mail exists. Carries it, so the page can link to it."""

    def __init__(self, existing: Contact):
        self.existing = existing
        super().__init__(
            {"email": _("%(name)s already uses this e-mail address.") % {"name": existing.full_name}},
            code="duplicate_email",
        )


def normalize_email(email: str) -> str:
    """An e-mail address as a contact's username: trimmed, lower case (seed 002)."""
    return (email or "").strip().lower()


def _same_email(email: str) -> Q:
    # The username is unique in lower case (contacts.models), so this matches one contact at most.
    email = normalize_email(search_text(email, 254))
    return Q(username=email) if email else Q(pk__in=[])


def contact_with_email(email: str, *, exclude_pk: int | None = None) -> Contact | None:
    """The contact that already has this e-mail address (case and spaces ignored), if any."""
    contacts = Contact.objects.filter(_same_email(email))
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    return contacts.first()


def find_duplicates(*, email: str, name: str | None = None, exclude_pk: int | None = None) -> list[Contact]:
    """Existing contacts with this e-mail (as `contact_with_email` matches it) or a similar name."""
    filters = _same_email(email)
    words = [word for word in search_text(name, 200).split() if len(word) >= 2]
    if words:
        last = words[-1]
        similar = (
            Q(last_name__iexact=last) | Q(last_name__istartswith=last[:4])
            if len(last) >= 4
            else Q(last_name__iexact=last)
        )
        if len(words) > 1:
            similar &= Q(first_name__istartswith=words[0][0])
        filters |= similar
    contacts = Contact.objects.filter(filters)
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    return list(contacts.order_by("last_name", "first_name")[:10])


def create_contact(
    *,
    actor,
    first_name: str = "",
    last_name: str,
    email: str,
    phone: str = "",
    job_title: str = "",
    kind: str = Contact.Kind.PERSON,
    relation: Relation | None = None,
    link: dict | None = None,
) -> Contact:
    """Create a contact (optionally linked to a relation); refused when the e-mail exists."""
    existing = contact_with_email(email)
    if existing is not None:
        raise DuplicateContactError(existing)
    try:
        with transaction.atomic():
            contact = Contact(
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                email=email.strip(),
                username=normalize_email(email),
                phone=phone,
                job_title=job_title.strip(),
                kind=kind,
            )
            contact.full_clean()
            contact._history_user = actor
            contact.save()
            data_changed.send(sender=Contact)
            if relation is not None:
                link_contact(contact=contact, relation=relation, actor=actor, **(link or {}))
    except IntegrityError:
        # Someone created the same e-mail a moment ago; the database constraint kept it unique.
        raise DuplicateContactError(contact_with_email(email)) from None  # type: ignore[arg-type]  # committed by the other transaction, so found
    return contact


def update_contact(*, contact: Contact, actor, data: dict) -> Contact:
    """Change a contact. A new e-mail is a new username, refused if another contact has it."""
    if "email" in data:
        # A new e-mail is a new username: both change together or not at all.
        email = data["email"].strip()
        data = {**data, "email": email, "username": normalize_email(email)}
    if "email" in changed_fields(contact, CONTACT_FIELDS, data):
        existing = contact_with_email(data["email"], exclude_pk=contact.pk)
        if existing is not None:
            raise DuplicateContactError(existing)
    with transaction.atomic():
        changed = model_update(instance=contact, fields=[*CONTACT_FIELDS, "username"], data=data, actor=actor)
        if not changed:
            return contact
        if "email" in changed and (login := contact.user) is not None:
            login.username, login.email = contact.username, contact.email
            login.save(update_fields=["username", "email"])
        data_changed.send(sender=Contact)
    return contact
