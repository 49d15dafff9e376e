from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API per contractant: Django REST framework views over the same services and selectors as the pages."""

    name = "api"
    verbose_name = _("REST API")
