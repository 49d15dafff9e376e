from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Collate, Lower
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from contacts import names
from contacts.names import name_key_expression
from staff.validators import reject_control_characters

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Contact(models.Model):
    """A natural person or a shared mailbox, once per contractant, linked to many relations."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        SHARED = "shared", _("Shared mailbox")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")
        INACTIVE = "inactive", _("Inactive")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=100, blank=True, validators=[reject_control_characters])
    # The tussenvoegsel ("de" in Jan de Vries): shown in the name, left out of its sort (contacts.names).
    infix = models.CharField(_("infix"), max_length=30, blank=True, validators=[reject_control_characters])
    last_name = models.CharField(_("last name"), max_length=100, validators=[reject_control_characters])
    # The last name as the duplicate check compares it, kept by the database (contacts.names).
    name_key = models.GeneratedField(
        expression=name_key_expression(), output_field=models.CharField(max_length=100), db_persist=True
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True, validators=[reject_control_characters])
    email = models.EmailField(_("e-mail address"), validators=[reject_control_characters])
    # The login name: the trimmed, lower-cased e-mail (seed 002), unique per contractant.
    username = models.CharField(_("username"), max_length=254, editable=False, validators=[reject_control_characters])
    phone = PhoneNumberField(_("phone"), blank=True, region="NL")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # The portal login of this contact (issue: portal); taken away when it leaves.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("successor"),
    )

    class NotifyScope(models.TextChoices):
        OWN = "own", _("Only my own tickets")
        ALL = "all", _("All tickets of the organisation")

    class NotifyTrigger(models.TextChoices):
        EVERY_CHANGE = "every_change", _("Every status change")
        ON_CLOSE = "on_close", _("Only when closed")

    notify_scope = models.CharField(
        _("notify about"), max_length=5, choices=NotifyScope.choices, default=NotifyScope.OWN
    )
    notify_trigger = models.CharField(
        _("notify when"), max_length=15, choices=NotifyTrigger.choices, default=NotifyTrigger.EVERY_CHANGE
    )
    out_of_service_on = models.DateField(_("out of service from"), null=True, blank=True)
    out_of_service_applied_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Raised by every saved edit (audit.updates); an edit form loaded at an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "version", "name_key"])
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None
    # Set before save() or delete() to name the action in the history row ("merge").
    _change_reason: str

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="contact_username_unique",
                violation_error_message=_("Another contact already uses this e-mail address."),
            ),
            models.CheckConstraint(condition=~models.Q(successor=models.F("pk")), name="contact_successor_not_self"),
        ]
        indexes = [
            models.Index(Lower("last_name"), name="contact_last_name_lower"),
            # The key in byte order ("C"): an equal key, and one that starts with what was typed
            # (LIKE 'jans%' as a range, whatever the database's collation), read in name order
            # and cut at the first page (contacts.selectors.NAME_KEY_ORDER).
            models.Index(Collate("name_key", "C"), "first_name", "id", name="contact_name_key_order"),
            # The ORDER BY of every contact list and picker (contacts.selectors.LIST_ORDER).
            models.Index(fields=["last_name", "first_name", "id"], name="contact_list_order"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """ "Jan de Vries"."""
        return names.full_name(self.first_name, self.infix, self.last_name)

    @property
    def sort_name(self) -> str:
        """ "Vries, Jan de", as the lists sort it."""
        return names.sort_name(self.first_name, self.infix, self.last_name)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class ContactLink(models.Model):
    """Contact ↔ relation ("gerelateerde accounts"), with roles and portal access."""

    class PortalStatus(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class SupportAccess(models.TextChoices):
        NONE = "none", _("No support access")
        OWN = "own", _("Own tasks only")
        ALL = "all", _("All tasks of the organisation")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="links")
    relation = models.ForeignKey(
        "relations.Relation", on_delete=models.CASCADE, related_name="contact_links", verbose_name=_("relation")
    )
    job_title = models.CharField(
        _("job title at this relation"), max_length=100, blank=True, validators=[reject_control_characters]
    )
    is_admin = models.BooleanField(_("administrator"), default=False)
    is_approver = models.BooleanField(_("approver"), default=False)
    status = models.CharField(
        _("portal status"), max_length=10, choices=PortalStatus.choices, default=PortalStatus.APPROVED
    )
    support_access = models.CharField(
        _("support access"), max_length=5, choices=SupportAccess.choices, default=SupportAccess.NONE
    )
    sync_client_online = models.BooleanField(_("sync with Client Online"), default=False)
    from_date = models.DateField(_("from"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("contact link")
        verbose_name_plural = _("contact links")
        ordering = ["relation__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["contact", "relation"], name="contact_link_unique")]

    def __str__(self) -> str:
        return f"{self.contact_id} -> {self.relation_id}"


class AttributeDefinition(models.Model):
    """A staff-defined custom field on contacts (kenmerk, seed 004)."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        BOOLEAN = "boolean", _("Yes/no")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")

    name = models.CharField(_("name"), max_length=100, validators=[reject_control_characters])
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    visible_in_portal = models.BooleanField(_("visible in portal"), default=False)
    editable_in_portal = models.BooleanField(_("editable in portal"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="attribute_name_unique",
                violation_error_message=_("An attribute with this name already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(editable_in_portal=False) | models.Q(visible_in_portal=True),
                name="attribute_editable_implies_visible",
                violation_error_message=_("An attribute editable in the portal must also be visible there."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attribute_values")
    definition = models.ForeignKey(AttributeDefinition, on_delete=models.CASCADE, related_name="values")
    # Stored canonically: text as is, yes/no as "true"/"false", dates as ISO, choices as the choice.
    value = models.TextField(blank=True)

    history = HistoricalRecords()
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "definition"], name="attribute_value_unique")]

    def __str__(self) -> str:
        return f"{self.definition_id}={self.value}"


class ContactEmail(models.Model):
    """Another e-mail address of a contact (the absorbed one's, after a merge): it still finds
    the contact in searches and the duplicate check, and still logs in (contacts.backends)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="secondary_emails")
    email = models.EmailField(_("e-mail address"), validators=[reject_control_characters])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("secondary e-mail address")
        verbose_name_plural = _("secondary e-mail addresses")
        ordering = ["email", "pk"]
        constraints = [models.UniqueConstraint(Lower("email"), name="contact_email_unique")]

    def __str__(self) -> str:
        return self.email


class MergeRecord(models.Model):
    """Audit of a merge: who merged which contact into which, what moved, and what an undo
    puts back (`undo`: the state before, written by contacts.services.merge)."""

    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges")
    merged_contact_id = models.BigIntegerField()
    merged_snapshot = models.JSONField()
    moved = models.JSONField(default=dict)
    undo = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_contact_id} -> {self.survivor_id}"
