"""Catalogue writes: loading the shipped files (idempotent, versioned), an official's edit and
upload (validated with the catalogue's rules, Vietnamese messages, all or nothing), who may
write, the demo seeder and the ``xaso catalogue`` command — and the edit form's lines, which
must give back exactly the procedure they were made from."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.publicservices.catalogue_helpers import (
    copy_catalogue,
    field_yaml,
    load_shipped,
    procedure,
    shipped,
)
from xaso.core.choices import AuditAction, Role
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.models import AuditLog
from xaso.core.registry import seeders
from xaso.core.services import create_user
from xaso.publicservices.catalogue import load_catalogue
from xaso.publicservices.forms_catalogue import ProcedureForm, parse_document
from xaso.publicservices.models import Procedure, ProcedureVersion
from xaso.publicservices.services.catalogue import (
    CatalogueInvalid,
    ProcedureInvalid,
    edit_procedure,
    import_catalogue,
    seed_catalogue,
    sync_catalogue,
)
from xaso.publicservices.validation import procedure_problems

SHIPPED_COUNT = len(load_catalogue())


# --- loading the shipped catalogue ------------------------------------------------------------


def test_sync_loads_every_procedure_and_a_second_sync_changes_nothing(db):
    assert load_shipped() == {"created": SHIPPED_COUNT, "updated": 0, "unchanged": 0}
    assert Procedure.objects.count() == SHIPPED_COUNT
    assert ProcedureVersion.objects.count() == SHIPPED_COUNT
    audits = AuditLog.objects.count()

    assert load_shipped() == {"created": 0, "updated": 0, "unchanged": SHIPPED_COUNT}
    assert ProcedureVersion.objects.count() == SHIPPED_COUNT  # no new version
    assert set(Procedure.objects.values_list("version", flat=True)) == {1}
    assert AuditLog.objects.count() == audits


def test_sync_fills_the_columns_lists_and_search_need(db):
    load_shipped()
    birth = procedure("dang-ky-khai-sinh")
    assert birth.name == "Đăng ký khai sinh" and birth.field_code == "ho-tich"
    assert birth.online_level == "toan-trinh"
    assert (birth.time_limit_value, birth.time_limit_unit) == (1, "ngay-lam-viec")
    assert birth.fee_vnd == 0 and birth.effective_date.isoformat() == birth.data["effective_date"]
    assert birth.search_text.startswith("dang ky khai sinh ")
    assert "giay khai sinh" in birth.search_text  # a keyword, folded
    version = birth.versions.get()
    assert version.version == 1 and version.changed_by is None and "name" in version.changed_fields


def test_sync_of_changed_files_versions_only_what_changed(db, tmp_path):
    load_shipped()
    directory = copy_catalogue(tmp_path / "catalogue")
    file = directory / "ho-tich.yaml"
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    document["procedures"][0]["time_limit"]["note"] = "Ghi chú mới về thời hạn."
    file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    counts = sync_catalogue(None, path=directory, note="Theo văn bản mới")
    assert counts == {"created": 0, "updated": 1, "unchanged": SHIPPED_COUNT - 1}
    birth = procedure("dang-ky-khai-sinh")
    assert birth.version == 2
    newest = birth.versions.order_by("-version").first()
    assert newest.changed_fields == ["time_limit"] and newest.note == "Theo văn bản mới"
    assert (
        birth.versions.get(version=1).data["time_limit"].get("note") != "Ghi chú mới về thời hạn."
    )


def test_an_invalid_catalogue_writes_nothing_and_says_why_in_vietnamese(db, tmp_path):
    directory = copy_catalogue(tmp_path / "catalogue")
    file = directory / "cu-tru.yaml"
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    del document["procedures"][0]["fee"]
    document["procedures"][1]["online_level"] = "khong"
    file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CatalogueInvalid) as caught:
        sync_catalogue(None, path=directory)
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("cu-tru.yaml: thủ tục '")
    assert "Phí, lệ phí: chưa có" in problems[0]
    assert "thủ tục không trực tuyến thì không nhận hồ sơ qua kênh «Trực tuyến»" in problems[1]
    assert "required property" not in str(caught.value)
    assert Procedure.objects.count() == 0


def test_the_demo_seeder_loads_the_catalogue_first(db):
    assert seeders["05-procedures"] is seed_catalogue
    assert min(seeders) == "05-procedures"  # before the dossiers that refer to procedures
    said = []
    assert seed_catalogue(world=None, seed=1, say=said.append)["created"] == SHIPPED_COUNT
    assert seed_catalogue(world=None, seed=1, say=said.append)["unchanged"] == SHIPPED_COUNT
    assert "thủ tục hành chính" in said[0]


# --- an official's edit -----------------------------------------------------------------------


def test_an_official_edit_keeps_the_old_version(ward):
    load_shipped()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    birth = procedure("dang-ky-khai-sinh")
    data = shipped("dang-ky-khai-sinh")
    data["fee"]["text"] = "Miễn lệ phí khi đăng ký trong thời hạn 60 ngày"
    data["effective_date"] = "2026-01-01"

    saved, changed = edit_procedure(official, procedure=birth, data=data, note="Sửa câu chữ")
    assert changed and saved.version == 2
    assert saved.fee_text.startswith("Miễn lệ phí khi đăng ký trong")
    assert saved.effective_date.isoformat() == "2026-01-01"
    newest = saved.versions.get(version=2)
    assert newest.changed_by == official and newest.note == "Sửa câu chữ"
    assert newest.changed_fields == ["effective_date", "fee"]
    assert newest.effective_date.isoformat() == "2026-01-01"
    assert saved.versions.get(version=1).data["fee"]["text"].startswith("Miễn lệ phí khi đăng ký")
    audit = AuditLog.objects.filter(object_id=str(saved.pk), action=AuditAction.UPDATE).get()
    assert audit.actor == official and audit.changes["version"] == 2


def test_an_edit_that_changes_nothing_keeps_no_version(ward):
    load_shipped()
    birth = procedure("dang-ky-khai-sinh")
    data = shipped("dang-ky-khai-sinh")
    _saved, changed = edit_procedure(
        ward.user(Role.COMMUNE_LEADER), procedure=birth, data=data, note="Xem lại"
    )
    assert not changed and birth.versions.count() == 1


def test_deactivating_is_a_version_too(ward):
    load_shipped()
    birth = procedure("dang-ky-khai-sinh")
    saved, changed = edit_procedure(
        ward.user(Role.COMMUNE_OFFICIAL),
        procedure=birth,
        data=shipped("dang-ky-khai-sinh"),
        note="Bãi bỏ",
        active=False,
    )
    assert changed and not saved.active and saved.version == 2
    assert saved.versions.get(version=2).changed_fields == ["active"]


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (lambda d: d.update(documents=[]), "documents", "Thành phần hồ sơ: không được để trống"),
        (
            lambda d: d["documents"][0].update(quantity=0),
            "documents",
            "Thành phần hồ sơ, mục 1, số lượng: không được nhỏ hơn 1",
        ),
        (
            lambda d: d.update(channels=["truc-tiep"]),
            "online_level",
            "trực tuyến toàn trình thì phải nhận hồ sơ trực tuyến",
        ),
        (lambda d: d.update(steps=["Một bước"]), "steps", "Trình tự thực hiện: cần ít nhất 2 mục"),
        (
            lambda d: d.update(fee={"amount_vnd": 0, "text": "Theo quy định"}),
            "fee",
            "mức thu là 0 thì nội dung phải nói rõ «miễn» hoặc «không thu»",
        ),
        (
            lambda d: d.update(effective_date="2025-02-30"),
            "effective_date",
            "Ngày áp dụng: ngày áp dụng '2025-02-30' không phải ngày hợp lệ",
        ),
        (
            lambda d: d.update(national_code="12345"),
            "national_code",
            "«12345» không đúng định dạng",
        ),
        (lambda d: d.pop("purpose"), "purpose", "Thủ tục để làm gì: chưa có"),
        (
            lambda d: d["documents"].append(
                {
                    "name": "Giấy tờ khác",
                    "original_or_copy": "ban-sao",
                    "quantity": 1,
                    "required": False,
                }
            ),
            "documents",
            "Thành phần hồ sơ, mục 8, trường hợp cần: chưa có",
        ),
    ],
)
def test_an_invalid_edit_is_refused_in_vietnamese_and_saves_nothing(ward, change, key, message):
    load_shipped()
    birth = procedure("dang-ky-khai-sinh")
    data = shipped("dang-ky-khai-sinh")
    change(data)
    with pytest.raises(ProcedureInvalid) as caught:
        edit_procedure(ward.user(Role.COMMUNE_OFFICIAL), procedure=birth, data=data, note="Sửa")
    [problem] = caught.value.problems
    assert problem.key == key
    assert message in problem.message
    birth.refresh_from_db()
    assert birth.version == 1 and birth.versions.count() == 1


def test_an_edit_needs_a_note_and_keeps_the_code_and_field(ward):
    load_shipped()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    birth = procedure("dang-ky-khai-sinh")
    with pytest.raises(BusinessError, match="nội dung thay đổi"):
        edit_procedure(official, procedure=birth, data=shipped("dang-ky-khai-sinh"), note="  ")
    renamed = {**shipped("dang-ky-khai-sinh"), "code": "khai-sinh-moi"}
    with pytest.raises(BusinessError, match="đổi mã"):
        edit_procedure(official, procedure=birth, data=renamed, note="Đổi mã")
    moved = {**shipped("dang-ky-khai-sinh"), "field": "Cư trú", "field_code": "cu-tru"}
    with pytest.raises(BusinessError, match="Lĩnh vực"):
        edit_procedure(official, procedure=birth, data=moved, note="Đổi lĩnh vực")
    assert birth.versions.count() == 1


@pytest.mark.parametrize(
    "role",
    [Role.DEPARTMENT_STAFF, Role.GROUP_LEADER, Role.PROVINCE_OFFICIAL, Role.COMMUNITY_TECH],
)
def test_only_commune_leaders_officials_and_platform_admins_write(ward, role):
    load_shipped()
    birth = procedure("dang-ky-khai-sinh")
    data = shipped("dang-ky-khai-sinh")
    data["result"] = "Giấy khai sinh."
    with pytest.raises(NotAllowed):
        edit_procedure(ward.user(role), procedure=birth, data=data, note="Sửa")
    with pytest.raises(NotAllowed):
        import_catalogue(ward.user(role), files=[("ho-tich.yaml", b"")])
    with pytest.raises(NotAllowed):
        sync_catalogue(ward.user(role))
    assert birth.versions.count() == 1


def test_a_platform_admin_may_edit(db, units):
    load_shipped()
    admin = create_user(
        None, username="quan-tri", password="x", role=Role.PLATFORM_ADMIN, unit=None
    )
    data = shipped("dang-ky-khai-sinh")
    data["result"] = "Giấy khai sinh."
    saved, changed = edit_procedure(
        admin, procedure=procedure("dang-ky-khai-sinh"), data=data, note="Sửa"
    )
    assert changed and saved.version == 2


# --- an official's upload ---------------------------------------------------------------------


def test_an_upload_creates_updates_and_counts(ward):
    load_shipped()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    birth = shipped("dang-ky-khai-sinh")
    birth["result"] = "Giấy khai sinh (bản chính)."
    death = shipped("dang-ky-khai-tu")
    new = {**shipped("dang-ky-khai-tu"), "code": "thu-tuc-moi", "name": "Thủ tục mới"}
    content = field_yaml([birth, death, new]).encode()

    counts = import_catalogue(official, files=[("ho-tich.yaml", content)], note="Quyết định mới")
    assert counts == {"created": 1, "updated": 1, "unchanged": 1}
    assert procedure("dang-ky-khai-sinh").version == 2
    assert procedure("thu-tuc-moi").versions.get().note == "Quyết định mới"
    assert Procedure.objects.count() == SHIPPED_COUNT + 1  # the rest left as they were
    log = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert log.actor == official and log.changes["created"] == 1


def test_an_upload_is_all_or_nothing(ward):
    load_shipped()
    good = shipped("dang-ky-khai-sinh")
    good["result"] = "Giấy khai sinh (bản chính)."
    bad = shipped("dang-ky-thuong-tru")
    bad["time_limit"] = {"value": 0, "unit": "ngay"}
    files = [
        ("ho-tich.yaml", field_yaml([good]).encode()),
        ("cu-tru.yaml", field_yaml([bad], code="cu-tru", name="Cư trú").encode()),
    ]
    with pytest.raises(CatalogueInvalid) as caught:
        import_catalogue(ward.user(Role.COMMUNE_OFFICIAL), files=files)
    assert caught.value.problems == [
        "cu-tru.yaml: thủ tục 'dang-ky-thuong-tru': Thời hạn giải quyết, số: phải lớn hơn 0"
    ]
    assert procedure("dang-ky-khai-sinh").version == 1
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("danh-muc.xlsx", b"PK\x03\x04", "cần tệp .yaml"),
        ("ho-tich.yaml", "Hộ tịch".encode("utf-16"), "không phải văn bản UTF-8"),
        ("ho-tich.yaml", b"field: [\n", "không đọc được YAML"),
        ("ho-tich.yaml", b"a: &x [1]\nb: *x\n", "không dùng tham chiếu YAML"),
        ("ho-tich.yaml", b"- 1\n- 2\n", "đúng hai khóa 'field' và 'procedures'"),
    ],
)
def test_an_upload_that_is_not_a_catalogue_file(ward, name, content, expected):
    with pytest.raises(CatalogueInvalid) as caught:
        import_catalogue(ward.user(Role.COMMUNE_OFFICIAL), files=[(name, content)])
    assert expected in caught.value.problems[0]
    assert Procedure.objects.count() == 0


def test_an_upload_needs_a_file_and_one_file_per_field(ward):
    official = ward.user(Role.COMMUNE_OFFICIAL)
    with pytest.raises(BusinessError, match="Hãy chọn tệp"):
        import_catalogue(official, files=[])
    content = field_yaml([shipped("dang-ky-khai-sinh")]).encode()
    with pytest.raises(CatalogueInvalid, match="có trong hai tệp"):
        import_catalogue(official, files=[("a.yaml", content), ("b.yaml", content)])


def test_a_renamed_download_is_read_under_its_field_code(ward):
    """Browsers save a second download of ho-tich.yaml as "ho-tich (1).yaml"."""
    content = field_yaml([shipped("dang-ky-khai-sinh")]).encode()
    counts = import_catalogue(
        ward.user(Role.COMMUNE_OFFICIAL), files=[("ho-tich (1).yaml", content)]
    )
    assert counts["created"] == 1


def test_a_duplicate_code_in_an_upload(ward):
    birth = shipped("dang-ky-khai-sinh")
    with pytest.raises(CatalogueInvalid) as caught:
        import_catalogue(
            ward.user(Role.COMMUNE_OFFICIAL),
            files=[("ho-tich.yaml", field_yaml([birth, shipped(birth["code"])]).encode())],
        )
    assert "mã bị trùng" in caught.value.problems[0]


# --- the checks -------------------------------------------------------------------------------


def test_every_shipped_procedure_passes_the_edit_checks():
    for entry in load_catalogue():
        assert procedure_problems(entry) == [], entry["code"]


def _as_post(initial: dict) -> dict:
    post = {"change_note": "Kiểm tra"}
    for key, value in initial.items():
        if value is None or value is False:
            continue
        post[key] = "on" if value is True else (value if isinstance(value, list) else str(value))
    return post


def test_the_edit_form_gives_back_every_shipped_procedure_unchanged():
    for entry in load_catalogue():
        form = ProcedureForm(data=_as_post(ProcedureForm.initial_for(entry)))
        assert form.is_valid(), (entry["code"], form.errors)
        assert form.merged(entry) == entry, entry["code"]


def test_document_lines():
    assert parse_document("Tờ khai | bản chính | 2 | mẫu: Mẫu TK01", 1) == {
        "name": "Tờ khai",
        "original_or_copy": "ban-chinh",
        "quantity": 2,
        "form": "Mẫu TK01",
    }
    assert parse_document("Giấy uỷ quyền | ban sao | khi: Người khác nộp thay | ghi chú: x", 2) == {
        "name": "Giấy uỷ quyền",
        "original_or_copy": "ban-sao",
        "quantity": 1,
        "required": False,
        "condition": "Người khác nộp thay",
        "note": "x",
    }
    assert parse_document("Căn cước | XUẤT TRÌNH | 1 bản", 3)["original_or_copy"] == "xuat-trinh"
    with pytest.raises(Exception, match="Dòng 4: ghi rõ bản chính"):
        parse_document("Tờ khai | 1", 4)
    with pytest.raises(Exception, match="Dòng 5: không hiểu «bản photo»"):
        parse_document("Tờ khai | bản photo", 5)


# --- the command ------------------------------------------------------------------------------


def test_catalogue_check_and_sync_commands(db, tmp_path):
    out = io.StringIO()
    call_command("catalogue", "check", stdout=out)
    assert f"Danh mục hợp lệ: {SHIPPED_COUNT} thủ tục" in out.getvalue()

    call_command("catalogue", "sync", stdout=out)
    assert f"{SHIPPED_COUNT} thủ tục mới" in out.getvalue()
    call_command("catalogue", "sync", stdout=out)
    assert f"{SHIPPED_COUNT} giữ nguyên" in out.getvalue()

    bad = tmp_path / "ho-tich.yaml"
    entry = shipped("dang-ky-khai-sinh")
    entry["steps"] = []
    bad.write_text(field_yaml([entry]), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("catalogue", "check", str(bad), stderr=errors)
    assert "Trình tự thực hiện: không được để trống" in errors.getvalue() or (
        "Trình tự thực hiện: cần ít nhất 2 mục" in errors.getvalue()
    )
    with pytest.raises(CommandError, match="chưa nạp gì"):
        call_command("catalogue", "sync", str(bad), stderr=errors)
    with pytest.raises(CommandError, match="Không thấy"):
        call_command("catalogue", "check", str(tmp_path / "khong-co"))
