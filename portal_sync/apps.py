from django.apps import AppConfig


def _record_change(**_kwargs) -> None:
    from portal_sync.outbox import record_change

    record_change()


class PortalSyncConfig(AppConfig):
    name = "portal_sync"

    def ready(self) -> None:
        # Domain apps tell us of changes through hooks; they never import this app (STYLE 16).
        from portal_sync import panels
        from tenants.hooks import data_changed

        data_changed.connect(_record_change, dispatch_uid="portal_sync.record_change")
        panels.register()
        from portal_sync.worklist import sync_failure_work
        from staff.worklist import register_work

        register_work(sync_failure_work)
