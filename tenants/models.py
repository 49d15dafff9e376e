from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


def database_choices() -> list[tuple[str, str]]:
    return [(alias, alias) for alias in settings.DATABASES]


class Contractant(TenantMixin):
    """One customer environment: one PostgreSQL schema (DESIGN.md, glossary)."""

    class Role(models.TextChoices):
        # Only a supplier binds other contractants to its relations (technical setup); only a
        # customer can be bound. The platform operator sets it in the platform admin.
        SUPPLIER = "supplier", _("Supplier (binds customer contractants)")
        CUSTOMER = "customer", _("Customer")

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=Role.choices,
        default=Role.CUSTOMER,
        help_text=_("A supplier's staff bind customer contractants to their relations; a customer is bound."),
    )
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

    @property
    def is_supplier(self) -> bool:
        return self.role == self.Role.SUPPLIER


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain


class ContractantBinding(models.Model):
    """Public registry of technical setups: which supplier schema and relation bind a contractant.

    Written in the same transaction as the supplier's TechnicalSetup. Its unique key on the
    bound contractant enforces "one relation per contractant" across every schema, and lets
    contractant X find the tasks held for it without scanning schemas (DESIGN.md, rule 1).
    """

    bound_contractant = models.OneToOneField(Contractant, on_delete=models.PROTECT, related_name="binding")
    holder = models.ForeignKey(Contractant, on_delete=models.PROTECT, related_name="held_bindings")
    relation_id = models.BigIntegerField()
    relation_name = models.CharField(max_length=200)
    subscription_id = models.BigIntegerField()
    bound_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("binding")
        verbose_name_plural = _("bindings")

    def __str__(self) -> str:
        return f"{self.bound_contractant_id} <- {self.holder_id}:{self.relation_id}"


def current_contractant() -> Contractant:
    """The contractant whose schema the connection is on (a request's, a task's or a command's)."""
    from django.db import connection

    tenant = connection.tenant
    if isinstance(tenant, Contractant):
        return tenant
    return Contractant.objects.get(schema_name=connection.schema_name)


class SyncOutbox(models.Model):
    """ "Contractant X changed" (Client Online sync), committed with the change itself.

    One table in the public schema, so one relay finds all pending work; the sync of a
    contractant removes the rows that were there when it started (DESIGN.md, Delivery).
    """

    contractant = models.ForeignKey(Contractant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["contractant", "id"], name="sync_outbox_contractant")]

    def __str__(self) -> str:
        return f"{self.contractant_id} @ {self.created_at}"
