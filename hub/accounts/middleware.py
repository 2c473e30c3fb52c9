from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from hub.accounts.services import needs_two_factor_setup

# Paths a curator or admin without two-factor authentication may still use: everything
# needed to set it up, or to sign out.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/media/")


class RequireStaffMFAMiddleware:
    """Curators and admins must set up an authenticator app before they use the hub."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and needs_two_factor_setup(user)
        ):
            messages.warning(
                request,
                "Curators and admins must set up two-factor authentication before using the hub.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
