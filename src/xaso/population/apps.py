from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "xaso.population"
    label = "population"
    verbose_name = "Dân cư"

    def ready(self):
        from xaso.core.registry import seeders
        from xaso.population.synthetic import seed_population

        seeders["10-population"] = seed_population
