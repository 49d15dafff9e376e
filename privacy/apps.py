from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """AVG (GDPR) requests: export everything held about a person, erase or pseudonymise, retention."""

    name = "privacy"
    verbose_name = _("Privacy requests")
