from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from hub.core.roles import is_curator

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
            settings.HUB_REQUIRE_STAFF_MFA
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and is_curator(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                "Curators and admins must set up two-factor authentication before using the hub.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
