from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.opendata"
    label = "opendata"
