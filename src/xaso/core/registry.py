"""Registries the cross-cutting consumers read (``omc``, ``assistant``, ``opendata``,
``assessment``, ``twin``). Domain apps register into them from ``AppConfig.ready()``; the
consumers never import a domain app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Registration:
    code: str
    app: str
    payload: object
    meta: dict = field(default_factory=dict)


class Registry:
    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, Registration] = {}

    def register(self, code: str, payload: object, *, app: str, **meta) -> None:
        if code in self._items and self._items[code].payload is not payload:
            raise ValueError(f"{self.kind} '{code}' đã được đăng ký")
        self._items[code] = Registration(code=code, app=app, payload=payload, meta=meta)

    def get(self, code: str) -> Registration:
        return self._items[code]

    def all(self) -> list[Registration]:
        return sorted(self._items.values(), key=lambda r: r.code)

    def __contains__(self, code: str) -> bool:
        return code in self._items


kpis = Registry("KPI")
assistant_sources = Registry("assistant source")
datasets = Registry("dataset")
map_layers = Registry("map layer")
seeders: dict[str, Callable] = {}
# Periodic jobs ``xaso scheduler`` enqueues: code -> (task, every N seconds).
periodic_tasks: dict[str, tuple[object, int]] = {}
