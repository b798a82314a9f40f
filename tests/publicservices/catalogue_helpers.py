"""Helpers of the catalogue tests: the shipped catalogue loaded into the database, copies of
its files to change, and catalogue files written from procedure dicts."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

from xaso.publicservices.catalogue import PROCEDURES_DIR, load_catalogue
from xaso.publicservices.models import Procedure
from xaso.publicservices.services.catalogue import sync_catalogue


def load_shipped() -> dict:
    return sync_catalogue(None)


def shipped(code: str) -> dict:
    """A fresh copy of one shipped procedure (as the loader returns it)."""
    return copy.deepcopy(next(p for p in load_catalogue() if p["code"] == code))


def copy_catalogue(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for file in PROCEDURES_DIR.glob("*.yaml"):
        shutil.copy(file, directory / file.name)
    return directory


def field_yaml(procedures: list[dict], *, code: str = "ho-tich", name: str = "Hộ tịch") -> str:
    """A catalogue file of one lĩnh vực from procedure dicts (their field keys dropped)."""
    entries = [{k: v for k, v in p.items() if k not in ("field", "field_code")} for p in procedures]
    document = {"field": {"code": code, "name": name}, "procedures": entries}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def procedure(code: str) -> Procedure:
    return Procedure.objects.get(code=code)
