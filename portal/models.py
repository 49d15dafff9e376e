"""What the portal keeps of its own: claims staff decide on, and invitations people accept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    """An organisation's administrator added an address that already belongs to a contact: that
    person is linked only when they accept. Until then the organisation sees only what its
    administrator typed (name and address), never the person's own data."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relation = models.ForeignKey("relations.Relation", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="portal_invitations")
    # As the administrator typed them: what their organisation's list shows.
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    invited_by = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact invitation")
        verbose_name_plural = _("contact invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["relation", "contact"],
                condition=models.Q(accepted_at__isnull=True),
                name="contact_invitation_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} -> {self.relation_id}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
