from django.apps import AppConfig


class SensorsConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.sensors"
    label = "sensors"
