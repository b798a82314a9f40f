"""Language of what is stored.

Texts written into records — timeline notes the citizen reads, notifications, version notes —
are kept in the platform's language (Vietnamese, the language of the administration), whatever
language the acting user browses in; the UI translates labels, not records."""

from django.conf import settings
from django.utils import translation


def record_language():
    """``with record_language(): note = _("…")`` — build a stored text in Vietnamese."""
    return translation.override(settings.LANGUAGE_CODE)
