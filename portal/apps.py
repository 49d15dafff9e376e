from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        # Claims waiting for staff on the staff home page (staff.worklist; STYLE 16).
        from portal.worklist import claim_work
        from staff.worklist import register_work

        register_work(claim_work)
