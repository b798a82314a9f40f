"""Writes of public services: the procedure catalogue (versioned) and dossiers.

One function per business action, one transaction each, audited, with a domain event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from xaso.core import audit
from xaso.core.choices import AuditAction, Role
from xaso.core.events import emit
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.text import fold
from xaso.publicservices.catalogue import CatalogueError, load_catalogue
from xaso.publicservices.models import Procedure, ProcedureVersion

CATALOGUE_EDITORS = {Role.COMMUNE_LEADER, Role.COMMUNE_OFFICIAL, Role.PLATFORM_ADMIN}


def _require_editor(actor) -> None:
    if actor is None:
        return  # the command line and migrations act as the platform
    if not (
        getattr(actor, "is_superuser", False) or getattr(actor, "role", None) in CATALOGUE_EDITORS
    ):
        raise NotAllowed("Bạn không được sửa danh mục thủ tục hành chính.")


def _columns(data: dict) -> dict:
    """The columns of ``Procedure`` derived from a catalogue entry."""
    limit, fee = data["time_limit"], data["fee"]
    words = [data["name"], *data.get("keywords", []), data.get("purpose", ""), data["field"]]
    return {
        "national_code": data.get("national_code", ""),
        "name": data["name"],
        "field_code": data["field_code"],
        "field_name": data["field"],
        "online_level": data["online_level"],
        "time_limit_value": Decimal(str(limit["value"])),
        "time_limit_unit": limit["unit"],
        "fee_vnd": fee.get("amount_vnd"),
        "has_fee": fee.get("amount_vnd") is None or fee["amount_vnd"] > 0,
        "fee_text": fee["text"][:300],
        "effective_date": dt.date.fromisoformat(data["effective_date"]),
        "search_text": fold(" ".join(words)),
    }


def _changed_fields(old: dict, new: dict) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def save_procedure_version(
    actor, *, data: dict, note: str = "", active: bool | None = None
) -> tuple[Procedure, bool]:
    """Create the procedure or, when ``data`` differs from its current state, store a new
    version. Returns (procedure, changed). The caller validates ``data``."""
    procedure = Procedure.objects.select_for_update().filter(code=data["code"]).first()
    now = timezone.now()
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    if procedure is None:
        procedure = Procedure.objects.create(
            code=data["code"], data=data, version=1, updated_at=now, **_columns(data)
        )
        changed_fields = sorted(data)
    else:
        changed_fields = _changed_fields(procedure.data, data)
        if not changed_fields and (active is None or active == procedure.active):
            return procedure, False
        for name, value in _columns(data).items():
            setattr(procedure, name, value)
        procedure.data = data
        procedure.version += 1
        procedure.updated_at = now
        if active is not None:
            procedure.active = active
        procedure.save()
    ProcedureVersion.objects.create(
        procedure=procedure,
        version=procedure.version,
        effective_date=procedure.effective_date,
        data=data,
        changed_at=now,
        changed_by=actor_user,
        changed_fields=changed_fields,
        note=note[:300],
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if procedure.version == 1 else AuditAction.UPDATE,
        obj=procedure,
        changes={"version": procedure.version, "fields": changed_fields[:30]},
    )
    emit("publicservices.procedure_changed", unit_id=None, code=procedure.code)
    return procedure, True


@transaction.atomic
def sync_catalogue(actor=None, *, path: str | Path | None = None, note: str = "") -> dict:
    """Load the catalogue files (the shipped ones by default, or an official's upload), and
    create or version every procedure in them; all or nothing. Procedures missing from the
    files are left as they are. Returns counts: created, updated, unchanged."""
    _require_editor(actor)
    try:
        entries = load_catalogue(path)
    except CatalogueError as error:
        raise BusinessError(str(error)) from error
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = set(Procedure.objects.values_list("code", flat=True))
    for data in entries:
        _, changed = save_procedure_version(
            actor, data=data, note=note or "Cập nhật từ tệp danh mục"
        )
        if not changed:
            counts["unchanged"] += 1
        elif data["code"] in existing:
            counts["updated"] += 1
        else:
            counts["created"] += 1
    return counts
