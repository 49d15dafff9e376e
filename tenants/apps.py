from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Contractants")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tenants.middleware import forget_hosts
        from tenants.models import Contractant, Domain

        # A saved or deleted contractant or domain is answered afresh at once (host cache).
        for model in (Contractant, Domain):
            post_save.connect(forget_hosts, sender=model, dispatch_uid=f"forget_hosts_saved_{model.__name__}")
            post_delete.connect(forget_hosts, sender=model, dispatch_uid=f"forget_hosts_deleted_{model.__name__}")
