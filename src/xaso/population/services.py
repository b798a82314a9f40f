"""Every write to the population register: one function per business action, each one
transaction, audited, emitting a domain event. Views, the API, the admin, the CLI and tasks
all call these."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xaso.core import audit
from xaso.core.choices import AuditAction
from xaso.core.crypto import mask, mask_phone
from xaso.core.events import emit
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.models import AdministrativeUnit, ResidentialGroup
from xaso.core.permissions import can_manage_population, can_see_contact, can_see_national_id
from xaso.core.tenancy import scope_for
from xaso.population import import_writer, importing, spreadsheets
from xaso.population.choices import ChangeKind, ImportStatus
from xaso.population.models import Household, ImportJob, PopulationChange, Resident
from xaso.population.selectors import residents_for
from xaso.population.validation import national_id_error, normalize_phone, phone_error
from xaso.population.workbook import TableReader

PII_FIELDS = {"national_id", "phone", "address"}
RESIDENT_FIELDS = [
    "full_name",
    "birth_date",
    "sex",
    "national_id",
    "phone",
    "residence_status",
    "relation_to_head",
    "occupation",
    "has_smartphone",
    "has_epayment",
    "vneid_level2",
    "digital_skills_group",
]


def _require_manager(actor, unit_id: int, group_id: int | None = None) -> None:
    if actor is None:  # system jobs (seed, tasks acting for a recorded user)
        return
    if not can_manage_population(actor):
        raise NotAllowed("Vai trò của bạn không được sửa sổ dân cư.")
    if not scope_for(actor).allows_group(unit_id, group_id):
        raise NotAllowed("Bạn không có quyền với xã/phường hoặc tổ dân phố này.")


def _redacted(changes: dict) -> dict:
    """Audit snapshots name the changed personal fields but never hold their values."""
    return {k: ("(đã thay đổi)" if k in PII_FIELDS else str(v)) for k, v in changes.items()}


def _check_resident_values(values: dict) -> None:
    if "full_name" in values and not str(values["full_name"]).strip():
        raise BusinessError("Họ và tên không được để trống.", field="full_name")
    if values.get("phone"):
        values["phone"] = normalize_phone(values["phone"])
        message = phone_error(values["phone"])
        if message:
            raise BusinessError(message, field="phone")
    if values.get("national_id"):
        message = national_id_error(
            values["national_id"], birth_date=values.get("birth_date"), sex=values.get("sex")
        )
        if message:
            raise BusinessError(message, field="national_id")


# --- Households -----------------------------------------------------------------------------


@transaction.atomic
def create_household(
    actor,
    *,
    group: ResidentialGroup,
    code: str,
    address: str = "",
    street: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Household:
    _require_manager(actor, group.unit_id, group.id)
    code = code.strip().upper()
    if not code:
        raise BusinessError("Mã hộ không được để trống.", field="code")
    if Household.objects.filter(unit_id=group.unit_id, code=code).exists():
        raise BusinessError(f"Mã hộ '{code}' đã có trong xã/phường.", field="code")
    household = Household.objects.create(
        unit_id=group.unit_id,
        group=group,
        code=code,
        address=address.strip(),
        street=street.strip(),
        latitude=latitude,
        longitude=longitude,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=household,
        changes=_redacted({"group": group.code, "address": address, "street": street}),
    )
    emit("population.household_created", unit_id=household.unit_id, household_id=household.id)
    return household


# --- Residents ------------------------------------------------------------------------------


@transaction.atomic
def register_resident(
    actor,
    *,
    household: Household,
    full_name: str,
    birth_date: dt.date,
    sex: str,
    national_id: str = "",
    phone: str = "",
    change_kind: str | None = None,
    change_date: dt.date | None = None,
    **attributes,
) -> Resident:
    """Add a person to a household; with ``change_kind`` (birth, move-in) also record the event."""
    _require_manager(actor, household.unit_id, household.group_id)
    values = {
        "full_name": full_name.strip(),
        "birth_date": birth_date,
        "sex": sex,
        "national_id": national_id.strip(),
        "phone": phone,
        **attributes,
    }
    _check_resident_values(values)
    resident = Resident(unit_id=household.unit_id, household=household, **values)
    resident.refresh_derived_fields()
    if (
        resident.national_id_hash
        and Resident.objects.filter(
            unit_id=household.unit_id, national_id_hash=resident.national_id_hash
        ).exists()
    ):
        raise BusinessError(
            "Số định danh này đã có trong sổ dân cư của xã/phường.", field="national_id"
        )
    resident.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=resident,
        changes=_redacted({k: v for k, v in values.items() if v not in ("", None)}),
    )
    if change_kind:
        _record_change(actor, resident, change_kind, change_date or timezone.localdate(), "")
    emit("population.resident_registered", unit_id=resident.unit_id, resident_id=resident.id)
    return resident


@transaction.atomic
def update_resident(actor, *, resident: Resident, **changes) -> Resident:
    _require_manager(actor, resident.unit_id, resident.household.group_id)
    unknown = set(changes) - set(RESIDENT_FIELDS)
    if unknown:
        raise BusinessError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    merged = {f: getattr(resident, f) for f in RESIDENT_FIELDS} | changes
    _check_resident_values(merged)
    changed = {k: v for k, v in changes.items() if getattr(resident, k) != merged[k]}
    if not changed:
        return resident
    for key in changed:
        setattr(resident, key, merged[key])
    resident.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=resident, changes=_redacted(changed))
    emit("population.resident_updated", unit_id=resident.unit_id, resident_id=resident.id)
    return resident


def _record_change(
    actor, resident: Resident, kind: str, date: dt.date, note: str
) -> PopulationChange:
    change = PopulationChange.objects.create(
        unit_id=resident.unit_id,
        resident=resident,
        household_id=resident.household_id,
        kind=kind,
        date=date,
        note=note,
        recorded_by=actor if actor else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=change,
        unit_id=resident.unit_id,
        changes={"kind": kind, "date": date.isoformat(), "resident": resident.id},
    )
    return change


@transaction.atomic
def record_population_change(
    actor, *, resident: Resident, kind: str, date: dt.date, note: str = ""
) -> PopulationChange:
    """Birth, death, move in, move out. Death and move-out make the resident inactive; the
    resident row and its history are kept."""
    _require_manager(actor, resident.unit_id, resident.household.group_id)
    if kind not in ChangeKind.values:
        raise BusinessError("Loại biến động không hợp lệ.", field="kind")
    if date > timezone.localdate():
        raise BusinessError("Ngày biến động không được ở tương lai.", field="date")
    if date < resident.birth_date:
        raise BusinessError("Ngày biến động trước ngày sinh.", field="date")
    leaving = kind in (ChangeKind.DEATH, ChangeKind.MOVE_OUT)
    if leaving and not resident.is_active:
        raise BusinessError("Nhân khẩu này đã không còn sinh sống tại địa phương.", field="kind")
    resident.is_active = not leaving
    resident.save(update_fields=["is_active", "updated_at"])
    change = _record_change(actor, resident, kind, date, note)
    emit("population.changed", unit_id=resident.unit_id, kind=kind, resident_id=resident.id)
    return change


# --- Import ---------------------------------------------------------------------------------


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def start_import(actor, *, unit: AdministrativeUnit, file_name: str, chunks) -> ImportJob:
    """Store an uploaded file and queue its import. ``chunks`` iterates over bytes."""
    _require_manager(actor, unit.id)
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise BusinessError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).", field="file")
    stored = import_dir() / f"{uuid.uuid4().hex}{suffix}"
    size = 0
    with stored.open("wb") as handle:
        for chunk in chunks:
            size += len(chunk)
            if size > settings.XASO_MAX_UPLOAD_BYTES:
                handle.close()
                stored.unlink(missing_ok=True)
                limit = settings.XASO_MAX_UPLOAD_BYTES // (1024 * 1024)
                raise BusinessError(f"Tệp quá lớn: tối đa {limit} MB.", field="file")
            handle.write(chunk)
    if size == 0:
        stored.unlink(missing_ok=True)
        raise BusinessError("Tệp rỗng.", field="file")
    job = ImportJob.objects.create(
        unit=unit,
        created_by=actor,
        file_name=file_name[:200],
        stored_path=str(stored),
        phase="Đang chờ xử lý",
    )
    from xaso.population.tasks import run_import_task

    transaction.on_commit(lambda: run_import_task.enqueue(job.id))
    return job


def run_import(
    job: ImportJob,
    *,
    progress: Callable[[ImportJob], None] | None = None,
    table: TableReader | None = None,
) -> ImportJob:
    """Check every row, then write all of them in one transaction — or nothing, with a report.
    ``table``: the file already being read (``xaso import`` starts reading it while Django
    starts). The uploaded file holds personal data in clear, so it is deleted once the import
    ends."""
    try:
        return _run_import(job, progress, table or TableReader(Path(job.stored_path)))
    finally:
        Path(job.stored_path).unlink(missing_ok=True)


def _run_import(
    job: ImportJob, progress: Callable[[ImportJob], None] | None, table: TableReader
) -> ImportJob:
    def show(phase: str, *, save: bool = True, **fields) -> None:
        job.phase = phase
        for key, value in fields.items():
            setattr(job, key, value)
        if save:  # seen by the web page polling the job
            job.save(update_fields=["phase", "status", "processed_rows", "total_rows"])
        if progress:
            progress(job)

    def on_rows(done: int, total: int) -> None:
        show("Đang kiểm tra dữ liệu", processed_rows=done, total_rows=total)

    show("Đang đọc tệp", status=ImportStatus.RUNNING)
    known_groups = set(
        ResidentialGroup.objects.filter(unit_id=job.unit_id).values_list("code", flat=True)
    )
    try:
        parsed = importing.parse(table, known_groups=known_groups, progress=on_rows)
    except importing.UnreadableFile as error:
        return _finish_failed(job, [importing.RowError(0, "", str(error))])
    if parsed.errors:
        return _finish_failed(job, parsed.errors)
    total = len(parsed.rows)
    show("Đang ghi vào sổ dân cư", processed_rows=0, total_rows=total)

    def on_written(done: int) -> None:
        # Inside the transaction: the terminal sees it, the database only at the end.
        show("Đang ghi vào sổ dân cư", save=False, processed_rows=done)

    try:
        with transaction.atomic():
            counts = import_writer.write_rows(job.unit_id, parsed.rows, on_written=on_written)
            audit.record(
                actor=job.created_by,
                action=AuditAction.IMPORT,
                obj=job,
                unit_id=job.unit_id,
                changes={"file": job.file_name, **counts},
            )
    except BusinessError as error:
        return _finish_failed(job, [importing.RowError(0, "", error.message)])
    for key, value in counts.items():
        setattr(job, key, value)
    job.status = ImportStatus.SUCCEEDED
    job.phase = "Hoàn tất"
    job.processed_rows = job.total_rows = parsed.total_rows
    job.finished_at = timezone.now()
    job.message = (
        f"Đã nhập {parsed.total_rows} dòng: {counts['residents_created']} nhân khẩu mới, "
        f"{counts['residents_updated']} cập nhật; {counts['households_created']} hộ mới, "
        f"{counts['households_updated']} hộ cập nhật."
    )
    job.save()
    if progress:
        progress(job)
    emit("population.imported", unit_id=job.unit_id, job_id=job.id, **counts)
    return job


def _finish_failed(job: ImportJob, errors: list[importing.RowError]) -> ImportJob:
    report = import_dir() / f"job-{job.id}-errors.xlsx"
    report.write_bytes(spreadsheets.error_report(errors))
    job.status = ImportStatus.FAILED
    job.phase = "Có lỗi, chưa nhập gì"
    job.error_count = len(errors)
    job.error_report_path = str(report)
    first = errors[0]
    where = f"dòng {first.row}, cột «{first.column}»: " if first.row else ""
    job.message = (
        f"{len(errors)} lỗi, không dòng nào được nhập. Lỗi đầu tiên — {where}{first.message}"
    )
    job.finished_at = timezone.now()
    job.save()
    return job


# --- Export ---------------------------------------------------------------------------------


def export_group_roster(actor, *, group: ResidentialGroup) -> bytes:
    """The group's active residents as .xlsx in the template's columns; audited as an export.
    Personal fields are in clear only for roles that may see them."""
    if not scope_for(actor).allows_group(group.unit_id, group.id):
        raise NotAllowed("Bạn không có quyền với tổ dân phố này.")
    show_id, show_contact = can_see_national_id(actor), can_see_contact(actor)
    residents = (
        residents_for(actor)
        .filter(household__group=group, is_active=True)
        .select_related("household")
        .order_by("household__code", "birth_date")
    )

    def rows():
        for r in residents:
            h = r.household
            yield [
                h.code,
                group.code,
                h.address if show_contact else "",
                h.street,
                r.full_name,
                r.birth_date.strftime("%d/%m/%Y"),
                r.get_sex_display(),
                r.national_id if show_id else mask(r.national_id),
                r.phone if show_contact else mask_phone(r.phone),
                r.get_relation_to_head_display(),
                r.get_residence_status_display(),
                r.occupation,
                "Có" if r.has_smartphone else "Không",
                "Có" if r.has_epayment else "Không",
                "Có" if r.vneid_level2 else "Không",
                r.get_digital_skills_group_display() if r.digital_skills_group else "",
            ]

    content = spreadsheets.roster(rows(), f"Danh sách nhân khẩu {group.name}")
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=group,
        changes={"format": "xlsx", "national_id_clear": show_id, "contact_clear": show_contact},
    )
    return content
