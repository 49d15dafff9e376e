from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaConfig(AppConfig):
    """Second factor (TOTP and recovery codes) for staff and portal logins, on django-otp."""

    name = "mfa"
    verbose_name = _("Two-factor login")
