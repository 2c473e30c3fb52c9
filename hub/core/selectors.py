from hub.core.models import AuditEntry


def audit_entries(
    *, action: str = "", actor_email: str = "", target_id: str = "", date_from=None, date_to=None
):
    """The audit log, newest first, narrowed by the filters people use on the audit page."""
    entries = AuditEntry.objects.with_related()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_email:
        entries = entries.filter(actor__email__iexact=actor_email.strip())
    if target_id:
        entries = entries.filter(target_id=target_id.strip())
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries


def audit_action_choices() -> list[tuple[str, str]]:
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return [("", "Any action")] + [(action, action) for action in actions]
