"""What the privacy app keeps of its own: the retention setting, which tasks retention has
already anonymised, and a record of each erasure (counts only, never the erased data)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacySettings(models.Model):
    """One row per contractant (privacy.selectors.privacy_settings): empty retention = off."""

    retention_years = models.PositiveSmallIntegerField(
        _("remove personal data of closed tasks after"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("In years after closing. Leave empty to keep personal data of closed tasks."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_years__isnull=True) | models.Q(retention_years__range=(1, 100)),
                name="privacy_retention_years_range",
            )
        ]

    def __str__(self) -> str:
        return "privacy settings"


class RetainedTask(models.Model):
    """A closed task whose personal data retention removed: each is done once (idempotent runs)."""

    task = models.OneToOneField("tasks.Task", primary_key=True, on_delete=models.CASCADE, related_name="+")
    anonymised_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"task {self.task_id}"


class Erasure(models.Model):
    """An erased person: who erased when, and how much changed per kind (no personal data)."""

    contact = models.OneToOneField("contacts.Contact", on_delete=models.CASCADE, related_name="erasure")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    counts = models.JSONField(default=dict)
    erased_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"erasure of {self.contact_id}"
