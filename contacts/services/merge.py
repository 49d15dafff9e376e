"""Merging a duplicate contact into the contact that stays."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.bulk_history import execute_with_history
from contacts.hooks import handovers
from contacts.models import AttributeValue, Contact, ContactLink, MergeRecord
from tenants.hooks import data_changed


def merge_contacts(*, survivor: Contact, duplicate: Contact, actor) -> MergeRecord:
    """Move everything of `duplicate` to `survivor` and remove `duplicate`; audited.

    Links to relations the survivor already has are combined (roles and access kept at the
    widest); the survivor's own attribute values win over the duplicate's. What apps above
    contacts keep of the duplicate (its reported tasks) moves through their handovers
    (contacts.hooks).
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different contacts to merge."))
    with transaction.atomic():
        survivor = Contact.objects.select_for_update().get(pk=survivor.pk)
        duplicate = Contact.objects.select_for_update().get(pk=duplicate.pk)
        if survivor.successor_id == duplicate.pk or duplicate.successor_id == survivor.pk:
            raise ValidationError(
                _("One of these contacts is to hand over to the other; cancel that out-of-service first.")
            )
        if hasattr(duplicate, "person_relation") and hasattr(survivor, "person_relation"):
            raise ValidationError(_("Both contacts are the person of a person-relation; merge those relations first."))
        moved = {"links": 0, "combined_links": 0}
        survivor_links = {link.relation_id: link for link in survivor.links.all()}
        access_rank = {"none": 0, "own": 1, "all": 2}
        for link in list(duplicate.links.all()):
            target = survivor_links.get(link.relation_id)
            if target is None:
                link.contact = survivor
                link._history_user = actor
                link.save(update_fields=["contact"])
                moved["links"] += 1
                continue
            target.is_admin |= link.is_admin
            target.is_approver |= link.is_approver
            target.sync_client_online |= link.sync_client_online
            if access_rank[link.support_access] > access_rank[target.support_access]:
                target.support_access = link.support_access
            if link.status == ContactLink.PortalStatus.APPROVED:
                target.status = ContactLink.PortalStatus.APPROVED
            target._history_user = actor
            target.save()
            link._history_user = actor
            link.delete()
            moved["combined_links"] += 1
        for handover in handovers():
            moved[handover.name] = handover.merge(survivor=survivor, duplicate=duplicate, actor=actor)
        # A set-based move that still writes a history row per value (rule 10): a contact has a
        # value per attribute, and attributes are staff-defined, so their number is not bounded.
        value_table = AttributeValue._meta.db_table
        moved["attributes"] = len(
            execute_with_history(
                AttributeValue,
                dml=(
                    f'UPDATE "{value_table}" SET contact_id = %s WHERE contact_id = %s AND definition_id NOT IN '
                    f'(SELECT definition_id FROM "{value_table}" WHERE contact_id = %s)'
                ),
                params=[survivor.pk, duplicate.pk, survivor.pk],
                history_type="~",
                user_id=getattr(actor, "pk", None),
                reason="merge",
            )
        )
        if hasattr(duplicate, "person_relation"):
            relation = duplicate.person_relation
            relation.person = survivor
            relation._history_user = actor
            relation.save(update_fields=["person"])
        for predecessor in Contact.objects.filter(successor=duplicate):
            predecessor.successor = survivor
            predecessor._history_user = actor
            predecessor.save(update_fields=["successor"])
        # The duplicate's history becomes part of the survivor's, as the issue asks.
        Contact.history.filter(id=duplicate.pk).update(id=survivor.pk)
        record = MergeRecord.objects.create(
            survivor=survivor,
            merged_contact_id=duplicate.pk,
            merged_snapshot={
                "name": duplicate.full_name,
                "email": duplicate.email,
                "phone": str(duplicate.phone or ""),
                "job_title": duplicate.job_title,
                "kind": duplicate.kind,
                "status": duplicate.status,
            },
            moved=moved,
            actor=actor,
        )
        login = duplicate.user
        # The login takes the survivor's address as its name, unless another login has that name
        # (a staff login, say): then it is switched off like any second login.
        if (
            login is not None
            and not survivor.user_id
            and not get_user_model().objects.filter(username__iexact=survivor.username).exclude(pk=login.pk).exists()
        ):
            duplicate.user = None
            duplicate.save(update_fields=["user"])
            # The survivor logs in with its own e-mail address from now on.
            login.username, login.email = survivor.username, survivor.email
            login.save(update_fields=["username", "email"])
            survivor.user = login
            survivor.save(update_fields=["user"])
        elif login is not None:
            login.is_active = False
            login.save(update_fields=["is_active"])
        duplicate._history_user = actor
        duplicate.delete()
        data_changed.send(sender=Contact)
    return record
