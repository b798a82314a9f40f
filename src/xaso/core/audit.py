"""The audit trail: one ``record()`` call per business action or personal-data read.

The request context (client IP, channel) comes from ``RequestContextMiddleware`` through a
context variable, so services and selectors record it without being handed the request.
Snapshots must not contain personal data in clear: pass field names, not values, for PII.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from xaso.core.choices import AuditAction


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    via: str = "web"


_OUTSIDE_REQUESTS = RequestContext(via="cli")
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("xaso_request_context")


def set_context(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def reset_context(token: contextvars.Token) -> None:
    _current.reset(token)


def current_context() -> RequestContext:
    return _current.get(_OUTSIDE_REQUESTS)


def record(
    *,
    actor,
    action: AuditAction | str,
    obj=None,
    unit_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
):
    from xaso.core.models import AuditLog

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        unit_id = unit_id if unit_id is not None else getattr(obj, "unit_id", None)
    context = current_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "hệ thống")[:150],
        unit_id=unit_id,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        changes=changes or {},
        ip=context.ip,
        via=context.via,
    )
