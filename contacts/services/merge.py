"""Merging two records of one person, field by field, and undoing a merge.

Either record can survive. For each field that differs (name, e-mail address, phone, ...)
staff choose whose value stays; by default the older record survives and keeps its own value
unless it has none (`merge_defaults`). The other e-mail address stays as a secondary address
of the survivor (contacts.models.ContactEmail): it still finds the person, counts in the
duplicate check and logs in (contacts.backends). `merge_preview` says beforehand what would
end (a portal login switched off, a Client Online user removed), for the page's confirmation.

`merge_contacts` writes on its MergeRecord what `undo_merge` needs to put back exactly what
was there: the absorbed contact with its own id and code, its links, attribute values,
secondary addresses, history rows, login and what the apps above moved (contacts.hooks).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from audit.bulk_history import execute_with_history
from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.hooks import handovers
from contacts.models import AttributeValue, Contact, ContactEmail, ContactLink, MergeRecord
from contacts.services.contacts import contact_with_email, normalize_email
from tenants.hooks import data_changed

# The choices of a merge, each a group of fields that stays together.
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("first_name", "infix", "last_name"),
    "email": ("email",),
    "phone": ("phone",),
    "job_title": ("job_title",),
    "kind": ("kind",),
}
MERGE_LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail address"),
    "phone": gettext_lazy("Phone"),
    "job_title": gettext_lazy("Job title"),
    "kind": gettext_lazy("Kind"),
}
# What an undo restores of the absorbed contact: every column but the generated name key.
SNAPSHOT_FIELDS = [
    "code",
    "first_name",
    "infix",
    "last_name",
    "job_title",
    "email",
    "username",
    "phone",
    "kind",
    "status",
    "user_id",
    "successor_id",
    "notify_scope",
    "notify_trigger",
    "out_of_service_on",
    "out_of_service_applied_at",
    "created_at",
    "version",
]
SURVIVOR_FIELDS = ["first_name", "infix", "last_name", "job_title", "email", "username", "phone", "kind", "user_id"]
LINK_FIELDS = ["is_admin", "is_approver", "sync_client_online", "support_access", "status"]


def _value(contact: Contact, name: str) -> str:
    return " ".join(str(getattr(contact, column) or "") for column in MERGE_FIELDS[name]).strip()


def shown_value(contact: Contact, name: str) -> str:
    """A field's value as the merge page shows it."""
    if name == "name":
        return contact.full_name
    if name == "kind":
        return str(contact.get_kind_display())
    return _value(contact, name)


def _most_complete(survivor: Contact, absorbed: Contact) -> dict[str, int]:
    """Per field, the survivor's value unless it has none and the other has one."""
    return {
        name: absorbed.pk if not _value(survivor, name) and _value(absorbed, name) else survivor.pk
        for name in MERGE_FIELDS
    }


def merge_defaults(contact: Contact, other: Contact) -> tuple[Contact, dict[str, int]]:
    """The survivor (the older record) and, per field, whose value stays: the most complete."""
    survivor, absorbed = sorted([contact, other], key=lambda c: (c.created_at, c.pk))
    return survivor, _most_complete(survivor, absorbed)


@dataclass
class MergePlan:
    survivor: Contact
    absorbed: Contact
    keep: dict[str, int]
    # What the merge would end, each a sentence; the page asks to confirm before it does.
    endings: list[str] = field(default_factory=list)


def _check(survivor: Contact, absorbed: Contact) -> None:
    if survivor.pk == absorbed.pk:
        raise ValidationError(_("Choose two different contacts to merge."))
    if survivor.successor_id == absorbed.pk or absorbed.successor_id == survivor.pk:
        raise ValidationError(
            _("One of these contacts is to hand over to the other; cancel that out-of-service first.")
        )
    if hasattr(absorbed, "person_relation") and hasattr(survivor, "person_relation"):
        raise ValidationError(_("Both contacts are the person of a person-relation; merge those relations first."))


def _kept_email(survivor: Contact, absorbed: Contact, keep: dict[str, int]) -> str:
    return absorbed.email if keep.get("email") == absorbed.pk else survivor.email


def _other_login_named(username: str, *, exclude_pk: int):
    return get_user_model().objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists()


