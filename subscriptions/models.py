from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.validators import reject_control_characters

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Subscription(models.Model):
    relation = models.ForeignKey("relations.Relation", on_delete=models.PROTECT, related_name="subscriptions")
    product = models.CharField(_("product"), max_length=200, validators=[reject_control_characters])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-is_active", "-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="subscription_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.relation_id})"


class TechnicalSetup(models.Model):
    """Binds an active subscription to (database, contractant): "technische inrichting".

    The contractant lives in the public schema; the reference carries no database-level
    foreign key across schemas. The per-schema unique constraint below and the public
    `tenants.ContractantBinding` registry (unique per bound contractant) enforce
    "one relation per contractant" here and across all supplier schemas.
    """

    subscription = models.OneToOneField(Subscription, on_delete=models.PROTECT, related_name="technical_setup")
    database = models.CharField(_("database"), max_length=63)
    contractant = models.ForeignKey(
        "tenants.Contractant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("contractant"),
    )
    bound_at = models.DateTimeField(_("bound at"), auto_now_add=True)
    bound_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("technical setup")
        verbose_name_plural = _("technical setups")
        constraints = [models.UniqueConstraint(fields=["contractant"], name="technical_setup_one_per_contractant")]

    def __str__(self) -> str:
        return f"{self.database} / {self.contractant_id}"


class RelinkRecord(models.Model):
    """Audit entry of one relink (seed 000): what moved, who did it, and how to undo it."""

    contractant = models.ForeignKey(
        "tenants.Contractant", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    database = models.CharField(max_length=63)
    from_relation = models.ForeignKey("relations.Relation", on_delete=models.PROTECT, related_name="relinks_out")
    to_relation = models.ForeignKey("relations.Relation", on_delete=models.PROTECT, related_name="relinks_in")
    from_subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="+")
    to_subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="+")
    moved_task_ids = models.JSONField(default=list)
    # len(moved_task_ids), kept apart so lists of relinks need not read 50,000 ids per row.
    moved_task_count = models.PositiveIntegerField(default=0)
    # Of moved_task_ids, the tasks that were linked to to_relation already: their link to
    # from_relation was dropped, not moved, and an undo gives it back (issue 18, exact undo).
    kept_link_task_ids = models.JSONField(default=list)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    undo_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by")

    class Meta:
        # The table kept its name when the model moved here from relations with the relink.
        db_table = "relations_relinkrecord"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.contractant_id}: {self.from_relation_id} -> {self.to_relation_id}"
