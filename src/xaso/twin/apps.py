from django.apps import AppConfig


class TwinConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.twin"
    label = "twin"
