"""Writes of public services, one module per area: ``catalogue`` (procedures, versioned) and
``dossiers`` (dossiers, their import, apology reminders)."""
