from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Import of relations and contacts from CSV/XLSX with a preview, export of lists."""

    name = "transfer"
    verbose_name = _("Import and export")
