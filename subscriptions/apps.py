from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"

    def ready(self) -> None:
        from relations.history import register_history_source
        from relations.panels import relation_history_panels
        from relations.tabs import RelationTab, register_tab
        from subscriptions.history import subscription_history
        from subscriptions.panels import relinks_panel

        register_history_source(subscription_history)
        register_tab(RelationTab("subscriptions", _("Subscriptions"), "subscriptions:relation_tab", 20))
        relation_history_panels.register(relinks_panel)
