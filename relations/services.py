"""Writes on relations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.updates import lock_for_update, model_update
from contacts.models import Contact, ContactLink
from contacts.services.contacts import contact_with_email, create_contact
from contacts.services.links import link_contact
from relations.models import Relation
from tenants.hooks import data_changed
from tenants.models import ContractantBinding, current_contractant

RELATION_FIELDS = [
    "kind",
    "customer_number",
    "coc_number",
    "name",
    "street",
    "house_number",
    "postcode",
    "city",
    "country",
    "is_active",
    "sync_client_online",
]


def relation_create(*, actor, **data) -> Relation:
    with transaction.atomic():
        relation = Relation(**{name: value for name, value in data.items() if name in RELATION_FIELDS})
        relation.full_clean()
        relation._history_user = actor
        relation.save()
        data_changed.send(sender=Relation)
    return relation


def relation_update(*, relation: Relation, actor, data: dict, version: int | None = None) -> Relation:
    """Change a relation. `version` is the one the edit form was loaded at: a save that would
    overwrite a change made since is refused (audit.updates.StaleVersionError)."""
    with transaction.atomic():
        lock_for_update(relation, version=version, fields=RELATION_FIELDS, data=data)
        changed = model_update(instance=relation, fields=RELATION_FIELDS, data=data, actor=actor)
        if not changed:
            return relation
        if "name" in changed:
            ContractantBinding.objects.filter(holder=current_contractant(), relation_id=relation.pk).update(
                relation_name=relation.name
            )
        data_changed.send(sender=Relation)
    return relation


# --- Person-relations -------------------------------------------------------------------


def create_person_relation(
    *, actor, relation_data: dict, contact: Contact | None = None, contact_data: dict | None = None
) -> Relation:
    """A klant-persoon: the relation and the contact who is that person, one login (seed 003).

    Links an existing contact, or creates one (through create_contact, so the e-mail check
    applies). The person is an approved administrator of their own relation.
    """
    with transaction.atomic():
        if contact is None and contact_data:
            # An existing contact with this e-mail is linked instead of duplicated.
            contact = contact_with_email(contact_data.get("email", ""))
        if contact is None:
            contact = create_contact(actor=actor, **(contact_data or {}))
        elif hasattr(contact, "person_relation"):
            raise ValidationError(
                _("%(name)s already is the person of %(relation)s.")
                % {"name": contact.full_name, "relation": contact.person_relation.name}
            )
        relation = relation_create(actor=actor, **{**relation_data, "kind": Relation.Kind.PERSON})
        relation.person = contact
        relation._history_user = actor
        relation.save(update_fields=["person"])
        if not ContactLink.objects.filter(contact=contact, relation=relation).exists():
            link_contact(contact=contact, relation=relation, actor=actor, is_admin=True)
    return relation
