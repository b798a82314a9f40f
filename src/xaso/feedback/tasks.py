from django.tasks import task

from xaso.feedback import services


@task()
def escalate_overdue_reports_task() -> int:
    """Flag overdue reports and notify who must act (enqueued by ``xaso scheduler``)."""
    return services.escalate_overdue_reports()
