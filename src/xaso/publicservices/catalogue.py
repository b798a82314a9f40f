"""The catalogue of commune-level administrative procedures (thủ tục hành chính cấp xã), kept as
reviewable YAML in ``data/procedures/`` (one file per lĩnh vực) and validated on load.

Each file reads::

    field: {code: ho-tich, name: Hộ tịch}
    procedures:
      - code: dang-ky-khai-sinh
        ...

Every procedure is checked against ``data/procedure.schema.json`` (JSON Schema 2020-12) and
then against the rules a schema cannot express: codes unique across files, at least one document
every applicant brings, online level consistent with the channels (Nghị định 42/2022/NĐ-CP:
"toàn trình" and "một phần" need an online channel, "không" must not have one), a time limit whose
extension is longer than the base, a fee text that says "miễn"/"không thu" when the amount is 0
and where the amount comes from when it is not fixed, and a real calendar date as effective date.
All problems are collected and raised together, each naming its file and procedure.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from xaso.core.text import fold

DATA_DIR = Path(__file__).parent / "data"
PROCEDURES_DIR = DATA_DIR / "procedures"
SCHEMA_PATH = DATA_DIR / "procedure.schema.json"

ONLINE_LEVELS_NEEDING_ONLINE_CHANNEL = {"toan-trinh", "mot-phan"}
# Folded words that show where a fee that is not a fixed amount comes from.
FEE_SOURCE_WORDS = ("hdnd", "hoi dong nhan dan", "nghi quyet", "nghi dinh", "thong tu", "quy dinh")
FREE_WORDS = ("mien", "khong thu")


class CatalogueError(ValueError):
    """The catalogue does not load; ``problems`` lists each one as "file: procedure: problem"."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "Danh mục thủ tục hành chính không hợp lệ:\n" + "\n".join(f"- {p}" for p in problems)
        )


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping (PyYAML silently keeps the last)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep=False):
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"khóa '{key}' bị lặp", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load_catalogue(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read, validate and return every procedure, file by file (sorted by file name) in the
    order written. ``path`` is a directory of ``*.yaml`` files or one file; by default the
    catalogue shipped with the app. Raises :class:`CatalogueError` listing every problem."""
    root = Path(path) if path is not None else PROCEDURES_DIR
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    problems: list[str] = []
    if not files:
        raise CatalogueError([f"{root}: không có tệp *.yaml nào"])

    procedures: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}  # code -> file name where it first appeared
    for file in files:
        for procedure in _read_file(file, problems):
            where = f"{file.name}: thủ tục '{procedure.get('code', '?')}'"
            errors = _schema_problems(procedure) or list(_rule_problems(procedure))
            problems.extend(f"{where}: {error}" for error in errors)
            code = procedure.get("code")
            if isinstance(code, str):
                if code in first_seen:
                    problems.append(f"{where}: mã bị trùng (đã có trong {first_seen[code]})")
                else:
                    first_seen[code] = file.name
            procedures.append(procedure)
    if problems:
        raise CatalogueError(problems)
    return procedures


def _read_file(file: Path, problems: list[str]) -> list[dict[str, Any]]:
    """The file's procedures with ``field``/``field_code`` filled in from its header."""
    try:
        document = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{file.name}: không đọc được YAML: {exc}")
        return []
    if not isinstance(document, dict) or set(document) != {"field", "procedures"}:
        problems.append(f"{file.name}: tệp phải có đúng hai khóa 'field' và 'procedures'")
        return []
    field, entries = document["field"], document["procedures"]
    if not (isinstance(field, dict) and set(field) == {"code", "name"}):
        problems.append(f"{file.name}: 'field' phải có 'code' và 'name'")
        return []
    if field["code"] != file.stem:
        problems.append(f"{file.name}: mã lĩnh vực '{field['code']}' phải trùng tên tệp")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{file.name}: 'procedures' phải là danh sách không rỗng")
        return []
    procedures = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"{file.name}: mục thứ {index} không phải là một thủ tục")
            continue
        if "field" in entry or "field_code" in entry:
            problems.append(
                f"{file.name}: thủ tục '{entry.get('code', index)}': không ghi 'field' trong "
                "từng thủ tục (lấy từ đầu tệp)"
            )
        procedure = _plain(entry)
        procedure["field"] = field["name"]
        procedure["field_code"] = field["code"]
        procedures.append(procedure)
    return procedures


def _plain(value: Any) -> Any:
    """YAML reads an unquoted 2025-07-01 as a date; the schema and the API want the ISO text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _schema_problems(procedure: dict[str, Any]) -> list[str]:
    errors = sorted(_validator().iter_errors(procedure), key=lambda error: list(error.path))
    return [f"{_json_path(error.absolute_path)}: {error.message}" for error in errors]


def _json_path(parts: Iterable[Any]) -> str:
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return path.lstrip(".") or "(gốc)"


def _rule_problems(procedure: dict[str, Any]) -> Iterable[str]:
    """Rules across fields; only run on a procedure the schema accepted."""
    documents = procedure["documents"]
    if not any(document.get("required", True) for document in documents):
        yield "documents: cần ít nhất một giấy tờ bắt buộc với mọi người nộp"

    channels, level = set(procedure["channels"]), procedure["online_level"]
    if level in ONLINE_LEVELS_NEEDING_ONLINE_CHANNEL and "truc-tuyen" not in channels:
        yield f"online_level '{level}' nhưng channels không có 'truc-tuyen'"
    if level == "khong" and "truc-tuyen" in channels:
        yield "online_level 'khong' nhưng channels có 'truc-tuyen'"

    time_limit = procedure["time_limit"]
    if time_limit.get("same_day") and (time_limit["value"], time_limit["unit"]) != (
        1,
        "ngay-lam-viec",
    ):
        yield "time_limit: giải quyết trong ngày thì ghi value 1, unit 'ngay-lam-viec'"
    extended = time_limit.get("extended")
    if (
        extended
        and extended["unit"] == time_limit["unit"]
        and extended["value"] <= time_limit["value"]
    ):
        yield "time_limit.extended phải dài hơn thời hạn thông thường"

    fee = procedure["fee"]
    fee_text = fold(f"{fee['text']} {fee.get('note', '')}")
    if fee["amount_vnd"] == 0 and not any(word in fee_text for word in FREE_WORDS):
        yield "fee: amount_vnd là 0 thì text phải nói rõ miễn/không thu"
    if fee["amount_vnd"] is None and not any(word in fee_text for word in FEE_SOURCE_WORDS):
        yield "fee: không có mức cố định thì text phải nêu nơi quy định mức thu (vd. HĐND tỉnh)"

    try:
        effective = dt.date.fromisoformat(procedure["effective_date"])
    except ValueError:
        yield f"effective_date '{procedure['effective_date']}' không phải ngày hợp lệ"
    else:
        if effective.year < 1990:
            yield f"effective_date '{procedure['effective_date']}' quá cũ"
