from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications for staff (the bell in the top bar), each also by e-mail as the
    staff member's preference asks. The apps above it (tasks, portal) create them through
    notifications.services.notify; this app imports none of them (STYLE 16)."""

    name = "notifications"
    verbose_name = _("Notifications")
