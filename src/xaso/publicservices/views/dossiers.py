"""Pages of dossiers and the service-quality index (officials)."""