def _login_moves(survivor: Contact, absorbed: Contact, keep: dict[str, int]) -> bool:
    """Whether the absorbed contact's login becomes the survivor's (else it is switched off)."""
    login = absorbed.user
    if login is None or survivor.user_id:
        return False
    username = normalize_email(_kept_email(survivor, absorbed, keep))
    return not _other_login_named(username, exclude_pk=login.pk)


def _synced_to_client_online(contact: Contact) -> bool:
    """Whether the contact has a Client Online user (portal_sync.desired): a synced link to a
    synced relation, or it is the person of a synced person-relation."""
    if contact.status != Contact.Status.ACTIVE:
        return False
    if hasattr(contact, "person_relation") and contact.person_relation.sync_client_online:
        return True
    return contact.links.filter(sync_client_online=True, relation__sync_client_online=True).exists()


def _normalised_keep(survivor: Contact, absorbed: Contact, keep: dict[str, int] | None) -> dict[str, int]:
    if keep is None:
        return _most_complete(survivor, absorbed)
    return {name: keep[name] if keep.get(name) in (survivor.pk, absorbed.pk) else survivor.pk for name in MERGE_FIELDS}


def merge_preview(*, survivor: Contact, absorbed: Contact, keep: dict[str, int] | None = None) -> MergePlan:
    """What merging `absorbed` into `survivor` keeps and what it would end; refused
    (ValidationError) as `merge_contacts` would refuse it."""
    _check(survivor, absorbed)
    keep = _normalised_keep(survivor, absorbed, keep)
    plan = MergePlan(survivor=survivor, absorbed=absorbed, keep=keep)
    who = {"name": absorbed.full_name, "email": absorbed.email}
    if absorbed.user_id and not _login_moves(survivor, absorbed, keep):
        plan.endings.append(_("The portal login of %(name)s (%(email)s) is switched off.") % who)
    if _synced_to_client_online(absorbed):
        plan.endings.append(
            _("The Client Online user of %(name)s (%(email)s) is removed; its clients go to the contact that stays.")
            % who
        )
    return plan


def _snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The fields' values as JSON keeps them (dates, codes and phone numbers as text)."""
    values = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = str(value) if value is not None and not isinstance(value, (int, bool, str)) else value
    return values


def _login_state(user) -> dict:
    return {"username": user.username, "email": user.email, "is_active": user.is_active}


