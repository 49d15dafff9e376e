"""The security log: append-only events a staff administrator reviews (logins, relinks, ...)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SecurityEvent(models.Model):
    """One security-relevant event in this contractant. Written by audit.services only, never changed."""

    class Kind(models.TextChoices):
        # A context of their own: "Staff login" is also the login page's heading.
        STAFF_LOGIN = "staff_login", pgettext_lazy("security event", "Staff login")
        STAFF_LOGIN_FAILED = "staff_login_failed", pgettext_lazy("security event", "Staff login failed")
        PORTAL_LOGIN = "portal_login", pgettext_lazy("security event", "Portal login")
        PORTAL_LOGIN_FAILED = "portal_login_failed", pgettext_lazy("security event", "Portal login failed")
        LOCKED_OUT = "locked_out", pgettext_lazy("security event", "Locked out after failed logins")
        BINDING_REFUSED = "binding_refused", pgettext_lazy("security event", "Binding refused")
        RELINK = "relink", pgettext_lazy("security event", "Relink")
        RELINK_UNDONE = "relink_undone", pgettext_lazy("security event", "Relink undone")
        MEMBERSHIP_APPROVED = "membership_approved", pgettext_lazy("security event", "Membership approved")
        MEMBERSHIP_REJECTED = "membership_rejected", pgettext_lazy("security event", "Membership rejected")
        MEMBERSHIP_THROTTLED = (
            "membership_throttled",
            pgettext_lazy("security event", "Organisation requests throttled"),
        )
        CLAIM_REQUESTED = "claim_requested", pgettext_lazy("security event", "Organisation claim requested")
        CLAIM_APPROVED = "claim_approved", pgettext_lazy("security event", "Organisation claim approved")
        CLAIM_REFUSED = "claim_refused", pgettext_lazy("security event", "Organisation claim refused")
        INVITATION_SENT = "invitation_sent", pgettext_lazy("security event", "Contact invitation sent")
        INVITATION_ACCEPTED = "invitation_accepted", pgettext_lazy("security event", "Contact invitation accepted")
        OUT_OF_SERVICE_SCHEDULED = (
            "out_of_service_scheduled",
            pgettext_lazy("security event", "Out of service scheduled"),
        )
        OUT_OF_SERVICE_APPLIED = "out_of_service_applied", pgettext_lazy("security event", "Out of service applied")
        OUT_OF_SERVICE_CANCELLED = (
            "out_of_service_cancelled",
            pgettext_lazy("security event", "Out of service cancelled"),
        )
        # AVG (GDPR) requests, written by the privacy app.
        PRIVACY_EXPORT = "privacy_export", pgettext_lazy("security event", "Personal data exported")
        PRIVACY_ERASURE = "privacy_erasure", pgettext_lazy("security event", "Person erased")
        RETENTION_CHANGED = "retention_changed", pgettext_lazy("security event", "Retention period changed")
        RETENTION_APPLIED = "retention_applied", pgettext_lazy("security event", "Retention applied")
        # REST API tokens and what is written with them, by the api app.
        API_TOKEN_CREATED = "api_token_created", pgettext_lazy("security event", "API token created")
        API_TOKEN_REVOKED = "api_token_revoked", pgettext_lazy("security event", "API token revoked")
        API_WRITE = "api_write", pgettext_lazy("security event", "Change through the API")
        # Contacts merged, and merges undone, by contacts.services.merge.
        CONTACT_MERGED = "contact_merged", pgettext_lazy("security event", "Contacts merged")
        CONTACT_MERGE_UNDONE = "contact_merge_undone", pgettext_lazy("security event", "Contact merge undone")
        # Two-factor login of staff and portal users, by the mfa app.
        TWO_FACTOR_ENABLED = "two_factor_enabled", pgettext_lazy("security event", "Two-factor login switched on")
        TWO_FACTOR_DISABLED = "two_factor_disabled", pgettext_lazy("security event", "Two-factor login switched off")
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", pgettext_lazy("security event", "Recovery codes renewed")
        TWO_FACTOR_POLICY = "two_factor_policy", pgettext_lazy("security event", "Two-factor policy changed")
        # An organisation's administrator removed a member in the portal.
        MEMBER_REMOVED = "member_removed", pgettext_lazy("security event", "Member removed from organisation")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_default=Now(), editable=False)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # The label stays when the user is deleted, and holds the name as typed for failed logins.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    object_url = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="audit_event_occurred_idx"),
            models.Index(fields=["kind", "-occurred_at"], name="audit_event_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind} {self.actor_label}"

    def save(self, *args, **kwargs):
        # Append-only: a security log that can be edited proves nothing.
        if not self._state.adding:
            raise ValueError("Security events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Security events are append-only.")

    @property
    def is_refusal(self) -> bool:
        """A refused login or attempt: shown as a warning in the log."""
        return self.kind in {
            self.Kind.STAFF_LOGIN_FAILED,
            self.Kind.PORTAL_LOGIN_FAILED,
            self.Kind.LOCKED_OUT,
            self.Kind.BINDING_REFUSED,
            self.Kind.MEMBERSHIP_THROTTLED,
        }
