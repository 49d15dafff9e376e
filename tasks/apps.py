from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"

    def ready(self) -> None:
        # What tasks add to the pages of the apps below (STYLE 16: those apps do not import us).
        from relations.history import register_history_source
        from tasks.history import relation_task_link_history

        register_history_source(relation_task_link_history)
