from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self):
        from audit import signals  # noqa: F401  (connects the login receivers)
