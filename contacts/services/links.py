"""A contact's links to relations ("gerelateerde accounts"): link, change, unlink."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.updates import model_update
from contacts.models import Contact, ContactLink
from tenants.hooks import data_changed

if TYPE_CHECKING:
    from relations.models import Relation

LINK_FIELDS = ["job_title", "is_admin", "is_approver", "status", "support_access", "sync_client_online", "from_date"]


def link_contact(*, contact: Contact, relation: Relation, actor, **fields) -> ContactLink:
    if not contact.is_active:
        raise ValidationError(_("%(name)s is not active and cannot be linked.") % {"name": contact.full_name})
    if ContactLink.objects.filter(contact=contact, relation=relation).exists():
        raise ValidationError(
            _("%(name)s is already linked to %(relation)s.") % {"name": contact.full_name, "relation": relation.name}
        )
    try:
        with transaction.atomic():
            link = ContactLink(
                contact=contact, relation=relation, **{k: v for k, v in fields.items() if k in LINK_FIELDS}
            )
            link.from_date = link.from_date or timezone.localdate()
            link.full_clean()
            link._history_user = actor
            link.save()
            data_changed.send(sender=ContactLink)
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is already linked to %(relation)s.") % {"name": contact.full_name, "relation": relation.name}
        ) from None
    return link


def update_link(*, link: ContactLink, actor, data: dict) -> ContactLink:
    with transaction.atomic():
        if model_update(instance=link, fields=LINK_FIELDS, data=data, actor=actor):
            data_changed.send(sender=ContactLink)
    return link


def unlink_contact(*, link: ContactLink, actor) -> None:
    if link.relation.person_id == link.contact_id:
        raise ValidationError(
            _("%(name)s is the person of this person-relation; the link cannot be removed.")
            % {"name": link.contact.full_name}
        )
    with transaction.atomic():
        link._history_user = actor
        link.delete()
        data_changed.send(sender=ContactLink)
