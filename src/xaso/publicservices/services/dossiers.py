"""Writes of dossiers (hồ sơ): recorded at the one-stop desk or imported from the province's
case-handling system; apology-letter reminders for late ones."""
