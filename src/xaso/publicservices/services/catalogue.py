"""Writes of the procedure catalogue (thủ tục hành chính), versioned: every change keeps a
``ProcedureVersion`` with its effective date, who made it and which parts changed.

One function per business action, one transaction each, audited, with a domain event:

- ``save_procedure_version``: create a procedure or store its new state (the primitive);
- ``edit_procedure``: an official's edit from the procedure's form (validated, with a note);
- ``sync_catalogue``: load the catalogue files shipped with the platform (``xaso catalogue
  sync``, the demo seeder) or another directory;
- ``import_catalogue``: an official's upload of catalogue files in the shipped format.

Every entry is validated with the catalogue's own rules (``catalogue.py``) before anything is
written, and a bad file or form writes nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xaso.core import audit
from xaso.core.choices import AuditAction, Role
from xaso.core.events import emit
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.text import fold, normalize
from xaso.publicservices.catalogue import PROCEDURES_DIR, CatalogueError, load_catalogue
from xaso.publicservices.models import Procedure, ProcedureVersion
from xaso.publicservices.validation import Problem, catalogue_problems, procedure_problems

CATALOGUE_EDITORS = {Role.COMMUNE_LEADER, Role.COMMUNE_OFFICIAL, Role.PLATFORM_ADMIN}
UPLOAD_SUFFIXES = (".yaml", ".yml")
MAX_UPLOAD_FILES = 30


class ProcedureInvalid(BusinessError):
    """The procedure does not pass the catalogue's rules; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            _("Thủ tục chưa hợp lệ: {problems}").format(
                problems="; ".join(p.message for p in problems)
            )
        )


