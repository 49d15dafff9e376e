"""The platform admin (public schema): tenant setup for platform operators."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from tenants.forms import ContractantChangeForm, ProvisionContractantForm
from tenants.models import Contractant, Domain
from tenants.services import provision_contractant, set_contractant_active, set_contractant_role


class PlatformAdminSite(OTPAdminSite):
    """The platform admin: with ADMIN_REQUIRE_2FA (on in production) an operator logs in with a
    TOTP code too and is let in only when a django-otp device verified the session; without it,
    the plain admin login (development and tests). Read per request, so tests can switch it."""

    @property  # type: ignore[override]
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else AdminAuthenticationForm

    @property  # type: ignore[override]
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request):
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)


# django-otp's documented way to put its admin site in place of the default one (admin.site stays
# the instance every ModelAdmin registered on, its name "admin" as the URLs expect).
admin.site.__class__ = PlatformAdminSite
admin.site.site_header = _("Support back office: platform administration")
admin.site.site_title = _("Platform administration")
admin.site.index_title = _("Tenant setup")


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


@admin.register(Contractant)
class ContractantAdmin(admin.ModelAdmin):
    list_display = ["name", "schema", "role", "site_link", "database", "is_active", "created_at"]
    list_filter = ["role", "is_active", "database"]
    search_fields = ["name", "schema_name", "domains__domain"]
    actions = ["deactivate", "activate"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ProvisionContractantForm if obj is None else ContractantChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["name", "schema_name", "domain", "database", "role"]}),
                (_("First staff user"), {"fields": ["admin_email", "admin_password"]}),
            ]
        return [(None, {"fields": ["name", "schema", "role", "database", "is_active", "created_at"]})]

    def get_readonly_fields(self, request, obj=None):
        # A schema cannot be renamed or moved to another database from a form.
        return ["schema", "database", "created_at"] if obj else []

    # django-tenants' schema_name has no translatable verbose name.
    @admin.display(description=_("Schema name"), ordering="schema_name")
    def schema(self, obj):
        return obj.schema_name

    def get_inlines(self, request, obj):
        return [DomainInline] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Contractants are deactivated, never deleted from the admin: data is kept.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            if "is_active" in form.changed_data:
                set_contractant_active(contractant=obj, is_active=obj.is_active)
            if "name" in form.changed_data:
                obj.save(update_fields=["name"])
            if "role" in form.changed_data:
                set_contractant_role(contractant=obj, role=obj.role)
            return
        data = form.cleaned_data
        created = provision_contractant(
            name=data["name"],
            schema_name=data["schema_name"],
            domain=data["domain"],
            admin_email=data["admin_email"],
            admin_password=data["admin_password"],
            database=data["database"],
            role=data["role"],
        )
        # The admin goes on with `obj` (message, log entry, redirect): make it the saved row.
        for field in ["pk", "name", "schema_name", "database", "role", "is_active", "created_at"]:
            setattr(obj, field, getattr(created, field))
        obj._state.adding = False

    @admin.display(description=_("Site"))
    def site_link(self, obj):
        domain = next((d for d in obj.domains.all() if d.is_primary), None)
        if domain is None:
            return "-"
        return format_html(
            '<a href="//{}:{}/" target="_blank" rel="noopener">{}</a>', domain.domain, settings.SITE_PORT, domain.domain
        )

    @admin.action(description=_("Deactivate selected contractants (data is kept)"))
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description=_("Activate selected contractants"))
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    def _set_active(self, request, queryset, is_active):
        count = 0
        for contractant in queryset:
            set_contractant_active(contractant=contractant, is_active=is_active)
            count += 1
        message = (
            ngettext("%(count)d contractant activated.", "%(count)d contractants activated.", count)
            if is_active
            else ngettext("%(count)d contractant deactivated.", "%(count)d contractants deactivated.", count)
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
