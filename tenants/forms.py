from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenants.models import Contractant, database_choices
from tenants.services import default_domain_for, validate_provisioning, validate_role_change


class ProvisionContractantForm(forms.ModelForm):
    """The admin's one form to set up a contractant: schema, domain and first staff user."""

    domain = forms.CharField(
        label=_("Domain"),
        required=False,
        max_length=253,
    )
    database = forms.ChoiceField(label=_("Database"), choices=database_choices, initial="default")
    admin_email = forms.CharField(label=_("First staff user: e-mail"), max_length=254)
    admin_password = forms.CharField(
        label=_("First staff user: password"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    class Meta:
        model = Contractant
        fields = ["name", "schema_name", "database", "role"]
        labels = {"schema_name": _("Schema name")}
        help_texts = {
            "schema_name": _("Lower-case letters, digits and underscores, starting with a letter."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, not at import: the text follows the language of the request. No angle
        # brackets: the admin shows help texts as HTML.
        self.fields["domain"].help_text = _(
            "Host name the contractant answers at. Empty: the schema name (with - for _) followed by .%(base)s."
        ) % {"base": settings.BASE_DOMAIN}

    def _post_clean(self):
        # All rules live in the service (validate_provisioning); the model's own checks
        # would only repeat some of them with less helpful wording.
        pass

    def clean(self):
        data = super().clean()
        schema_name = (data.get("schema_name") or "").strip()
        data["domain"] = (data.get("domain") or "").strip().lower() or default_domain_for(schema_name)
        try:
            validate_provisioning(
                name=data.get("name") or "",
                schema_name=schema_name,
                domain=data["domain"],
                admin_email=(data.get("admin_email") or "").strip().lower(),
                admin_password=data.get("admin_password") or "",
                database=data.get("database") or "",
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


class ContractantChangeForm(forms.ModelForm):
    """The admin's edit form: name, role and whether it is active (the rest is fixed)."""

    class Meta:
        model = Contractant
        fields = ["name", "role", "is_active"]

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.instance.pk and role != self.instance.role:
            try:
                validate_role_change(contractant=self.instance, role=role)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["role"]) from None
        return role
