"""The one way anything in the hub writes to the audit log."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from hub.core.models import AuditEntry


def audit(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` (a user, or ``None`` for the hub itself) did ``action`` to
    ``target``, moving it from ``from_state`` to ``to_state``.

    ``action`` is a dotted name such as ``"account.signup"`` or ``"role.grant"``; ``detail``
    holds anything else worth keeping (never secrets).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        detail=detail or {},
    )
