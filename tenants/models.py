from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


def database_choices() -> list[tuple[str, str]]:
    return [(alias, alias) for alias in settings.DATABASES]


class Contractant(TenantMixin):
    """One customer environment: one PostgreSQL schema (DESIGN.md, glossary)."""

    name = models.CharField(_("name"), max_length=200)
    database = models.CharField(
        _("database"),
        max_length=63,
        default="default",
        help_text=_("Label of the database (shard) that holds this contractant's schema."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive contractant keeps its data but its host answers 'not available'."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Schemas are created explicitly by tenants.services.provision_contractant, inside
    # its transaction, so a failure half-way leaves no orphan schema behind.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("contractant")
        verbose_name_plural = _("contractants")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.schema_name})"


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain
