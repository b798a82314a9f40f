"""Importing dossiers exported from the province's system: every row checked first, row-level
Vietnamese errors and nothing written on any error; re-import is idempotent; the export's own
layout (title rows, other names for the columns, extra columns, another sheet first) is read;
the template and the error report; the ``xaso import-dossiers`` command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tests.publicservices.dossier_helpers import standard_procedures, vn
from xaso.core.choices import Role
from xaso.core.exceptions import NotAllowed
from xaso.core.models import AuditLog, Notification
from xaso.publicservices import dossier_workbooks, importing
from xaso.publicservices.models import Dossier, DossierMonth
from xaso.publicservices.services.dossier_import import import_dossiers

HEADER = [
    "Mã hồ sơ",
    "Thủ tục",
    "Ngày tiếp nhận",
    "Kênh nộp",
    "Hạn trả kết quả",
    "Ngày có kết quả",
    "Kết quả",
    "Đánh giá của người dân",
]
ROWS = [
    # on time, rated, Excel dates
    [
        "HS-001",
        "chung-thuc-ban-sao-tu-ban-chinh",
        dt.datetime(2025, 10, 1, 8, 30),
        "Trực tiếp",
        dt.datetime(2025, 10, 1, 17, 0),
        dt.datetime(2025, 10, 1, 9, 15),
        "Đã giải quyết",
        "Hài lòng",
    ],
    # by national code, text dates, online, late, no evaluation
    [
        "HS-002",
        "2.000815",
        "02/10/2025 20:05",
        "Trực tuyến",
        "03/10/2025 17:00",
        "06/10/2025 10:00",
        "Đã trả kết quả",
        "",
    ],
    # by exact name without diacritics, still being processed, no due: computed (7 days)
    ["HS-003", "dang ky thuong tru", "06/10/2025 09:00", "truc tiep", "", "", "", ""],
    # withdrawn, refused
    [
        "HS-004",
        "Chứng thực chữ ký",
        "2025-10-07 09:00",
        "Bưu chính",
        "07/10/2025",
        "07/10/2025 10:00",
        "Rút hồ sơ",
        "",
    ],
    [
        "HS-005",
        "dang-ky-khai-sinh",
        "08/10/2025 09:00",
        "Trực tuyến",
        "08/10/2025 17:00",
        "08/10/2025 11:00",
        "Từ chối",
        "Không hài lòng",
    ],
]


def xlsx(rows, header=HEADER, *, title_rows=(), sheets_before=(), name="Hồ sơ") -> io.BytesIO:
    workbook = Workbook()
    first = workbook.active
    for index, (sheet_name, content) in enumerate(sheets_before):
        sheet = first if index == 0 else workbook.create_sheet(sheet_name)
        sheet.title = sheet_name
        for row in content:
            sheet.append(row)
    sheet = workbook.create_sheet(name) if sheets_before else first
    sheet.title = name
    for row in title_rows:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "ho-so.xlsx"
    return buffer


def csv_file(rows, header=HEADER, *, delimiter=";") -> io.BytesIO:
    lines = [delimiter.join(header)]
    for row in rows:
        cells = [
            c.strftime("%d/%m/%Y %H:%M") if isinstance(c, dt.datetime) else str(c) for c in row
        ]
        lines.append(delimiter.join(cells))
    buffer = io.BytesIO(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    buffer.name = "ho-so.csv"
    return buffer


NOW = vn(2025, 11, 20, 9)


def run(ward, file, *, actor=None, now=NOW):
    actor = actor or ward.user(Role.COMMUNE_OFFICIAL)
    return import_dossiers(actor, unit=ward.unit, file=file, file_name=file.name, now=now)


@pytest.fixture
def procedures(ward):
    return standard_procedures()


def test_a_good_file_imports_every_row(ward, procedures):
    result = run(ward, xlsx(ROWS))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert result.message == "Đã nhập 5 hồ sơ: 5 mới, 0 cập nhật, 0 không đổi."
    d = {x.code: x for x in Dossier.objects.filter(unit=ward.unit)}
    assert d["HS-001"].received_at == vn(2025, 10, 1, 8, 30) and d["HS-001"].on_time
    assert d["HS-001"].satisfaction == "satisfied" and d["HS-001"].fee_vnd == 2000
    assert d["HS-002"].procedure == procedures["copy"] and d["HS-002"].channel == "truc-tuyen"
    assert d["HS-002"].online_level == "mot-phan"
    assert not d["HS-002"].on_time and d["HS-002"].apology_due
    assert d["HS-003"].procedure == procedures["residence"] and d["HS-003"].finished_at is None
    # Monday 6 October 9:00 + 7 working days = Wednesday 15 October 9:00; late by now (20/11).
    assert d["HS-003"].due_at == vn(2025, 10, 15, 9) and d["HS-003"].apology_due
    assert d["HS-004"].result == "withdrawn" and d["HS-004"].channel == "buu-chinh"
    assert d["HS-004"].due_at == vn(2025, 10, 7, 17)  # a date alone: the end of office hours
    assert not d["HS-004"].apology_due
    assert d["HS-005"].result == "refused" and d["HS-005"].satisfaction == "dissatisfied"
    assert all(x.source == "import" for x in d.values())
    assert DossierMonth.objects.filter(unit=ward.unit, month=dt.date(2025, 10, 1)).exists()
    log = AuditLog.objects.get(action="import")
    assert log.changes["created"] == 5 and log.unit_id == ward.unit.id
    # The commune's official is told about the two late dossiers, in one message.
    note = Notification.objects.get()
    assert note.title == "2 hồ sơ trễ hạn: cần gửi thư xin lỗi"


def test_importing_the_same_file_again_changes_nothing(ward, procedures):
    assert run(ward, xlsx(ROWS)).created == 5
    before = list(Dossier.objects.order_by("code").values())
    again = run(ward, xlsx(ROWS))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert list(Dossier.objects.order_by("code").values()) == before
    assert Notification.objects.count() == 1  # not told twice
    # And as CSV, the same content: still nothing.
    assert run(ward, csv_file(ROWS)).unchanged == 5


def test_a_changed_row_is_updated_and_the_rollup_follows(ward, procedures):
    run(ward, xlsx(ROWS))
    rows = [list(r) for r in ROWS]
    rows[2][5] = "16/10/2025 10:00"  # HS-003 finished (late)
    rows[2][6] = "Đã giải quyết"
    result = run(ward, xlsx(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    d = Dossier.objects.get(code="HS-003")
    assert d.finished_at == vn(2025, 10, 16, 10) and d.result == "approved"
    month = DossierMonth.objects.get(
        unit=ward.unit, month=dt.date(2025, 10, 1), procedure=procedures["residence"]
    )
    assert (month.finished, month.on_time) == (1, 0)


def test_what_the_platform_recorded_is_kept_when_the_file_says_nothing(ward, procedures):
    """An apology letter marked sent in the platform survives a re-import of a file that
    has no such column, and so does the official."""
    run(ward, xlsx(ROWS))
    Dossier.objects.filter(code="HS-002").update(apology_sent_at=vn(2025, 10, 7, 9))
    run(ward, xlsx(ROWS))
    assert Dossier.objects.get(code="HS-002").apology_sent_at == vn(2025, 10, 7, 9)


def test_optional_columns(ward, procedures):
    header = [
        *HEADER,
        "Mức độ trực tuyến",
        "Phí, lệ phí (đồng)",
        "Thanh toán trực tuyến",
        "Đã số hoá hồ sơ",
        "Kết quả điện tử",
        "Tái sử dụng dữ liệu số hoá",
        "Khai thác dữ liệu dân cư / VNeID",
        "Cán bộ xử lý",
        "Ngày gửi thư xin lỗi",
    ]
    official = ward.user(Role.COMMUNE_OFFICIAL)
    rows = [
        [*ROWS[0], "Một phần", "6.000 đ", "Có", "x", "Có", "Không", "Có", official.full_name, ""],
        [*ROWS[1], "", "", "không", "", "", "", "", "Người ngoài", "07/10/2025"],
    ]
    assert run(ward, xlsx(rows, header)).ok
    one, two = Dossier.objects.order_by("code")
    assert one.fee_vnd == 6000 and one.paid_online and one.digitized and one.e_result
    assert not one.reused_data and one.used_population_data
    assert one.official == official and one.official_name == official.full_name
    assert two.fee_vnd == 2000 and two.online_level == "mot-phan"  # blank: the catalogue's
    assert two.official is None and two.official_name == "Người ngoài"
    assert two.apology_due and two.apology_sent_at == vn(2025, 10, 7)
    assert not Notification.objects.exists()  # its letter was already sent


def test_an_export_with_a_title_other_names_and_extra_columns(ward, procedures):
    header = [
        "STT",
        "Số hồ sơ",
        "Tên thủ tục hành chính",
        "Họ tên người nộp",  # personal data: ignored, never stored
        "Thời gian tiếp nhận",
        "Hình thức nộp",
        "Ngày hẹn trả",
        "Ngày hoàn thành",
        "Trạng thái",
        "Mức độ hài lòng",
    ]
    rows = [[1, r[0], r[1], "Nguyễn Văn An", *r[2:]] for r in ROWS[:2]]
    file = xlsx(
        rows,
        header,
        title_rows=[["BÁO CÁO HỒ SƠ THÁNG 10/2025"], ["Phường Xuân Đỉnh"], []],
        sheets_before=[("Tổng hợp", [["Tổng số hồ sơ", 2]])],
        name="Chi tiết",
    )
    result = run(ward, file)
    assert result.ok, result.errors
    assert result.created == 2 and result.sheet == "Chi tiết"
    assert "Họ tên người nộp" in result.ignored_columns and "STT" in result.ignored_columns


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_written(ward, procedures):
    rows = [
        ROWS[0],
        ["HS-010", "thu-tuc-khong-co", "01/10/2025 08:00", "Trực tiếp", "", "", "", ""],
        [
            "HS-011",
            "chung-thuc-chu-ky",
            "05/10/2025 08:00",
            "Trực tiếp",
            "",
            "04/10/2025 08:00",
            "Đã giải quyết",
            "",
        ],
        ["HS-012", "chung-thuc-chu-ky", "31/02/2025 08:00", "Trực tiếp", "", "", "", ""],
        ["HS-013", "chung-thuc-chu-ky", "hôm qua", "Trực tiếp", "", "", "", ""],
        ["HS-001", "chung-thuc-chu-ky", "01/10/2025 08:00", "Trực tiếp", "", "", "", ""],
        ["HS-014", "chung-thuc-chu-ky", "01/10/2025 08:00", "Fax", "", "", "", ""],
        ["HS-015", "chung-thuc-chu-ky", "01/10/2025 08:00", "Trực tiếp", "", "", "Xong", ""],
        ["HS-016", "chung-thuc-chu-ky", "01/10/2025 08:00", "Trực tiếp", "", "", "Từ chối", ""],
        ["HS-017", "chung-thuc-chu-ky", "01/10/2025 08:00", "Trực tiếp", "", "", "", "Hài lòng"],
        ["", "chung-thuc-chu-ky", "01/10/2025 08:00", "Trực tiếp", "", "", "", ""],
        ["HS-018", "chung-thuc-chu-ky", "01/10/2025 08:00", "Trực tiếp", "30/09/2025", "", "", ""],
        ["HS-019", "chung-thuc-chu-ky", "01/10/2026 08:00", "Trực tiếp", "", "", "", ""],
        ["HS-020", "chung-thuc-chu-ky", "01/10/1999 08:00", "Trực tiếp", "", "", "", ""],
    ]
    result = run(ward, xlsx(rows))
    assert not result.ok
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert errors == {
        (3, "Thủ tục"): "Không có thủ tục “thu-tuc-khong-co” trong danh mục (ghi mã thủ tục, "
        "mã trên CSDL quốc gia hoặc đúng tên thủ tục).",
        (4, "Ngày có kết quả"): "Ngày có kết quả trước ngày tiếp nhận.",
        (5, "Ngày tiếp nhận"): "“31/02/2025 08:00” không phải ngày giờ hợp lệ (dd/mm/yyyy hh:mm).",
        (6, "Ngày tiếp nhận"): "“hôm qua” không phải ngày giờ hợp lệ (dd/mm/yyyy hh:mm).",
        (7, "Mã hồ sơ"): "Mã hồ sơ “HS-001” trùng với dòng 2.",
        (8, "Kênh nộp"): "“Fax”: kênh nộp phải là Trực tiếp, Trực tuyến hoặc Bưu chính.",
        (9, "Kết quả"): "“Xong”: kết quả phải là Đã giải quyết, Từ chối, Rút hồ sơ hoặc Đang "
        "giải quyết.",
        (10, "Ngày có kết quả"): "Hồ sơ đã có kết quả nhưng thiếu ngày có kết quả.",
        (11, "Đánh giá của người dân"): "Chỉ hồ sơ đã có kết quả mới có đánh giá.",
        (12, "Mã hồ sơ"): "Không được để trống.",
        (13, "Hạn trả kết quả"): "Hạn trả kết quả trước ngày tiếp nhận.",
        (14, "Ngày tiếp nhận"): "Ngày tiếp nhận ở tương lai.",
        (15, "Ngày tiếp nhận"): "Năm 1999 không hợp lệ (trước năm 2000).",
    }
    assert result.message == "Không nhập hồ sơ nào: tệp có 13 lỗi."
    assert not Dossier.objects.exists() and not DossierMonth.objects.exists()
    assert not AuditLog.objects.filter(action="import").exists()


def test_a_file_without_the_dossier_table(ward, procedures):
    residents = xlsx([["HK1", "TDP01", "Nguyễn Văn An"]], ["Mã hộ", "Mã tổ dân phố", "Họ và tên"])
    result = run(ward, residents)
    assert [(e.row, e.column) for e in result.errors] == [(1, "")]
    assert "Không tìm thấy bảng hồ sơ" in result.errors[0].message
    assert "“Hồ sơ”" in result.errors[0].message
    missing = xlsx([r[:4] for r in ROWS], HEADER[:4])
    error = run(ward, missing).errors[0]
    assert error.row == 1
    assert error.message == (
        "Trang tính “Hồ sơ” thiếu cột bắt buộc: Hạn trả kết quả, Ngày có kết quả, Kết quả, "
        "Đánh giá của người dân."
    )
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "a.xlsx", "Tệp rỗng."),
        (b"not a workbook", "a.xlsx", "Tệp bị hỏng"),
        (b"x", "a.pdf", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."),
        ("Mã hồ sơ;Thủ tục".encode("utf-16"), "a.csv", "UTF-8"),
    ],
)
def test_unreadable_files(ward, procedures, content, name, message):
    file = io.BytesIO(content)
    file.name = name
    result = run(ward, file)
    assert len(result.errors) == 1 and message in result.errors[0].message


def test_a_header_without_rows(ward, procedures):
    result = run(ward, xlsx([]))
    assert "không có hồ sơ nào" in result.errors[0].message


def test_a_csv_with_commas(ward, procedures):
    rows = [[c.replace(",", " ") if isinstance(c, str) else c for c in r] for r in ROWS]
    assert run(ward, csv_file(rows, delimiter=",")).created == 5


def test_only_the_communes_officials_import(ward, other_ward, procedures):
    for user in (ward.user(Role.GROUP_LEADER), ward.user(Role.DEPARTMENT_STAFF)):
        with pytest.raises(NotAllowed):
            run(ward, xlsx(ROWS), actor=user)
    with pytest.raises(NotAllowed):
        run(ward, xlsx(ROWS), actor=other_ward.user(Role.COMMUNE_OFFICIAL))
    assert run(ward, xlsx(ROWS), actor=ward.user(Role.COMMUNE_LEADER)).created == 5


def test_the_same_codes_in_two_communes_are_two_dossiers(ward, other_ward, procedures):
    run(ward, xlsx(ROWS))
    result = import_dossiers(
        other_ward.user(Role.COMMUNE_OFFICIAL), unit=other_ward.unit, file=xlsx(ROWS), now=NOW
    )
    assert result.created == 5 and Dossier.objects.count() == 10


def test_the_template_imports_once_filled_in(ward, procedures):
    data = dossier_workbooks.template([("dang-ky-khai-sinh", "", "Đăng ký khai sinh", "Hộ tịch")])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Hồ sơ", "Danh mục thủ tục", "Hướng dẫn"]
    sheet = workbook["Hồ sơ"]
    assert [c.value for c in sheet[1]] == [c.label for c in importing.COLUMNS]
    sheet.append(["T-1", "dang-ky-khai-sinh", "01/10/2025 09:00", "Trực tiếp"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "mau.xlsx"
    result = run(ward, buffer)
    assert result.ok, result.errors
    assert Dossier.objects.get().code == "T-1"


def test_the_error_report(ward, procedures):
    rows = [["HS-1", "khong-co", "01/10/2025 08:00", "Trực tiếp", "", "", "", ""]]
    result = run(ward, xlsx(rows))
    report = load_workbook(io.BytesIO(dossier_workbooks.error_report(result.errors, more=3)))
    values = [[c.value for c in row] for row in report["Lỗi"].iter_rows()]
    assert values[0] == ["Dòng", "Cột", "Lỗi"]
    assert values[1][:2] == [2, "Thủ tục"]
    assert "3 lỗi khác" in values[-1][2]


def test_errors_stop_being_listed_after_a_limit(ward, procedures, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ERRORS", 2)
    rows = [
        [f"E{n}", "khong-co", "01/10/2025 08:00", "Trực tiếp", "", "", "", ""] for n in range(5)
    ]
    result = run(ward, xlsx(rows))
    assert len(result.errors) == 2 and result.more_errors == 3
    assert result.message == "Không nhập hồ sơ nào: tệp có 5 lỗi."


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01/10/2025 08:30", vn(2025, 10, 1, 8, 30)),
        ("1/10/2025 8:30", vn(2025, 10, 1, 8, 30)),
        ("01-10-2025 08:30:15", vn(2025, 10, 1, 8, 30, 15)),
        ("01.10.2025", vn(2025, 10, 1)),
        ("2025-10-01 08:30", vn(2025, 10, 1, 8, 30)),
        ("2025-10-01T08:30:00", vn(2025, 10, 1, 8, 30)),
        ("08:30 01/10/2025", vn(2025, 10, 1, 8, 30)),
        ("8h30 01/10/2025", vn(2025, 10, 1, 8, 30)),
        (dt.datetime(2025, 10, 1, 8, 30), vn(2025, 10, 1, 8, 30)),
        (dt.date(2025, 10, 1), vn(2025, 10, 1)),
        ("", None),
        (None, None),
    ],
)
def test_moments_in_vietnam_time(text, expected):
    assert importing.parse_moment(text) == expected


@pytest.mark.parametrize("text", ["32/10/2025", "hôm qua", "2025/10/01", 45000.5, "10/2025"])
def test_not_moments(text):
    with pytest.raises(ValueError):
        importing.parse_moment(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20000", 20000),
        ("20.000", 20000),
        ("20,000 đ", 20000),
        ("Miễn phí", 0),
        ("", None),
        (15000, 15000),
    ],
)
def test_fees(text, expected):
    assert importing._fee(text) == expected


def test_the_command(ward, procedures, tmp_path, capsys):
    path = tmp_path / "ho-so.xlsx"
    path.write_bytes(xlsx(ROWS).getvalue())
    call_command("import-dossiers", str(path), unit="00611")
    out = capsys.readouterr()
    assert "Đã nhập 5 hồ sơ: 5 mới" in out.out
    assert Dossier.objects.count() == 5
    call_command(
        "import-dossiers", str(path), unit="00611", user=ward.user(Role.COMMUNE_OFFICIAL).username
    )
    assert "0 mới, 0 cập nhật, 5 không đổi" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã hồ sơ;Thủ tục\nA;B\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Không nhập hồ sơ nào"):
        call_command("import-dossiers", str(bad), unit="00611")
    assert "thiếu cột bắt buộc" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Không có xã/phường"):
        call_command("import-dossiers", str(path), unit="99999")
    with pytest.raises(CommandError, match="Không thấy tệp"):
        call_command("import-dossiers", str(tmp_path / "none.xlsx"), unit="00611")
