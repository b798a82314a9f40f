from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.assessment"
    label = "assessment"
