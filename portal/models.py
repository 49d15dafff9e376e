"""What the portal keeps of its own: claims staff decide on, and invitations people accept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.validators import reject_control_characters


class OrganisationClaim(models.Model):
    """A request to join an organisation that had no portal administrator: the supplier's staff
    decide (approved, the requester becomes its administrator). The request itself is the
    requester's ContactLink with status `requested`; this row says who decides it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    link = models.ForeignKey("contacts.ContactLink", on_delete=models.CASCADE, related_name="organisation_claims")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("organisation claim")
        verbose_name_plural = _("organisation claims")
        constraints = [
            models.UniqueConstraint(
                fields=["link"], condition=models.Q(status="pending"), name="organisation_claim_one_pending"
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="organisation_claim_queue")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.status}"


class ContactInvitation(models.Model):
    """An organisation's administrator added an address: whoever it belongs to (someone new, a
    known contact, a login name), the address gets this invitation, and nobody is linked or
    created until its owner accepts by the e-mailed link. Until then the organisation sees only
    what its administrator typed (name and address), the same for every address."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relation = models.ForeignKey("relations.Relation", on_delete=models.CASCADE, related_name="+")
    # As the administrator typed them: what their organisation's list shows, where the e-mail
    # goes, and the name a new contact is created with.
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True, validators=[reject_control_characters])
    last_name = models.CharField(_("last name"), max_length=100, validators=[reject_control_characters])
    invited_by = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    # The contact who accepted (found by the address, or created then); empty until then.
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="portal_invitations"
    )

    class Meta:
        verbose_name = _("contact invitation")
        verbose_name_plural = _("contact invitations")
        constraints = [
            # One invitation per address and organisation until it is accepted; its index also
            # serves "invitations for this address" (lower(email) first).
            models.UniqueConstraint(
                Lower("email"),
                "relation",
                condition=models.Q(accepted_at__isnull=True),
                name="contact_invitation_one_open_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.relation_id}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """May still be accepted or declined."""
        return self.accepted_at is None and self.declined_at is None and not self.is_expired
