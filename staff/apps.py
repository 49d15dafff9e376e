from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The staff shell: login, navigation, page frame and helpers every staff page uses, and the
    security log page. Domain apps draw their pages in it; it imports none of them."""

    name = "staff"
    verbose_name = _("Staff back office")
