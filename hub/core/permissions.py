"""Who may do what with the hub's shared features (the audit log), and the helper every app
uses to guard a view with a permission."""

from functools import wraps

import rules
from django.core.exceptions import PermissionDenied

from hub.core.roles import is_curator

rules.add_perm("core.view_audit_log", is_curator)
rules.add_perm("core.export_audit_log", is_curator)


def require_perm(perm: str):
    """Decorator: 403 unless the signed-in person holds ``perm``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
