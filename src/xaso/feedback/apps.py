from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "xaso.feedback"
    label = "feedback"
    verbose_name = _("Phản ánh kiến nghị")

    def ready(self):
        from xaso.core.registry import periodic_tasks, seeders
        from xaso.feedback.metrics import register_kpis
        from xaso.feedback.synthetic import seed_feedback
        from xaso.feedback.tasks import escalate_overdue_reports_task

        periodic_tasks["feedback.escalate"] = (escalate_overdue_reports_task, 300)
        seeders["20-feedback"] = seed_feedback
        register_kpis()
