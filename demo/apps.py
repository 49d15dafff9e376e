from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a newcomer (`manage.py seed_demo`, `make run`); no application code imports it."""

    name = "demo"
    verbose_name = "Demo"
