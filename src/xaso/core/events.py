"""Domain events: every service emits one after its transaction commits. Consumers (OMC live
updates, rollups, the assistant's index) connect to ``domain_event`` and filter on ``name``."""

from django.db import transaction
from django.dispatch import Signal

domain_event = Signal()


def emit(name: str, *, unit_id: int | None, **payload) -> None:
    """Send ``name`` once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(
        lambda: domain_event.send(sender=name, name=name, unit_id=unit_id, payload=payload)
    )
