"""Creating and changing contacts, and the duplicate check on their e-mail address.

`create_contact` is the only way in for new contacts (staff pages, portal, person-relations,
demo data and tests alike), and `ensure_email_free` (with `contact_with_email`, the contact
that has an address) is the only way to ask whether an e-mail address is taken, so "the same
e-mail" means the same everywhere and cannot be bypassed. An address is taken when another
contact has it, or when it is the login name of a staff login or of another contact's login:
a contact's e-mail becomes its portal login name, and auth's usernames are unique.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from audit.updates import changed_fields, lock_for_update, model_update
from contacts.models import Contact, ContactEmail
from contacts.names import name_key, split_infix
from contacts.selectors import NAME_KEY, NAME_KEY_ORDER
from contacts.services.links import link_contact
from staff.lookups import starts_with
from staff.ui import search_text
from tenants.hooks import data_changed

if TYPE_CHECKING:
    from relations.models import Relation

CONTACT_FIELDS = ["first_name", "infix", "last_name", "job_title", "email", "phone", "kind"]


class DuplicateContactError(ValidationError):
    """Refused: the e-mail address is taken. By another contact, which it carries (`existing`)
    so the page can link to it, or by a login that is not this contact's (`existing` is None)."""

    def __init__(self, existing: Contact | None):
        self.existing = existing
        if existing is not None:
            message = _("%(name)s already uses this e-mail address.") % {"name": existing.full_name}
        else:
            message = _("This e-mail address is already the login name of another account.")
        super().__init__({"email": ValidationError(message, code="duplicate_email")})


def normalize_email(email: str) -> str:
    """An e-mail address as a contact's username: trimmed, lower case (seed 002)."""
    return (email or "").strip().lower()


def _same_email(email: str) -> Q:
    # The username is unique in lower case (contacts.models), so this matches one contact at
    # most; written as that unique index's own expression, LOWER(username), so the index serves it.
    # A secondary address (a merged contact's, contacts.models.ContactEmail) counts as the same:
    # also unique in lower case, and never another contact's username (ensure_email_free).
    email = normalize_email(search_text(email, 254))
    if not email:
        return Q(pk__in=[])
    # Looked up first (its own unique index): an IN (subquery) in the OR would keep PostgreSQL
    # from reading the username index.
    secondary = ContactEmail.objects.filter(Exact(Lower("email"), email)).values_list("contact_id", flat=True).first()
    same = Q(Exact(Lower("username"), email))
    return same | Q(pk=secondary) if secondary is not None else same


def contact_with_email(email: str, *, exclude_pk: int | None = None) -> Contact | None:
    """The contact that already has this e-mail address (case and spaces ignored), if any."""
    contacts = Contact.objects.filter(_same_email(email))
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    return contacts.first()


def _login_with_email(email: str, *, exclude_pk: int | None = None):
    """A staff login, or a contact's portal login, whose login name or e-mail is this address.
    A portal login no contact holds any more is not counted: the contact who gets this address
    is given that login (portal.services.grant_portal_login)."""
    email = normalize_email(search_text(email, 254))
    if not email:
        return None
    logins = (
        get_user_model()
        .objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        .filter(Q(is_staff=True) | Q(contact__isnull=False))
    )
    if exclude_pk:
        logins = logins.exclude(pk=exclude_pk)
    return logins.first()


def ensure_email_free(email: str, *, contact: Contact | None = None) -> None:
    """Refuse (DuplicateContactError) an address another contact, or a login other than
    `contact`'s own, already has; `contact` is the one that is to have it (None: a new one)."""
    existing = contact_with_email(email, exclude_pk=contact.pk if contact else None)
    if existing is not None:
        raise DuplicateContactError(existing)
    if _login_with_email(email, exclude_pk=contact.user_id if contact else None) is not None:
        raise DuplicateContactError(None)


# The most similar contacts the duplicate check shows.
DUPLICATES_SHOWN = 10


