from django.apps import AppConfig


class OmcConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.omc"
    label = "omc"
