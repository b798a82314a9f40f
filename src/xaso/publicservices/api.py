"""Public JSON API of the procedure catalogue: /api/v1/procedures (no login needed)."""

from ninja import Router

router = Router(tags=["procedures"])
