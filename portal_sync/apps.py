from django.apps import AppConfig


class PortalSyncConfig(AppConfig):
    name = "portal_sync"
