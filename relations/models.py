from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Collate, Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.nl import postcode as nl_postcode

from staff.validators import reject_control_characters

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Relation(models.Model):
    """A customer account inside a contractant (klant-bedrijf or klant-persoon)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    # Public id for portal URLs: integer ids would leak counts and invite guessing.
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    customer_number = models.CharField(
        _("customer number"),
        max_length=20,
        validators=[
            RegexValidator(r"^[A-Za-z0-9-]+$", _("Use letters, digits and hyphens only.")),
            reject_control_characters,
        ],
    )
    coc_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits.")), reject_control_characters],
    )
    name = models.CharField(_("name"), max_length=200, validators=[reject_control_characters])
    street = models.CharField(_("street"), max_length=200, blank=True, validators=[reject_control_characters])
    house_number = models.CharField(
        _("house number"), max_length=20, blank=True, validators=[reject_control_characters]
    )
    postcode = models.CharField(_("postcode"), max_length=12, blank=True, validators=[reject_control_characters])
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[reject_control_characters])
    country = models.CharField(
        _("country"),
        max_length=2,
        default="NL",
        help_text=_("ISO code, e.g. NL or BE."),
        validators=[reject_control_characters],
    )
    is_active = models.BooleanField(_("active"), default=True)
    sync_client_online = models.BooleanField(_("sync with Client Online"), default=False)
    # For a person-relation (klant-persoon): the contact who *is* this person, so private and
    # business data belong to one contact and one login (seed 003).
    person = models.OneToOneField(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="person_relation",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Raised by every saved edit (audit.updates); an edit form loaded at an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])
    # Set before save() or delete(); django-simple-history records them on the history row (user, reason).
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("customer_number"),
                name="relation_customer_number_unique",
                violation_error_message=_("A relation with this customer number already exists."),
            ),
            models.CheckConstraint(condition=models.Q(kind__in=["company", "person"]), name="relation_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | models.Q(kind="person"),
                name="relation_person_only_for_persons",
            ),
        ]
        indexes = [
            models.Index(Lower("name"), name="relation_name_lower"),
            # The relation list's order: its page is read from this index, not by sorting all.
            models.Index(fields=["name", "id"], name="relation_name_order"),
            # The pickers' first tier: active relations whose name starts with what was typed
            # (LIKE 'jans%' in byte order, whatever the collation), in that order, cut at the
            # first page (relations.selectors.relation_search).
            models.Index(
                Collate(Lower("name"), "C"),
                "id",
                name="relation_active_name_prefix",
                condition=models.Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_number})"

    def clean(self) -> None:
        self.country = (self.country or "").strip().upper()
        if self.country == "NL" and self.postcode:
            try:
                # python-stdnum knows the Dutch format and the banned letter pairs.
                self.postcode = nl_postcode.validate(self.postcode)
            except StdnumValidationError:
                raise ValidationError(
                    {"postcode": _("Enter a Dutch postcode like 1234 AB.")}, code="invalid_postcode"
                ) from None

    @property
    def address_lines(self) -> list[str]:
        first = " ".join(part for part in [self.street, self.house_number] if part)
        second = "  ".join(part for part in [self.postcode, self.city] if part)
        return [line for line in [first, second, self.country if self.country != "NL" else ""] if line]
