from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"

    def ready(self) -> None:
        from relations.history import register_history_source
        from subscriptions.history import subscription_history

        register_history_source(subscription_history)
