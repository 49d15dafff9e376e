from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"

    def ready(self) -> None:
        # What tasks add to the pages of the apps below (STYLE 16: those apps do not import us).
        from relations.history import register_history_source
        from relations.selectors import register_list_annotation
        from relations.tabs import RelationTab, register_tab
        from tasks.history import relation_task_link_history
        from tasks.selectors import open_task_count

        register_history_source(relation_task_link_history)
        from staff.worklist import home_panels, register_work
        from tasks.charts import first_response_panel, opened_closed_panel
        from tasks.worklist import task_work

        register_work(task_work)
        home_panels.register(opened_closed_panel)
        home_panels.register(first_response_panel)
        register_tab(RelationTab("tasks", _("Tasks"), "tasks:relation_tab", 40))
        register_list_annotation("open_task_count", open_task_count)

        # The contact page's "Tasks reported"; reported tasks move along in merges and out-of-services.
        from contacts.hooks import register_handover
        from contacts.panels import contact_panels
        from tasks.contact_handover import REPORTED_TASKS
        from tasks.contact_panels import reported_tasks_panel

        contact_panels.register(reported_tasks_panel)
        register_handover(REPORTED_TASKS)
