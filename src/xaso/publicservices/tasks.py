"""Periodic jobs of public services, enqueued by ``xaso scheduler`` (``registry.periodic_tasks``
from ``PublicservicesConfig.ready()``)."""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from xaso.publicservices.index import month_start
from xaso.publicservices.services import dossiers, rollups


@task()
def flag_late_dossiers_task() -> int:
    """Flag dossiers that have become late and remind who must send the apology letter."""
    return dossiers.flag_late_dossiers()


@task()
def refresh_dossier_rollups_task() -> int:
    """Rebuild this month's and last month's rollup of every commune: a safety net (the
    services keep the rollup in step with every write)."""
    this_month = month_start(timezone.localdate())
    last_month = month_start(this_month - dt.timedelta(days=1))
    return rollups.refresh_all_rollups(months=[last_month, this_month])