def merge_contacts(*, survivor: Contact, duplicate: Contact, actor, keep: dict[str, int] | None = None) -> MergeRecord:
    """Merge `duplicate` into `survivor`: everything of it moves, each field keeps the value
    `keep` names (field -> the pk of the contact whose value stays; by default `merge_defaults`),
    the other e-mail address stays as a secondary address, and `duplicate` is removed. Recorded
    for undo (MergeRecord.undo), in both contacts' history and in the security log.

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
        _check(survivor, duplicate)
        keep = _normalised_keep(survivor, duplicate, keep)
        undo: dict = {
            "absorbed": _snapshot(duplicate, SNAPSHOT_FIELDS),
            "survivor": _snapshot(survivor, SURVIVOR_FIELDS),
            "logins": {},
            "moved_links": [],
            "combined_links": [],
            "handovers": {},
        }
        for each in filter(None, [survivor.user, duplicate.user]):
            undo["logins"][str(each.pk)] = _login_state(each)
        moved = {"links": 0, "combined_links": 0}
        survivor_links = {link.relation_id: link for link in survivor.links.all()}
        access_rank = {"none": 0, "own": 1, "all": 2}
        for link in list(duplicate.links.all()):
            target = survivor_links.get(link.relation_id)
            if target is None:
                link.contact = survivor
                link._history_user = actor
                link.save(update_fields=["contact"])
                undo["moved_links"].append(link.pk)
                moved["links"] += 1
                continue
            undo["combined_links"].append(
                {
                    "target": target.pk,
                    "target_before": _snapshot(target, LINK_FIELDS),
                    "link": {
                        "pk": link.pk,
                        **_snapshot(link, [*LINK_FIELDS, "relation_id", "job_title", "from_date", "created_at"]),
                        "decided_by_id": link.decided_by_id,
                        "decided_at": str(link.decided_at) if link.decided_at else None,
                    },
                }
            )
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
            if handover.merged_ids is not None:
                undo["handovers"][handover.name] = handover.merged_ids(duplicate)
            moved[handover.name] = handover.merge(survivor=survivor, duplicate=duplicate, actor=actor)
        # A set-based move that still writes a history row per value (rule 10): a contact has a
        # value per attribute, and attributes are staff-defined, so their number is not bounded.
        value_table = AttributeValue._meta.db_table
        undo["attribute_values"] = execute_with_history(
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
        moved["attributes"] = len(undo["attribute_values"])
        undo["person_relation"] = None
        if hasattr(duplicate, "person_relation"):
            relation = duplicate.person_relation
            undo["person_relation"] = relation.pk
            relation.person = survivor
            relation._history_user = actor
            relation.save(update_fields=["person"])
        undo["predecessors"] = []
        for predecessor in Contact.objects.filter(successor=duplicate):
            undo["predecessors"].append(predecessor.pk)
            predecessor.successor = survivor
            predecessor._history_user = actor
            predecessor.save(update_fields=["successor"])
        # The duplicate's history becomes part of the survivor's; an undo gives it back.
        undo["history"] = list(Contact.history.filter(id=duplicate.pk).values_list("history_id", flat=True))
        Contact.history.filter(id=duplicate.pk).update(id=survivor.pk)
        undo["secondary_emails"] = list(duplicate.secondary_emails.values_list("pk", flat=True))
        duplicate.secondary_emails.update(contact=survivor)

        kept_email = _kept_email(survivor, duplicate, keep)
        other_email = duplicate.email if kept_email == survivor.email else survivor.email
        login_moves = _login_moves(survivor, duplicate, keep)
        login = duplicate.user
        if login is not None:
            duplicate.user = None
            duplicate._history_user = actor
            duplicate._change_reason = "merge"
            duplicate.save(update_fields=["user"])
            if not login_moves:
                # A second login is switched off (the page warned); its name is freed for the one that stays.
                login.is_active = False
                if login.username.lower() == normalize_email(kept_email):
                    login.username = f"merged.{login.pk}.{login.username}"[:150]
                login.save(update_fields=["is_active", "username"])
        absorbed_label = {"name": duplicate.full_name, "email": duplicate.email}
        absorbed_pk = duplicate.pk
        duplicate._history_user = actor
        duplicate._change_reason = "merge"
        duplicate.delete()

        for name, columns in MERGE_FIELDS.items():
            if keep[name] == absorbed_pk:
                for column in columns:
                    setattr(survivor, column, undo["absorbed"][column])
        survivor.username = normalize_email(survivor.email)
        if login is not None and login_moves:
            survivor.user = login
        survivor.version += 1
        survivor._history_user = actor
        survivor._change_reason = "merge"
        survivor.full_clean()
        survivor.save()
        if survivor.user is not None:
            survivor.user.username, survivor.user.email = survivor.username, survivor.email
            survivor.user.save(update_fields=["username", "email"])
        undo["secondary_created"] = None
        if normalize_email(other_email) != survivor.username:
            undo["secondary_created"] = ContactEmail.objects.create(contact=survivor, email=other_email).pk

        record = MergeRecord.objects.create(
            survivor=survivor,
            merged_contact_id=absorbed_pk,
            merged_snapshot={
                "name": absorbed_label["name"],
                "email": absorbed_label["email"],
                "phone": undo["absorbed"]["phone"] or "",
                "job_title": undo["absorbed"]["job_title"],
                "kind": undo["absorbed"]["kind"],
                "status": undo["absorbed"]["status"],
                "survivor_name": " ".join(
                    filter(None, [undo["survivor"][c] for c in ("first_name", "infix", "last_name")])
                ),
                "survivor_email": undo["survivor"]["email"],
            },
            moved=moved,
            undo=undo,
            actor=actor,
        )
        record_security_event(
            kind=SecurityEvent.Kind.CONTACT_MERGED,
            summary=gettext_noop("%(absorbed)s (%(absorbed_email)s) was merged into %(name)s (%(email)s)."),
            summary_params={
                "absorbed": absorbed_label["name"],
                "absorbed_email": absorbed_label["email"],
                "name": record.merged_snapshot["survivor_name"],
                "email": record.merged_snapshot["survivor_email"],
            },
            actor=actor,
            object_label=survivor.full_name,
            object_url=f"/contacts/{survivor.pk}/",
        )
        data_changed.send(sender=Contact)
    return record


def undo_merge(*, record: MergeRecord, actor) -> Contact:
    """Put back what `record`'s merge changed: the absorbed contact (its own id, code and
    history), its links, attribute values, addresses, login and what the apps above moved, and
    the survivor's fields as they were. Refused when it was undone already, or when another
    contact has taken the absorbed contact's address since."""
    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=record.pk)
        if record.undone_at is not None:
            raise ValidationError(_("This merge was undone already."))
        undo = record.undo
        if not undo:
            raise ValidationError(_("This merge was made before merges could be undone."))
        survivor = Contact.objects.select_for_update().get(pk=record.survivor_id)
        absorbed_values = undo["absorbed"]
        if contact_with_email(absorbed_values["email"], exclude_pk=survivor.pk) is not None:
            raise ValidationError(_("Another contact has the address %(email)s now.") % absorbed_values)
        if Contact.objects.filter(pk=record.merged_contact_id).exists():
            raise ValidationError(_("The merged contact exists again."))
        if undo["secondary_created"]:
            ContactEmail.objects.filter(pk=undo["secondary_created"]).delete()
        # The survivor first: it gives back the address and the login the absorbed contact had.
        _restore_fields(survivor, undo["survivor"], SURVIVOR_FIELDS)
        survivor.version += 1
        survivor._history_user = actor
        survivor._change_reason = "merge_undone"
        survivor.save()
        User = get_user_model()
        for pk, state in undo["logins"].items():
            User.objects.filter(pk=int(pk)).update(**state)

        absorbed = Contact(pk=record.merged_contact_id)
        _restore_fields(absorbed, absorbed_values, SNAPSHOT_FIELDS)
        absorbed._history_user = actor
        absorbed._change_reason = "merge_undone"
        absorbed.save(force_insert=True)
        Contact.history.filter(history_id__in=undo["history"]).update(id=absorbed.pk)
        ContactEmail.objects.filter(pk__in=undo["secondary_emails"]).update(contact=absorbed)

        for link in ContactLink.objects.filter(pk__in=undo["moved_links"], contact=survivor):
            link.contact = absorbed
            link._history_user = actor
            link.save(update_fields=["contact"])
        for combined in undo["combined_links"]:
            target = ContactLink.objects.filter(pk=combined["target"]).first()
            if target is not None:
                _restore_fields(target, combined["target_before"], LINK_FIELDS)
                target._history_user = actor
                target.save()
            values = dict(combined["link"])
            restored = ContactLink(pk=values.pop("pk"), contact=absorbed)
            for name, value in values.items():
                setattr(restored, name, value)
            restored._history_user = actor
            restored.save(force_insert=True)
        value_table = AttributeValue._meta.db_table
        execute_with_history(
            AttributeValue,
            dml=f'UPDATE "{value_table}" SET contact_id = %s WHERE contact_id = %s AND id = ANY(%s::bigint[])',
            params=[absorbed.pk, survivor.pk, undo["attribute_values"]],
            history_type="~",
            user_id=getattr(actor, "pk", None),
            reason="merge_undone",
        )
        for handover in handovers():
            if handover.unmerge is not None and handover.name in undo["handovers"]:
                handover.unmerge(ids=undo["handovers"][handover.name], contact=absorbed, actor=actor)
        if undo["person_relation"] and hasattr(survivor, "person_relation"):
            relation = survivor.person_relation
            if relation.pk == undo["person_relation"]:
                relation.person = absorbed
                relation._history_user = actor
                relation.save(update_fields=["person"])
        for predecessor in Contact.objects.filter(pk__in=undo["predecessors"], successor=survivor):
            predecessor.successor = absorbed
            predecessor._history_user = actor
            predecessor.save(update_fields=["successor"])

        record.undone_at, record.undone_by = timezone.now(), actor
        record.save(update_fields=["undone_at", "undone_by"])
        record_security_event(
            kind=SecurityEvent.Kind.CONTACT_MERGE_UNDONE,
            summary=gettext_noop("The merge of %(absorbed)s (%(absorbed_email)s) into %(name)s was undone."),
            summary_params={
                "absorbed": absorbed.full_name,
                "absorbed_email": absorbed.email,
                "name": survivor.full_name,
            },
            actor=actor,
            object_label=absorbed.full_name,
            object_url=f"/contacts/{absorbed.pk}/",
        )
        data_changed.send(sender=Contact)
    return absorbed


def _restore_fields(instance, values: dict, names: list[str]) -> None:
    for name in names:
        setattr(instance, name, values[name])
