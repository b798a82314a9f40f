from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "xaso.population"
    label = "population"
    verbose_name = _("Dân cư")

    def ready(self):
        from xaso.core.registry import seeders
        from xaso.population.synthetic import seed_population

        seeders["10-population"] = seed_population