def find_duplicates(
    *,
    email: str,
    name: str | None = None,
    first_name: str = "",
    infix: str = "",
    last_name: str = "",
    exclude_pk: int | None = None,
) -> list[Contact]:
    """Existing contacts with this e-mail (as `contact_with_email` matches it) or a similar name:
    the same last name with case, accents and prefixes ignored ("Jan" + "de Vries" finds
    "jan De vries" and "Jan Vriës"), or one that starts the same, and the same first initial.
    `name` is a whole name as typed ("J. de Vries"): its first word the first name when it has more."""
    same_email = _same_email(email)
    if name is not None:
        words = search_text(name, 200).split()
        first_name, infix, last_name = (words[0] if len(words) > 1 else ""), "", " ".join(words[1:] or words)
    key = name_key(" ".join([search_text(infix, 30), search_text(last_name, 100)]).strip())
    first_name = search_text(first_name, 100)
    contacts = Contact.objects.all()
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    # The same address first (one contact at most: a unique index), then the similar names by
    # name, read from the index contact_name_key_order in that order and cut at the first ten:
    # not one ORDER BY over both, which sorts every "Jansen" of 250,000 contacts (issue 17).
    found = list(contacts.filter(same_email)[:DUPLICATES_SHOWN])
    if len(key) >= 2:
        # An equal key, or (from four letters) one that starts the same: "Janssens" for "Jansen".
        similar = Q(starts_with(NAME_KEY, key[:4])) if len(key) >= 4 else Q(Exact(NAME_KEY, key))
        if first_name:
            similar &= Q(first_name__istartswith=first_name[0])
        names = contacts.filter(similar).exclude(pk__in=[contact.pk for contact in found])
        found += names.order_by(*NAME_KEY_ORDER)[: DUPLICATES_SHOWN - len(found)]
    return found


def create_contact(
    *,
    actor,
    first_name: str = "",
    infix: str = "",
    last_name: str,
    email: str,
    phone: str = "",
    job_title: str = "",
    kind: str = Contact.Kind.PERSON,
    relation: Relation | None = None,
    link: dict | None = None,
) -> Contact:
    """Create a contact (optionally linked to a relation); refused when the e-mail is taken.
    Without an infix, a prefix typed in the last name becomes the infix ("de Vries")."""
    ensure_email_free(email)
    if not infix.strip():
        infix, last_name = split_infix(last_name)
    try:
        with transaction.atomic():
            contact = Contact(
                first_name=first_name.strip(),
                infix=infix.strip(),
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
        raise DuplicateContactError(contact_with_email(email)) from None
    return contact


def update_contact(*, contact: Contact, actor, data: dict, version: int | None = None) -> Contact:
    """Change a contact. A new e-mail is a new username (and login name), refused when taken.
    `version` is the one the edit form was loaded at: a save that would overwrite a change made
    since is refused (audit.updates.StaleVersionError). A last name without an infix in `data`
    (the portal's form has none) gives a prefix typed in it to the infix, as `create_contact` does."""
    if "last_name" in data and not (data.get("infix") or "").strip():
        infix, last_name = split_infix(data["last_name"])
        if infix:
            data = {**data, "infix": infix, "last_name": last_name}
    if "email" in data:
        # A new e-mail is a new username: both change together or not at all.
        email = data["email"].strip()
        data = {**data, "email": email, "username": normalize_email(email)}
    try:
        with transaction.atomic():
            lock_for_update(contact, version=version, fields=CONTACT_FIELDS, data=data)
            if "email" in changed_fields(contact, CONTACT_FIELDS, data):
                ensure_email_free(data["email"], contact=contact)
            changed = model_update(instance=contact, fields=[*CONTACT_FIELDS, "username"], data=data, actor=actor)
            if not changed:
                return contact
            if "email" in changed and (login := contact.user) is not None:
                login.username, login.email = contact.username, contact.email
                login.save(update_fields=["username", "email"])
            data_changed.send(sender=Contact)
    except IntegrityError:
        if "email" not in data:
            raise
        # The address was taken a moment ago (a contact's username, or a login's name: a portal
        # login no contact holds is not checked above); the database kept it unique.
        contact.refresh_from_db()
        raise DuplicateContactError(contact_with_email(data["email"], exclude_pk=contact.pk)) from None
    return contact
