from django.tasks import task

from xaso.population import services
from xaso.population.models import ImportJob


@task()
def run_import_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    return services.run_import(job).status
