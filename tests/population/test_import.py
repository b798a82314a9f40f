"""The Excel/CSV import: everything or nothing, row-level Vietnamese errors, idempotent."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from openpyxl import Workbook, load_workbook

from tests.factories import national_id
from xaso.core.choices import Role
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.models import AuditLog
from xaso.population import services
from xaso.population.choices import ImportStatus
from xaso.population.importing import COLUMNS
from xaso.population.models import Household, Resident

HEADER = [c.label for c in COLUMNS]


def row(
    household="HK9001",
    group="TDP01",
    name="Hoàng Văn Nam",
    born="12/03/1990",
    sex="Nam",
    nid=None,
    relation="Chủ hộ",
    **extra,
):
    try:
        born_date = dt.datetime.strptime(born, "%d/%m/%Y").date()
    except ValueError:
        born_date = dt.date(1990, 3, 12)
    values = {
        "household_code": household,
        "group_code": group,
        "address": "Số 3, ngõ 7",
        "street": "Xuân Đỉnh",
        "full_name": name,
        "birth_date": born,
        "sex": sex,
        "national_id": nid or national_id(born_date, "male" if sex == "Nam" else "female"),
        "phone": "0987654321",
        "relation_to_head": relation,
        "residence_status": "Thường trú",
        "occupation": "Kỹ sư",
        "has_smartphone": "Có",
        "has_epayment": "Không",
        "vneid_level2": "Có",
        "digital_skills_group": "Người lao động",
    }
    values.update(extra)
    return [values[c.key] for c in COLUMNS]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(ward, content: bytes, name="nhan-khau.xlsx"):
    official = ward.user(Role.COMMUNE_OFFICIAL)
    job = services.start_import(official, unit=ward.unit, file_name=name, chunks=[content])
    job.refresh_from_db()
    return job


def family_rows():
    return [
        row(),
        row(name="Vũ Thị Mai", born="01/07/1992", sex="Nữ", relation="Vợ/chồng"),
        row(name="Hoàng Gia Bảo", born="20/10/2018", relation="Con"),
        row(
            household="HK9002",
            group="TDP02",
            name="Ngô Thị Lan",
            born="05/05/1950",
            sex="Nữ",
            relation="Chủ hộ",
        ),
    ]


def errors_of(job):
    sheet = load_workbook(job.error_report_path).active
    return [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.django_db(transaction=True)
def test_import_creates_households_and_residents(ward):
    before = Resident.objects.count()
    job = run(ward, xlsx(family_rows()))
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert (job.residents_created, job.households_created) == (4, 2)
    assert Resident.objects.count() == before + 4
    mai = Resident.objects.get(full_name="Vũ Thị Mai")
    assert mai.household.code == "HK9001" and mai.sex == "female"
    assert mai.birth_date == dt.date(1992, 7, 1)
    assert mai.phone == "0987654321" and mai.has_smartphone and not mai.has_epayment
    assert mai.household.address == "Số 3, ngõ 7"
    assert AuditLog.objects.filter(action="import", object_id=str(job.pk)).exists()
    # The upload held national IDs in clear: it is gone once imported.
    assert job.stored_path and not Path(job.stored_path).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_upload_is_deleted_too_but_its_report_kept(ward):
    job = run(ward, xlsx([row(group="TDP99")]))
    assert job.status == ImportStatus.FAILED
    assert not Path(job.stored_path).exists()
    assert Path(job.error_report_path).exists()


@pytest.mark.django_db(transaction=True)
def test_reimporting_the_same_file_changes_nothing(ward):
    content = xlsx(family_rows())
    run(ward, content)
    snapshot = list(Resident.objects.order_by("pk").values_list("pk", "full_name", "updated_at"))
    again = run(ward, content)
    assert again.status == ImportStatus.SUCCEEDED
    assert (
        again.residents_created,
        again.residents_updated,
        again.households_created,
        again.households_updated,
    ) == (0, 0, 0, 0)
    assert (
        list(Resident.objects.order_by("pk").values_list("pk", "full_name", "updated_at"))
        == snapshot
    )


@pytest.mark.django_db(transaction=True)
def test_reimport_updates_by_national_id(ward):
    rows = family_rows()
    run(ward, xlsx(rows))
    rows[1][[c.key for c in COLUMNS].index("occupation")] = "Giáo viên"
    job = run(ward, xlsx(rows))
    assert (job.residents_created, job.residents_updated) == (0, 1)
    assert Resident.objects.get(full_name="Vũ Thị Mai").occupation == "Giáo viên"


@pytest.mark.django_db(transaction=True)
def test_csv_with_semicolons_and_numeric_ids(ward):
    born = dt.date(1990, 3, 12)
    nid = national_id(born, "male")
    text = ";".join(HEADER) + "\n" + ";".join(str(v) for v in row(nid=nid)) + "\n"
    job = run(ward, text.encode("utf-8-sig"), name="danh-sach.csv")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert Resident.objects.filter(
        national_id_hash=Resident(national_id=nid).national_id_hash or "x"
    ).count() in (0, 1)
    assert Resident.objects.filter(full_name="Hoàng Văn Nam").get().national_id == nid


@pytest.mark.django_db(transaction=True)
def test_excel_number_cells_keep_leading_zeros(ward):
    born = dt.date(1990, 3, 12)
    nid = national_id(born, "male")
    job = run(ward, xlsx([row(nid=int(nid), phone=987654321)]))
    assert job.status == ImportStatus.SUCCEEDED, job.message
    person = Resident.objects.get(full_name="Hoàng Văn Nam")
    assert (person.national_id, person.phone) == (nid, "0987654321")


BAD_ROWS = [
    ("bad date", {"born": "31/02/1990"}, "Ngày sinh (dd/mm/yyyy)", "không đúng dạng"),
    ("future birth", {"born": "01/01/2099"}, "Ngày sinh (dd/mm/yyyy)", "tương lai"),
    ("malformed id", {"nid": "12345"}, "Số định danh cá nhân", "12 chữ số"),
    ("id of wrong sex", {"sex": "Nữ", "nid": "001090123456"}, "Số định danh cá nhân", "giới tính"),
    ("unknown group", {"group": "TDP99"}, "Mã tổ dân phố", "TDP99"),
    ("bad sex", {"sex": "X"}, "Giới tính (Nam/Nữ)", "Nam"),
    ("empty name", {"name": ""}, "Họ và tên", "trống"),
    ("bad phone", {"phone": "12345"}, "Số điện thoại", "không hợp lệ"),
    ("bad yes/no", {"has_smartphone": "có lẽ"}, "Có điện thoại thông minh (Có/Không)", "Có"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("case", "changes", "column", "words"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS]
)
def test_a_bad_row_imports_nothing_and_reports_row_and_column(ward, case, changes, column, words):
    before = (Resident.objects.count(), Household.objects.count())
    rows = family_rows()
    rows.insert(2, row(household="HK9003", relation="Chủ hộ", **changes))
    job = run(ward, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    assert (Resident.objects.count(), Household.objects.count()) == before
    errors = errors_of(job)
    assert (4, column) in [(r, c) for r, c, _m in errors], errors
    assert any(words in message for _r, _c, message in errors)


@pytest.mark.django_db(transaction=True)
def test_duplicate_national_ids_in_the_file(ward):
    rows = family_rows()
    duplicate = rows[0][[c.key for c in COLUMNS].index("national_id")]
    rows.append(row(household="HK9004", nid=duplicate))
    job = run(ward, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [(6, "Số định danh cá nhân", "Số định danh trùng với dòng 2.")]


@pytest.mark.django_db(transaction=True)
def test_two_heads_in_one_household(ward):
    rows = [*family_rows(), row(name="Hoàng Văn Tư", born="01/01/1991", relation="Chủ hộ")]
    job = run(ward, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    assert "đã có chủ hộ ở dòng 2" in errors_of(job)[0][2]


@pytest.mark.django_db(transaction=True)
def test_wrong_columns(ward):
    header = [h for h in HEADER if h != "Họ và tên"] + ["Cột lạ"]
    job = run(ward, xlsx([], header=header))
    assert job.status == ImportStatus.FAILED
    assert set(errors_of(job)) == {
        (1, "Cột lạ", "Cột không có trong mẫu nhập liệu."),
        (1, "Họ và tên", "Thiếu cột bắt buộc."),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"PK\x03\x04 this is not really a workbook", "hong.xlsx", "bị hỏng"),
        (xlsx([]), "trong.xlsx", "không có dòng dữ liệu"),
        ("Họ và tên\n".encode("utf-16"), "sai-ma.csv", "UTF-8"),
    ],
)
def test_unreadable_files_get_a_clear_message(ward, content, name, words):
    job = run(ward, content, name=name)
    assert job.status == ImportStatus.FAILED
    assert words in job.message


def test_empty_wrong_type_and_oversized_uploads_are_refused(ward, settings):
    official = ward.user(Role.COMMUNE_OFFICIAL)
    files_before = set(services.import_dir().iterdir())
    with pytest.raises(BusinessError, match="rỗng"):
        services.start_import(official, unit=ward.unit, file_name="a.xlsx", chunks=[])
    with pytest.raises(BusinessError, match=r"\.xlsx"):
        services.start_import(official, unit=ward.unit, file_name="a.pdf", chunks=[b"%PDF"])
    fifty_mb = (b"\0" * (1024 * 1024) for _ in range(50))
    with pytest.raises(BusinessError, match="quá lớn"):
        services.start_import(official, unit=ward.unit, file_name="to.xlsx", chunks=fifty_mb)
    assert set(services.import_dir().iterdir()) == files_before  # nothing left behind
    assert django_settings.XASO_MAX_UPLOAD_BYTES < 50 * 1024 * 1024


def test_only_register_keepers_may_import(ward, other_ward):
    with pytest.raises(NotAllowed):
        services.start_import(
            ward.user(Role.GROUP_LEADER), unit=ward.unit, file_name="a.xlsx", chunks=[b"x"]
        )
    with pytest.raises(NotAllowed):
        services.start_import(
            ward.user(Role.COMMUNE_OFFICIAL),
            unit=other_ward.unit,
            file_name="a.xlsx",
            chunks=[b"x"],
        )


@pytest.mark.django_db(transaction=True)
def test_template_round_trips_through_the_import(ward, client):
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    response = client.get("/dan-cu/nhap/mau.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header == HEADER
    assert sheet.max_row == 1 or all(c.value is None for c in sheet[2])  # no example data
    guide = load_workbook(io.BytesIO(response.content))["Hướng dẫn"]
    examples = {r[0]: r[2] for r in guide.iter_rows(min_row=2, values_only=True) if r[0]}
    assert examples["Họ và tên"] == "Nguyễn Văn An"
    # The empty template, uploaded as it is, is refused with a clear message.
    job = run(ward, response.content, name="mau.xlsx")
    assert job.status == ImportStatus.FAILED and "không có dòng dữ liệu" in job.message


@pytest.mark.django_db(transaction=True)
def test_import_keeps_the_name_index_in_step(ward):
    from tests.population.test_search import assert_index_matches_residents
    from xaso.population.selectors import search_residents

    rows = family_rows()
    run(ward, xlsx(rows))
    assert_index_matches_residents()
    rows[1][[c.key for c in COLUMNS].index("full_name")] = "Vũ Thị Mai Anh"
    job = run(ward, xlsx(rows))
    assert (job.residents_created, job.residents_updated) == (0, 1)
    assert_index_matches_residents()
    province = ward.user(Role.PROVINCE_OFFICIAL)
    assert [r.full_name for r in search_residents(province, "mai anh")[0:5]] == ["Vũ Thị Mai Anh"]


@pytest.mark.django_db(transaction=True)
def test_progress_moves_through_reading_checking_and_writing(ward, tmp_path):
    from xaso.population.models import ImportJob

    path = tmp_path / "nhan-khau.xlsx"
    path.write_bytes(xlsx(family_rows()))
    job = ImportJob.objects.create(unit=ward.unit, file_name=path.name, stored_path=str(path))
    seen = []
    services.run_import(job, progress=lambda j: seen.append((j.phase, j.percent)))
    phases = [phase for phase, _percent in seen]
    assert phases[0] == "Đang đọc tệp" and phases[-1] == "Hoàn tất"
    assert "Đang kiểm tra dữ liệu" in phases and "Đang ghi vào sổ dân cư" in phases
    writing = [percent for phase, percent in seen if phase == "Đang ghi vào sổ dân cư"]
    assert writing[-1] == 100 and seen[-1][1] == 100
    assert not path.exists()


@pytest.mark.django_db(transaction=True)
def test_cli_import_picks_up_the_file_read_before_django_started(ward, tmp_path, capsys):
    from django.core.management import call_command

    from xaso.population import workbook

    path = tmp_path / "nhan-khau.xlsx"
    path.write_bytes(xlsx(family_rows()))
    reader = workbook.start_reading(path)
    call_command("import", str(path), unit=ward.unit.code)
    assert "4 nhân khẩu mới" in capsys.readouterr().out
    assert workbook.reader_for(path) is not reader  # used once, then forgotten
    assert path.exists()  # the user's own file stays; only the stored copy is deleted


def test_reserved_ids_never_collide(ward):
    from django.db import transaction

    from xaso.core.bulk import reserve_ids

    with transaction.atomic():
        first = list(reserve_ids(Household, 3))
        second = list(reserve_ids(Household, 2))
        later = services.create_household(None, group=ward.groups[0], code="HK7777")
    assert len(set(first + second + [later.pk])) == 6
    assert min(first) > max(h.pk for h in ward.households)


@pytest.mark.django_db(transaction=True)
def test_bulk_rows_keep_awkward_text_and_nulls(ward):
    from django.db import transaction
    from django.utils import timezone

    from xaso.core import bulk

    streets = ["Ngõ\t5", "C:\\đường\\N", "\\N", "dòng\nmới", "", "Xuân La"]
    now = bulk.db_datetime(Household, timezone.now())
    with transaction.atomic():
        ids = bulk.reserve_ids(Household, len(streets))
        bulk.write_rows(
            Household,
            [
                "id",
                "unit_id",
                "group_id",
                "code",
                "address",
                "street",
                "latitude",
                "created_at",
                "updated_at",
            ],
            [
                (pk, ward.unit.id, ward.groups[0].id, f"B{pk}", "", street, None, now, now)
                for pk, street in zip(ids, streets, strict=True)
            ],
        )
    stored = dict(Household.objects.filter(pk__in=ids).values_list("street", "latitude"))
    assert list(stored) == streets and set(stored.values()) == {None}
