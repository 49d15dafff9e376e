from django.apps import AppConfig


class PortalSyncConfig(AppConfig):
    name = "portal_sync"

    def ready(self) -> None:
        # Domain apps tell us of changes through hooks; they never import this app (STYLE 16).
        from portal_sync import panels
        from portal_sync.outbox import record_change
        from tenants.hooks import on_data_changed

        on_data_changed(record_change)
        panels.register()
