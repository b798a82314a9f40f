from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicservicesConfig(AppConfig):
    name = "xaso.publicservices"
    label = "publicservices"
    verbose_name = _("Dịch vụ công")

    def ready(self):
        from xaso.core.registry import seeders
        from xaso.publicservices import search
        from xaso.publicservices.services.catalogue import seed_catalogue

        # The catalogue first: the dossiers the later seeders make refer to its procedures.
        seeders["05-procedures"] = seed_catalogue
        search.register()

        # Dossiers: KPIs, the late-dossier check (apology letters), the rollup safety net and
        # three years of synthetic dossiers after the catalogue.
        from xaso.core.registry import periodic_tasks
        from xaso.publicservices.metrics import register_kpis
        from xaso.publicservices.synthetic import seed_publicservices
        from xaso.publicservices.tasks import (
            flag_late_dossiers_task,
            refresh_dossier_rollups_task,
        )

        register_kpis()
        periodic_tasks["publicservices.flag_late"] = (flag_late_dossiers_task, 900)
        periodic_tasks["publicservices.rollups"] = (refresh_dossier_rollups_task, 3600)
        seeders["30-publicservices"] = seed_publicservices
