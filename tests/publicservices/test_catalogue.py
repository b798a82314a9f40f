"""The procedure catalogue: the shipped YAML validates, covers what a commune handles, keeps the
statutory time limits, can be found by folded search — and the loader names the file and the
procedure of every problem it finds."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from xaso.core.text import fold, fold_words
from xaso.publicservices.catalogue import (
    PROCEDURES_DIR,
    SCHEMA_PATH,
    CatalogueError,
    load_catalogue,
)

FIELDS = {
    "ho-tich",
    "nuoi-con-nuoi",
    "chung-thuc",
    "cu-tru",
    "bao-tro-xa-hoi",
    "giam-ngheo",
    "nghia-vu-quan-su",
    "ho-kinh-doanh",
    "xay-dung",
    "dat-dai",
    "khieu-nai-to-cao",
}

# What a commune or ward must be able to show a citizen (the issue's list).
REQUIRED_CODES = {
    "dang-ky-khai-sinh",
    "dang-ky-lai-khai-sinh",
    "lien-thong-khai-sinh-thuong-tru-bhyt",
    "dang-ky-khai-tu",
    "dang-ky-lai-khai-tu",
    "dang-ky-ket-hon",
    "dang-ky-lai-ket-hon",
    "cap-giay-xac-nhan-tinh-trang-hon-nhan",
    "dang-ky-nhan-cha-me-con",
    "dang-ky-giam-ho",
    "dang-ky-cham-dut-giam-ho",
    "thay-doi-cai-chinh-ho-tich-xac-dinh-lai-dan-toc",
    "bo-sung-thong-tin-ho-tich",
    "cap-ban-sao-trich-luc-ho-tich",
    "dang-ky-nuoi-con-nuoi-trong-nuoc",
    "chung-thuc-ban-sao-tu-ban-chinh",
    "chung-thuc-chu-ky",
    "chung-thuc-hop-dong-giao-dich",
    "chung-thuc-di-chuc",
    "chung-thuc-van-ban-tu-choi-nhan-di-san",
    "chung-thuc-van-ban-thoa-thuan-phan-chia-di-san",
    "dang-ky-thuong-tru",
    "xoa-dang-ky-thuong-tru",
    "tach-ho",
    "dang-ky-tam-tru",
    "gia-han-tam-tru",
    "khai-bao-tam-vang",
    "xac-nhan-thong-tin-ve-cu-tru",
    "dang-ky-nghia-vu-quan-su-lan-dau",
    "tro-cap-xa-hoi-hang-thang",
    "dieu-chinh-thoi-huong-tro-cap-xa-hoi-hang-thang",
    "xac-dinh-muc-do-khuyet-tat",
    "ho-tro-chi-phi-mai-tang",
    "cong-nhan-ho-ngheo-ho-can-ngheo",
    "cong-nhan-ho-thoat-ngheo-thoat-can-ngheo",
    "dang-ky-thanh-lap-ho-kinh-doanh",
    "dang-ky-thay-doi-noi-dung-ho-kinh-doanh",
    "tam-ngung-tiep-tuc-kinh-doanh-ho-kinh-doanh",
    "cap-giay-phep-xay-dung-nha-o-rieng-le",
    "cap-giay-phep-sua-chua-cai-tao-nha-o-rieng-le",
    "gia-han-giay-phep-xay-dung",
    "dang-ky-cap-giay-chung-nhan-lan-dau",
    "hoa-giai-tranh-chap-dat-dai",
    "giai-quyet-khieu-nai-lan-dau",
    "giai-quyet-to-cao",
    "tiep-cong-dan",
}


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return load_catalogue()


@pytest.fixture(scope="module")
def by_code(catalogue) -> dict[str, dict]:
    return {procedure["code"]: procedure for procedure in catalogue}


def search(catalogue: list[dict], query: str) -> set[str]:
    """Codes whose name or keywords hold every folded word of the query (what the assistant's
    first pass does: "dang ky khai sinh" finds "Đăng ký khai sinh")."""
    words = fold_words(query)
    found = set()
    for procedure in catalogue:
        haystack = fold(" ".join([procedure["name"], *procedure["keywords"]]))
        if all(word in haystack for word in words):
            found.add(procedure["code"])
    return found


# --- the shipped catalogue -------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_catalogue_validates_one_file_per_field(catalogue):
    assert {path.stem for path in PROCEDURES_DIR.glob("*.yaml")} == FIELDS
    assert {procedure["field_code"] for procedure in catalogue} == FIELDS
    assert all(procedure["level"] == "xa" for procedure in catalogue)


def test_codes_are_unique(catalogue):
    codes = [procedure["code"] for procedure in catalogue]
    assert len(codes) == len(set(codes))


def test_covers_the_commune_procedures_of_the_issue(by_code):
    assert REQUIRED_CODES - set(by_code) == set()


def test_every_procedure_has_documents_a_time_limit_and_a_fee(catalogue):
    for procedure in catalogue:
        code = procedure["code"]
        documents = procedure["documents"]
        assert any(document.get("required", True) for document in documents), code
        for document in documents:
            assert document["original_or_copy"] in {
                "ban-chinh",
                "ban-sao",
                "ban-chinh-hoac-ban-sao",
                "xuat-trinh",
            }, code
            assert document["quantity"] >= 1, code
        assert procedure["time_limit"]["value"] > 0, code
        fee = procedure["fee"]
        assert fee["text"].strip(), code
        assert fee["amount_vnd"] is None or fee["amount_vnd"] >= 0, code
        assert len(procedure["steps"]) >= 2, code
        assert procedure["legal_basis"], code


def test_effective_dates_are_iso_text(catalogue):
    # The YAML files write dates unquoted; YAML would hand back datetime.date objects.
    assert all(isinstance(procedure["effective_date"], str) for procedure in catalogue)


@pytest.mark.parametrize(
    ("code", "value", "unit", "extended"),
    [
        ("dang-ky-khai-sinh", 1, "ngay-lam-viec", None),
        ("dang-ky-ket-hon", 1, "ngay-lam-viec", 5),
        ("dang-ky-nhan-cha-me-con", 3, "ngay-lam-viec", 8),
        ("cap-giay-xac-nhan-tinh-trang-hon-nhan", 3, "ngay-lam-viec", None),
        ("dang-ky-giam-ho", 3, "ngay-lam-viec", None),
        ("dang-ky-cham-dut-giam-ho", 2, "ngay-lam-viec", None),
        ("thay-doi-cai-chinh-ho-tich-xac-dinh-lai-dan-toc", 3, "ngay-lam-viec", 6),
        ("dang-ky-thuong-tru", 7, "ngay-lam-viec", None),
        ("tach-ho", 5, "ngay-lam-viec", None),
        ("dang-ky-tam-tru", 3, "ngay-lam-viec", None),
        ("khai-bao-tam-vang", 1, "ngay-lam-viec", 2),
        ("chung-thuc-hop-dong-giao-dich", 2, "ngay-lam-viec", None),
        ("tro-cap-xa-hoi-hang-thang", 10, "ngay-lam-viec", None),
        ("dang-ky-thanh-lap-ho-kinh-doanh", 3, "ngay-lam-viec", None),
        ("cap-giay-phep-xay-dung-nha-o-rieng-le", 15, "ngay", 25),
        ("giai-quyet-khieu-nai-lan-dau", 30, "ngay", 45),
    ],
)
def test_statutory_time_limits(by_code, code, value, unit, extended):
    time_limit = by_code[code]["time_limit"]
    assert (time_limit["value"], time_limit["unit"]) == (value, unit)
    assert time_limit.get("extended", {}).get("value") == extended


def test_same_day_procedures(by_code):
    for code in ("dang-ky-khai-sinh", "dang-ky-khai-tu", "dang-ky-ket-hon", "chung-thuc-chu-ky"):
        assert by_code[code]["time_limit"]["same_day"] is True, code


def test_on_time_birth_death_and_marriage_registration_are_free(by_code):
    for code in ("dang-ky-khai-sinh", "dang-ky-khai-tu", "dang-ky-ket-hon", "dang-ky-giam-ho"):
        assert by_code[code]["fee"]["amount_vnd"] == 0, code


def test_fees_set_by_the_province_are_not_invented(by_code):
    for code in (
        "cap-giay-xac-nhan-tinh-trang-hon-nhan",
        "dang-ky-thanh-lap-ho-kinh-doanh",
        "cap-giay-phep-xay-dung-nha-o-rieng-le",
        "dang-ky-cap-giay-chung-nhan-lan-dau",
    ):
        fee = by_code[code]["fee"]
        assert fee["amount_vnd"] is None, code
        assert "HĐND" in fee["text"], code


def test_online_levels_agree_with_channels(catalogue):
    for procedure in catalogue:
        online = "truc-tuyen" in procedure["channels"]
        assert online == (procedure["online_level"] != "khong"), procedure["code"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "khai sinh",
            {"dang-ky-khai-sinh", "dang-ky-lai-khai-sinh", "lien-thong-khai-sinh-thuong-tru-bhyt"},
        ),
        ("dang ky khai sinh", {"dang-ky-khai-sinh"}),
        ("ket hon", {"dang-ky-ket-hon", "dang-ky-lai-ket-hon"}),
        ("nhập hộ khẩu", {"dang-ky-thuong-tru"}),
        ("tam tru", {"dang-ky-tam-tru", "gia-han-tam-tru"}),
        ("sao y", {"chung-thuc-ban-sao-tu-ban-chinh"}),
        ("giay phep xay dung", {"cap-giay-phep-xay-dung-nha-o-rieng-le"}),
        ("so do", {"dang-ky-cap-giay-chung-nhan-lan-dau"}),
        ("ho ngheo", {"cong-nhan-ho-ngheo-ho-can-ngheo"}),
        ("ho kinh doanh", {"dang-ky-thanh-lap-ho-kinh-doanh"}),
        ("mai tang", {"ho-tro-chi-phi-mai-tang"}),
        ("khieu nai", {"giai-quyet-khieu-nai-lan-dau"}),
    ],
)
def test_search_finds_procedures_with_or_without_diacritics(catalogue, query, expected):
    assert expected <= search(catalogue, query)


# --- the loader's rules ----------------------------------------------------------------------

VALID = {
    "code": "thu-tuc-thu",
    "name": "Thủ tục thử",
    "level": "xa",
    "authority": "Ủy ban nhân dân cấp xã",
    "purpose": "Để kiểm tra trình nạp danh mục.",
    "applicants": ["Công dân"],
    "documents": [{"name": "Tờ khai", "original_or_copy": "ban-chinh", "quantity": 1}],
    "channels": ["truc-tiep", "truc-tuyen"],
    "online_level": "toan-trinh",
    "time_limit": {"value": 3, "unit": "ngay-lam-viec"},
    "fee": {"amount_vnd": 0, "text": "Miễn lệ phí"},
    "legal_basis": [{"code": "Luật Thử 2025"}],
    "steps": ["Nộp hồ sơ.", "Nhận kết quả."],
    "result": "Giấy chứng nhận",
    "effective_date": "2025-07-01",
    "keywords": ["thử"],
}


def write_field(directory, procedures, field_code="thu-nghiem"):
    path = directory / f"{field_code}.yaml"
    document = {"field": {"code": field_code, "name": "Thử nghiệm"}, "procedures": procedures}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def changed(**changes) -> dict:
    procedure = copy.deepcopy(VALID)
    procedure.update(changes)
    return procedure


def problems_of(tmp_path, *procedures) -> list[str]:
    write_field(tmp_path, list(procedures))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    return caught.value.problems


def test_a_valid_procedure_loads_with_its_field(tmp_path):
    write_field(tmp_path, [VALID])
    [procedure] = load_catalogue(tmp_path)
    assert procedure["field"] == "Thử nghiệm"
    assert procedure["field_code"] == "thu-nghiem"


def test_a_schema_error_names_the_file_and_the_procedure(tmp_path):
    procedure = changed()
    del procedure["fee"]
    [problem] = problems_of(tmp_path, procedure)
    assert problem.startswith("thu-nghiem.yaml: thủ tục 'thu-tuc-thu':")
    assert "'fee' is a required property" in problem


def test_a_duplicate_code_names_both_files(tmp_path):
    write_field(tmp_path, [VALID], field_code="a-linh-vuc")
    write_field(tmp_path, [VALID], field_code="b-linh-vuc")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    [problem] = caught.value.problems
    assert "b-linh-vuc.yaml" in problem and "a-linh-vuc.yaml" in problem
    assert "trùng" in problem


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"online_level": "toan-trinh", "channels": ["truc-tiep"]}, "không có 'truc-tuyen'"),
        ({"online_level": "khong", "channels": ["truc-tiep", "truc-tuyen"]}, "có 'truc-tuyen'"),
        ({"effective_date": "2025-02-30"}, "không phải ngày hợp lệ"),
        ({"fee": {"amount_vnd": 0, "text": "Theo quy định"}}, "miễn/không thu"),
        ({"fee": {"amount_vnd": None, "text": "Tùy trường hợp"}}, "nơi quy định mức thu"),
        (
            {
                "time_limit": {
                    "value": 5,
                    "unit": "ngay-lam-viec",
                    "extended": {"value": 3, "unit": "ngay-lam-viec", "condition": "Xác minh"},
                }
            },
            "dài hơn",
        ),
        (
            {"time_limit": {"value": 3, "unit": "ngay-lam-viec", "same_day": True}},
            "giải quyết trong ngày",
        ),
        (
            {
                "documents": [
                    {
                        "name": "Giấy tờ khi cần",
                        "original_or_copy": "ban-sao",
                        "quantity": 1,
                        "required": False,
                        "condition": "Khi cần",
                    }
                ]
            },
            "ít nhất một giấy tờ bắt buộc",
        ),
    ],
)
def test_rules_the_schema_cannot_express(tmp_path, changes, expected):
    [problem] = problems_of(tmp_path, changed(**changes))
    assert problem.startswith("thu-nghiem.yaml: thủ tục 'thu-tuc-thu':")
    assert expected in problem


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"documents": [{"name": "Tờ khai", "quantity": 1}]}, "original_or_copy"),
        (
            {
                "documents": [
                    {"name": "Tờ khai", "original_or_copy": "ban-chinh", "quantity": 1},
                    {
                        "name": "Giấy",
                        "original_or_copy": "ban-sao",
                        "quantity": 1,
                        "required": False,
                    },
                ]
            },
            "'condition' is a required property",
        ),
        ({"level": "huyen"}, "'xa' was expected"),
        ({"code": "Đăng Ký"}, "does not match"),
        ({"channels": ["truc-tiep", "fax"]}, "'fax' is not one of"),
        ({"time_limit": {"value": 0, "unit": "ngay"}}, "less than or equal to the minimum"),
        ({"tags": ["x"]}, "Additional properties"),
    ],
)
def test_schema_rules(tmp_path, changes, expected):
    [problem] = problems_of(tmp_path, changed(**changes))
    assert expected in problem


def test_every_problem_is_reported_at_once(tmp_path):
    problems = problems_of(
        tmp_path,
        changed(code="mot", effective_date="2025-13-01"),
        changed(code="hai", online_level="khong"),
    )
    assert len(problems) == 2
    assert "'mot'" in problems[0] and "'hai'" in problems[1]


def test_a_repeated_yaml_key_is_refused(tmp_path):
    text = yaml.safe_dump(
        {"field": {"code": "thu-nghiem", "name": "Thử"}, "procedures": [VALID]},
        allow_unicode=True,
    )
    (tmp_path / "thu-nghiem.yaml").write_text(
        text.replace("  name: Thủ tục thử\n", "  name: Thủ tục thử\n  name: Tên khác\n"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="bị lặp"):
        load_catalogue(tmp_path)


def test_the_field_code_is_the_file_name(tmp_path):
    path = write_field(tmp_path, [VALID])
    path.rename(tmp_path / "khac.yaml")
    with pytest.raises(CatalogueError, match="phải trùng tên tệp"):
        load_catalogue(tmp_path)


def test_a_procedure_does_not_repeat_its_field(tmp_path):
    [problem] = problems_of(tmp_path, changed(field="Hộ tịch"))
    assert "không ghi 'field'" in problem


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(CatalogueError, match="không có tệp"):
        load_catalogue(tmp_path)
