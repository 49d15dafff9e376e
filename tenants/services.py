"""Writes on contractants (tenant setup). Used by the admin site, seed_demo and tests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tenants.utils import schema_exists

from tenants.crossing import create_first_staff_user
from tenants.models import Contractant, ContractantBinding, Domain
from tenants.schema_clone import clone_template_schema
from tenants.template_schema import ensure_template_schema_current, template_schema_name

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

# Lower-case letters, digits and underscores, starting with a letter: safe as a
# PostgreSQL identifier and as a DNS label (underscores are replaced in host names).
SCHEMA_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
RESERVED_SCHEMA_NAMES = {"public", "information_schema", "admin", "www", "static", "media", "api"}
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


def default_domain_for(schema_name: str) -> str:
    return f"{schema_name.replace('_', '-')}.{settings.BASE_DOMAIN}"


def validate_provisioning(
    *, name: str, schema_name: str, domain: str, admin_email: str, admin_password: str, database: str
) -> None:
    """Raise one ValidationError listing every problem, keyed by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not name.strip():
        add("name", _("Enter a name."))
    if not SCHEMA_NAME_RE.match(schema_name):
        add(
            "schema_name",
            _(
                "Use 2 to 40 lower-case letters, digits or underscores, starting with a letter "
                "(for example 'bakkerij_jansen')."
            ),
        )
    elif schema_name in RESERVED_SCHEMA_NAMES or schema_name == template_schema_name() or schema_name.startswith("pg_"):
        add("schema_name", _("'%(name)s' is reserved; choose another schema name.") % {"name": schema_name})
    elif Contractant.objects.filter(schema_name=schema_name).exists() or schema_exists(schema_name):
        add("schema_name", _("The schema name '%(name)s' is already taken.") % {"name": schema_name})
    if not HOSTNAME_RE.match(domain):
        add("domain", _("Enter a valid host name, for example 'jansen.localhost'."))
    elif domain in settings.PUBLIC_HOSTS:
        add("domain", _("'%(domain)s' is the platform's own host.") % {"domain": domain})
    elif Domain.objects.filter(domain=domain).exists():
        add("domain", _("The domain '%(domain)s' is already in use.") % {"domain": domain})
    if database not in settings.DATABASES:
        add("database", _("Unknown database '%(database)s'.") % {"database": database})
    try:
        validate_email(admin_email)
    except ValidationError:
        add("admin_email", _("Enter a valid e-mail address."))
    try:
        validate_password(admin_password, user=get_user_model()(username=admin_email, email=admin_email))
    except ValidationError as exc:
        for message in exc.messages:
            add("admin_password", message)
    if errors:
        raise ValidationError(errors)


def provision_contractant(
    *,
    name: str,
    schema_name: str,
    domain: str,
    admin_email: str,
    admin_password: str,
    database: str = "default",
    role: str = Contractant.Role.CUSTOMER,
) -> Contractant:
    """Create a contractant: its schema (cloned from the template), domain and first staff user.

    All or nothing: the schema is created inside the same transaction as the rows, and
    PostgreSQL DDL is transactional, so any failure leaves neither schema nor rows.
    """
    name = name.strip()
    schema_name = schema_name.strip()
    domain = domain.strip().lower()
    admin_email = admin_email.strip().lower()
    validate_provisioning(
        name=name,
        schema_name=schema_name,
        domain=domain,
        admin_email=admin_email,
        admin_password=admin_password,
        database=database,
    )
    ensure_template_schema_current()
    with transaction.atomic():
        contractant = Contractant(name=name, schema_name=schema_name, database=database, role=role)
        contractant.full_clean()
        contractant.save()
        cast("TenantDatabaseWrapper", connection).set_schema_to_public()
        clone_template_schema(template=template_schema_name(), new_schema=schema_name)
        Domain.objects.create(domain=domain, tenant=contractant, is_primary=True)
        create_first_staff_user(schema_name=schema_name, email=admin_email, password=admin_password)
    return contractant


def set_contractant_active(*, contractant: Contractant, is_active: bool) -> Contractant:
    """Deactivate (data kept, host answers 'not available') or reactivate a contractant."""
    contractant.is_active = is_active
    contractant.save(update_fields=["is_active"])
    return contractant


def validate_role_change(*, contractant: Contractant, role: str) -> None:
    """Refuse a role that would leave a binding it forbids: a supplier that still holds
    bindings becoming a customer, or a bound customer becoming a supplier."""
    if role not in Contractant.Role.values:
        raise ValidationError({"role": _("Choose supplier or customer.")})
    if role == Contractant.Role.CUSTOMER:
        held = ContractantBinding.objects.filter(holder=contractant).count()
        if held:
            raise ValidationError(
                {
                    "role": ngettext(
                        "%(name)s still binds %(count)d contractant; clear that technical setup first.",
                        "%(name)s still binds %(count)d contractants; clear those technical setups first.",
                        held,
                    )
                    % {"name": contractant.name, "count": held}
                }
            )
    elif ContractantBinding.objects.filter(bound_contractant=contractant).exists():
        raise ValidationError(
            {
                "role": _("%(name)s is bound to a supplier's relation; a bound contractant cannot become a supplier.")
                % {"name": contractant.name}
            }
        )


def set_contractant_role(*, contractant: Contractant, role: str) -> Contractant:
    """Make a contractant a supplier or a customer (platform operators only: the admin site)."""
    with transaction.atomic():
        contractant = Contractant.objects.select_for_update().get(pk=contractant.pk)
        if role != contractant.role:
            validate_role_change(contractant=contractant, role=role)
            contractant.role = role
            contractant.save(update_fields=["role"])
    return contractant
