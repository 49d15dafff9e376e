"""The contractant's two-factor policy. The devices themselves are django-otp's (otp_totp, otp_static)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TwoFactorPolicy(models.Model):
    """One row per contractant schema (pk 1): whether every staff member must use a second factor."""

    SINGLETON_PK = 1

    id = models.BigIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    staff_required = models.BooleanField(_("require two-factor login for all staff"), default=False)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("two-factor policy")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="mfa_policy_singleton")]

    def __str__(self) -> str:
        return f"two-factor policy (staff required: {self.staff_required})"