class CatalogueInvalid(BusinessError):
    """A catalogue file does not load; ``problems`` lists each one as "file: thủ tục: …"."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            _("Danh mục thủ tục hành chính không hợp lệ, chưa lưu gì:\n{problems}").format(
                problems="\n".join(f"- {p}" for p in problems)
            )
        )


def can_edit_catalogue(actor) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_superuser or actor.role in CATALOGUE_EDITORS)


def _require_editor(actor) -> None:
    if actor is None:
        return  # the command line and the demo seeder act as the platform
    if not can_edit_catalogue(actor):
        raise NotAllowed(_("Bạn không được sửa danh mục thủ tục hành chính."))


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
        # None: a fee the provincial People's Council sets; it is still a fee.
        "fee_vnd": fee.get("amount_vnd"),
        "has_fee": fee.get("amount_vnd") is None or fee["amount_vnd"] > 0,
        "fee_text": fee["text"][:300],
        "effective_date": dt.date.fromisoformat(data["effective_date"]),
        "search_text": fold(" ".join(words)),
    }


def _changed_fields(old: dict, new: dict) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


@transaction.atomic
def save_procedure_version(
    actor, *, data: dict, note: str = "", active: bool | None = None
) -> tuple[Procedure, bool]:
    """Create the procedure or, when ``data`` differs from its current state (or ``active``
    changes), store a new version. Returns (procedure, changed). The caller validates ``data``
    (``edit_procedure`` and the catalogue loaders do)."""
    _require_editor(actor)
    procedure = Procedure.objects.select_for_update().filter(code=data["code"]).first()
    now = timezone.now()
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    if procedure is None:
        procedure = Procedure.objects.create(
            code=data["code"],
            data=data,
            version=1,
            updated_at=now,
            active=True if active is None else active,
            **_columns(data),
        )
        changed_fields = sorted(data)
    else:
        changed_fields = _changed_fields(procedure.data, data)
        active_changed = active is not None and active != procedure.active
        if not changed_fields and not active_changed:
            return procedure, False
        if active_changed:
            changed_fields.append("active")
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


def edit_procedure(
    actor, *, procedure: Procedure, data: dict, note: str, active: bool | None = None
) -> tuple[Procedure, bool]:
    """An official's edit of one procedure: ``data`` is the whole new catalogue entry (the form
    merges its fields into the current one). Validated with the catalogue's rules; a new
    version is kept only when something changed. Returns (procedure, changed)."""
    _require_editor(actor)
    note = normalize(note)
    if not note:
        raise BusinessError(_("Hãy ghi nội dung thay đổi (ví dụ: theo văn bản nào)."), field="note")
    if data.get("code") != procedure.code:
        raise BusinessError(_("Không được đổi mã thủ tục."), field="code")
    if (data.get("field_code"), data.get("field")) != (
        procedure.data.get("field_code"),
        procedure.data.get("field"),
    ):
        raise BusinessError(
            _("Lĩnh vực của thủ tục chỉ đổi được bằng tệp danh mục."), field="field"
        )
    problems = procedure_problems(data)
    if problems:
        raise ProcedureInvalid(problems)
    return save_procedure_version(actor, data=data, note=note, active=active)


def _load(path: str | Path | None) -> list[dict]:
    """The catalogue at ``path`` (the shipped one by default), validated by ``load_catalogue``;
    its problems reworded in Vietnamese when it does not load."""
    try:
        return load_catalogue(path)
    except CatalogueError as error:
        _procedures, problems = catalogue_problems(path or PROCEDURES_DIR)
        raise CatalogueInvalid(problems or error.problems) from error


def _save_all(actor, entries: Iterable[dict], note: str) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = set(Procedure.objects.values_list("code", flat=True))
    for data in entries:
        _, changed = save_procedure_version(actor, data=data, note=note)
        if not changed:
            counts["unchanged"] += 1
        elif data["code"] in existing:
            counts["updated"] += 1
        else:
            counts["created"] += 1
    return counts


@transaction.atomic
def sync_catalogue(actor=None, *, path: str | Path | None = None, note: str = "") -> dict:
    """Load the catalogue files (the shipped ones by default) and create or version every
    procedure in them; all or nothing. Procedures missing from the files are left as they are.
    Idempotent: a second run changes nothing. Returns counts: created, updated, unchanged."""
    _require_editor(actor)
    entries = _load(path)
    return _save_all(actor, entries, note or _("Cập nhật từ tệp danh mục"))


@transaction.atomic
def import_catalogue(actor, *, files: list[tuple[str, bytes]], note: str = "") -> dict:
    """An official's upload of one or more catalogue files, each in the format of
    ``data/procedures/*.yaml`` (one lĩnh vực per file). Every file and procedure is checked
    first; any problem writes nothing. Returns counts: created, updated, unchanged."""
    _require_editor(actor)
    if not files:
        raise BusinessError(_("Hãy chọn tệp danh mục (.yaml) để nhập."), field="files")
    if len(files) > MAX_UPLOAD_FILES:
        raise BusinessError(
            ngettext(
                "Mỗi lần nhập tối đa {count} tệp.",
                "Mỗi lần nhập tối đa {count} tệp.",
                MAX_UPLOAD_FILES,
            ).format(count=MAX_UPLOAD_FILES),
            field="files",
        )
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xaso-catalogue-") as directory:
        for name, content in files:
            target = _stored_upload_name(name, content, problems)
            if target is None:
                continue
            path = Path(directory) / target
            if path.exists():
                problems.append(
                    _("{name}: lĩnh vực '{field}' có trong hai tệp tải lên").format(
                        name=name, field=path.stem
                    )
                )
                continue
            path.write_bytes(content)
        if problems:
            raise CatalogueInvalid(problems)
        entries, problems = catalogue_problems(directory)
        if problems:
            raise CatalogueInvalid(problems)
        entries = _load(directory)  # the loader's own verdict, should the two ever differ
    names = ", ".join(name for name, _content in files)
    note = normalize(note) or _("Nhập từ tệp {names}").format(names=names)[:300]
    counts = _save_all(actor, entries, note)
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="publicservices.procedure",
        object_repr=f"Danh mục thủ tục: {names}"[:200],
        changes={**counts, "files": [name for name, _content in files]},
    )
    return counts


def _stored_upload_name(name: str, content: bytes, problems: list[str]) -> str | None:
    """The name the uploaded file is checked under: the loader wants a file named after its
    lĩnh vực, and a browser may have saved ``ho-tich.yaml`` as ``ho-tich (1).yaml``."""
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        problems.append(_("{name}: cần tệp .yaml theo mẫu danh mục thủ tục").format(name=name))
        return None
    if len(content) > settings.XASO_MAX_UPLOAD_BYTES:
        limit = settings.XASO_MAX_UPLOAD_BYTES // (1024 * 1024)
        problems.append(_("{name}: tệp lớn quá {mb} MB").format(name=name, mb=limit))
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(_("{name}: tệp không phải văn bản UTF-8").format(name=name))
        return None
    try:
        # Anchors and aliases could make a small file expand without limit once read: the
        # catalogue never needs them.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text)):
            problems.append(
                _("{name}: tệp danh mục không dùng tham chiếu YAML (*…)").format(name=name)
            )
            return None
        header = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problems.append(_("{name}: không đọc được YAML: {error}").format(name=name, error=error))
        return None
    field = header.get("field") if isinstance(header, dict) else None
    code = field.get("code") if isinstance(field, dict) else None
    if isinstance(code, str) and code and code.replace("-", "").isalnum() and code.isascii():
        return f"{code}.yaml"
    return Path(name).with_suffix(".yaml").name


def seed_catalogue(*, world=None, seed: int = 1, say=print) -> dict:
    """The ``05-procedures`` seeder of ``xaso seed`` / ``make demo``: the shipped catalogue."""
    counts = sync_catalogue(None, note=_("Danh mục kèm theo phần mềm"))
    say(
        "  thủ tục hành chính: {created} mới, {updated} cập nhật, {unchanged} giữ nguyên".format(
            **counts
        )
    )
    return counts
