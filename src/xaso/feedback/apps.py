from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.feedback"
    label = "feedback"
